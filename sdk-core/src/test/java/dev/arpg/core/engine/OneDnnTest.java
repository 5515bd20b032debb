package dev.arpg.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class OneDnnTest {
    /** The tests run on x86-64 Linux with the foreign API and the pinned libtorch, whose oneDNN is found. */
    private static OneDnn oneDnn() {
        assertThat(System.getProperty("os.arch")).isEqualTo("amd64");
        return Engines.oneDnn().orElseThrow(() -> new AssertionError("oneDNN was not found in libtorch_cpu.so"));
    }

    private static float maxDifference(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    @ParameterizedTest
    @CsvSource({"1, 64, 48", "2, 1024, 3072", "5, 256, 768", "6, 1024, 3072", "8, 1024, 1024", "13, 256, 768",
        "21, 128, 64", "40, 2816, 1024", "300, 64, 20"})
    void multipliesAsLinearDoesForEveryRowCount(int rows, int in, int out) {
        try (NDManager m = Engines.newRootManager()) {
            NDArray w = m.randomNormal(0, 0.05f, new Shape(out, in), DataType.FLOAT32);
            NDArray x = m.randomNormal(new Shape(rows, in));
            OneDnn.Blocked blocked = oneDnn().block(w.duplicate());
            assertThat(blocked.bytes()).isGreaterThanOrEqualTo((long) out * in * Float.BYTES);
            NDArray product = oneDnn().multiply(x, blocked);
            assertThat(product.getShape()).isEqualTo(new Shape(rows, out));
            assertThat(maxDifference(product, Linear.linear(x, w).singletonOrThrow())).isLessThan(2e-5f * in / 64);
        }
    }

    @Test
    void keepsLeadingAxesAndReadsNonContiguousInputs() {
        try (NDManager m = Engines.newRootManager()) {
            NDArray w = m.randomNormal(new Shape(24, 32));
            OneDnn.Blocked blocked = oneDnn().block(w.duplicate());
            NDArray x = m.randomNormal(new Shape(2, 32, 3)).transpose(0, 2, 1);
            NDArray product = oneDnn().multiply(x, blocked);
            assertThat(product.getShape()).isEqualTo(new Shape(2, 3, 24));
            assertThat(maxDifference(product, Linear.linear(x, w).singletonOrThrow())).isLessThan(1e-4f);
            assertThat(oneDnn().multiply(m.zeros(new Shape(2, 0, 32)), blocked).getShape())
                    .isEqualTo(new Shape(2, 0, 24));
        }
    }

    @ParameterizedTest
    @CsvSource({"3", "4", "21"})
    void leavesOnlyTheProductInTheInputsManager(int rows) {
        try (NDManager m = Engines.newRootManager()) {
            OneDnn.Blocked blocked = oneDnn().block(m.randomNormal(new Shape(48, 32)));
            try (NDManager request = m.newSubManager()) {
                NDArray x = request.randomNormal(new Shape(1, rows, 32));
                NDArray product = oneDnn().multiply(x, blocked);
                assertThat(product.getShape()).isEqualTo(new Shape(1, rows, 48));
                assertThat(request.getManagedArrays()).containsExactlyInAnyOrder(x, product);
            }
        }
    }

    @Test
    void threadsMultiplyAtOnceWithTheSameWeights() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (NDManager m = Engines.newRootManager()) {
            NDArray w = m.randomNormal(new Shape(96, 128));
            OneDnn.Blocked blocked = oneDnn().block(w.duplicate());
            List<Future<Float>> differences = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int rows = 5 + t % 4; // 5 to 8 rows: a 6-row and an 8-row primitive, each run by four threads at once
                differences.add(pool.submit(() -> {
                    try (NDManager request = m.newSubManager()) {
                        float worst = 0;
                        for (int i = 0; i < 50; i++) {
                            NDArray x = request.randomNormal(new Shape(rows, 128));
                            worst = Math.max(worst, maxDifference(oneDnn().multiply(x, blocked),
                                    Linear.linear(x, w).singletonOrThrow()));
                        }
                        return worst;
                    }
                }));
            }
            for (Future<Float> difference : differences) {
                assertThat(difference.get()).isLessThan(1e-4f);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void productsOnTheCommonPoolReuseScratchInsteadOfMakingOneEachTask() {
        try (NDManager m = Engines.newRootManager()) {
            NDArray w = m.randomNormal(new Shape(64, 128));
            OneDnn.Blocked blocked = oneDnn().block(w.duplicate());
            Runnable product = () -> {
                try (NDManager request = m.newSubManager()) {
                    NDArray x = request.randomNormal(new Shape(6, 128));
                    assertThat(maxDifference(oneDnn().multiply(x, blocked), Linear.linear(x, w).singletonOrThrow()))
                            .isLessThan(1e-4f);
                }
            };
            CompletableFuture.runAsync(product).join();
            int made = oneDnn().scratchCount();
            for (int i = 0; i < 20; i++) {
                CompletableFuture.runAsync(product).join(); // a task on the common pool, as a service might run one
            }
            assertThat(oneDnn().scratchCount()).as("scratch made by 20 more tasks").isEqualTo(made);
        }
    }

    @ParameterizedTest
    @CsvSource({"64, 128", "5632, 1024"})
    void blocksInTheWeightsOwnMemoryWhenTheSizesAreEqual(int out, int in) {
        try (NDManager m = Engines.newRootManager()) {
            NDArray w = m.randomNormal(0, 0.05f, new Shape(out, in), DataType.FLOAT32);
            NDArray plain = w.duplicate();
            NDArray x = m.randomNormal(new Shape(3, in));
            OneDnn.Blocked blocked = oneDnn().block(w);
            assertThat(blocked.bytes()).isEqualTo((long) out * in * Float.BYTES);
            assertThat(w.isReleased()).isFalse();
            assertThat(maxDifference(w, plain)).as("the weight's memory now holds the blocked layout").isPositive();
            assertThat(maxDifference(oneDnn().multiply(x, blocked), Linear.linear(x, plain).singletonOrThrow()))
                    .isLessThan(1e-4f);
        }
    }

    @Test
    void rejectsWhatItCannotMultiply() {
        try (NDManager m = Engines.newRootManager()) {
            OneDnn.Blocked blocked = oneDnn().block(m.randomNormal(new Shape(8, 16)));
            assertThatThrownBy(() -> oneDnn().multiply(m.ones(new Shape(2, 15)), blocked))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("float32 [..., 16]");
            assertThatThrownBy(() -> oneDnn().multiply(m.ones(new Shape(2, 16), DataType.FLOAT64), blocked))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("float64");
            assertThatThrownBy(() -> oneDnn().block(m.ones(new Shape(2, 3, 4))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("float32 matrix");
        }
    }
}
