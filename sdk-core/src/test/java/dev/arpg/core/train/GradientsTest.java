package dev.arpg.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.arpg.core.engine.Engines;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradientsTest {

    @Test
    void clipsAllGradientsTogetherAndZeroesThem() {
        try (NDManager m = Engines.newRootManager()) {
            NDArray a = m.create(new float[] {1, 2});
            NDArray b = m.create(new float[] {1, 1, 1}).reshape(3, 1);
            List<NDArray> params = List.of(a, b);
            params.forEach(p -> p.setRequiresGradient(true));
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                // gradients (3, 4) and (0, 0, 12): total norm 13
                c.backward(a.mul(m.create(new float[] {3, 4})).sum().add(b.mul(m.create(new float[] {0, 0, 12})
                        .reshape(3, 1)).sum()));
            }

            assertThat(Gradients.totalNorm(params)).isCloseTo(13.0, within(1e-9));
            assertThat(Gradients.clip(params, 6.5)).isCloseTo(13.0, within(1e-9));
            assertThat(a.getGradient().toFloatArray()).containsExactly(new float[] {1.5f, 2f}, within(1e-6f));
            assertThat(Gradients.clip(params, 100)).isCloseTo(6.5, within(1e-5));
            assertThat(b.getGradient().toFloatArray()[2]).isCloseTo(6f, within(1e-5f));

            Gradients.zero(params);
            assertThat(Gradients.totalNorm(params)).isZero();
        }
    }

    @Test
    void zeroCreatesGradientsThatWritesReach() {
        try (NDManager m = Engines.newRootManager()) {
            NDArray p = m.create(new float[] {1, 2, 3});
            p.setRequiresGradient(true);
            try (NDArray detached = p.getGradient()) {
                detached.addi(m.ones(detached.getShape()));
            }
            assertThat(p.getGradient().toFloatArray()).as("before the first backward, writes are lost")
                    .containsExactly(0f, 0f, 0f);

            Gradients.zero(List.of(p));
            try (NDArray gradient = p.getGradient()) {
                gradient.addi(m.ones(gradient.getShape()));
            }
            assertThat(p.getGradient().toFloatArray()).containsExactly(1f, 1f, 1f);
            Gradients.requireExisting(java.util.Map.of("p", p));
        }
    }
}
