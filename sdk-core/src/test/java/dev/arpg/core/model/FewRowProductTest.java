package dev.arpg.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import dev.arpg.core.engine.Engines;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class FewRowProductTest {

    @ParameterizedTest
    @CsvSource({
        "1, 1, 64, 48", "2, 2, 64, 48", "3, 2, 37, 50", "5, 3, 1024, 97", "8, 2, 16, 3", "11, 1, 40, 7",
        "4, 4, 8, 1", "2, 2, 2816, 300", "17, 2, 1024, 99", "23, 2, 70, 13",
        "16, 2, 256, 48", "16, 1, 300, 17", "40, 2, 1024, 100", "47, 3, 513, 49", "33, 2, 2816, 64",
        "64, 2, 256, 48", "100, 2, 512, 70"
    })
    void equalsLinearUpToSummationOrder(int rows, int threads, int in, int out) {
        FewRowProduct product = new FewRowProduct(threads);
        try (NDManager m = Engines.newRootManager()) {
            m.getEngine().setRandomSeed(rows * 1000 + in);
            NDArray x = m.randomNormal(new Shape(rows, in));
            NDArray w = m.randomNormal(new Shape(out, in));
            NDArray expected = Linear.linear(x, w).singletonOrThrow();

            NDArray actual = product.multiply(x, w);

            assertThat(actual.getShape()).isEqualTo(new Shape(rows, out));
            float tolerance = 2e-6f * in;
            assertThat(actual.sub(expected).abs().max().getFloat()).isLessThan(tolerance);
            assertThat(actual.getManager()).isSameAs(x.getManager());
        }
    }

    @Test
    void concurrentProductsOnOneInstanceStayCorrect() throws Exception {
        FewRowProduct product = new FewRowProduct(2);
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<Float>> errors = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int seed = c;
                errors.add(callers.submit(() -> {
                    try (NDManager m = Engines.newRootManager()) {
                        m.getEngine().setRandomSeed(seed);
                        float worst = 0;
                        for (int i = 0; i < 20; i++) {
                            NDArray x = m.randomNormal(new Shape(6, 64));
                            NDArray w = m.randomNormal(new Shape(101, 64));
                            NDArray expected = Linear.linear(x, w).singletonOrThrow();
                            worst = Math.max(worst, product.multiply(x, w).sub(expected).abs().max().getFloat());
                        }
                        return worst;
                    }
                }));
            }
            for (Future<Float> error : errors) {
                assertThat(error.get()).isLessThan(1e-3f);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void keepsTheLeadingAxesOfTheInput() {
        try (NDManager m = Engines.newRootManager()) {
            NDArray x = m.randomNormal(new Shape(2, 3, 24));
            NDArray w = m.randomNormal(new Shape(10, 24));

            NDArray actual = new FewRowProduct(2).multiply(x, w);

            assertThat(actual.getShape()).isEqualTo(new Shape(2, 3, 10));
            NDArray expected = Linear.linear(x, w).singletonOrThrow();
            assertThat(actual.sub(expected).abs().max().getFloat()).isLessThan(1e-4f);
        }
    }

    @Test
    void rejectsMismatchedShapesAndTypes() {
        FewRowProduct product = new FewRowProduct(1);
        try (NDManager m = Engines.newRootManager()) {
            NDArray x = m.ones(new Shape(2, 8));
            assertThatThrownBy(() -> product.multiply(x, m.ones(new Shape(4, 9))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(2, 8)");
            assertThatThrownBy(() -> product.multiply(x, m.ones(new Shape(4, 8), DataType.FLOAT64)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("float64");
        }
    }
}
