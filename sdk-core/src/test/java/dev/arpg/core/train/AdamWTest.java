package dev.arpg.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.arpg.core.engine.Engines;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {

    @Test
    void stepsHoldOnlyTheMomentsAndMoveAgainstTheGradient() {
        try (NDManager m = Engines.newRootManager(); AdamW adam = AdamW.arpgRecipe(m)) {
            NDArray w = m.create(new float[] {1, -2, 3, 4}).reshape(2, 2);
            NDArray gain = m.create(new float[] {1, 1});
            Map<String, NDArray> params = Map.of("w", w, "gain", gain);
            params.values().forEach(p -> p.setRequiresGradient(true));
            int live = -1;
            for (int step = 0; step < 5; step++) {
                Gradients.zero(params.values());
                try (GradientCollector c = Engine.getInstance().newGradientCollector();
                        NDManager s = m.newSubManager()) {
                    NDArray x = s.create(new float[] {1, 1}).reshape(1, 2);
                    c.backward(x.matMul(w).sum().add(gain.sum()));
                }
                adam.step(params, 0.1);
                if (step == 0) {
                    live = adam.liveArrays();
                }
            }
            assertThat(live).isEqualTo(4);
            assertThat(adam.liveArrays()).as("arrays held after 5 steps").isEqualTo(live);
            assertThat(w.toFloatArray()[0]).isLessThan(1f);
            assertThat(gain.toFloatArray()[0]).isLessThan(1f);
        }
    }

    @Test
    void rejectsAParameterItCannotUpdateInPlaceInsteadOfUpdatingACopy() {
        try (NDManager m = Engines.newRootManager(); AdamW adam = AdamW.arpgRecipe(m)) {
            NDArray base = m.create(new float[] {1, 2, 3, 4, 5, 6}).reshape(2, 3);
            NDArray transposed = base.transpose();
            transposed.setRequiresGradient(true);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                c.backward(transposed.sum());
            }

            assertThatThrownBy(() -> adam.step(Map.of("t", transposed), 0.1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("parameter t").hasMessageContaining("contiguous");
            assertThat(base.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
        }
    }

    @Test
    void equalsTheUpdateWrittenWithEngineOps() {
        try (NDManager m = Engines.newRootManager(); AdamW adam = new AdamW(0.9, 0.95, 1e-8, 0.05, m)) {
            m.getEngine().setRandomSeed(3);
            NDArray w = m.randomNormal(new Shape(7, 5));
            NDArray slope = m.randomNormal(new Shape(7, 5));
            NDArray expected = w.duplicate();
            NDArray first = m.zeros(w.getShape());
            NDArray second = m.zeros(w.getShape());
            w.setRequiresGradient(true);
            double lr = 0.01;
            for (int t = 1; t <= 3; t++) {
                Gradients.zero(java.util.List.of(w));
                try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                    c.backward(w.mul(slope).sum());
                }
                adam.step(Map.of("w", w), lr);

                expected = expected.mul((float) (1 - lr * 0.05));
                first = first.mul(0.9f).add(slope.mul((float) (1 - 0.9)));
                second = second.mul(0.95f).add(slope.square().mul((float) (1 - 0.95)));
                NDArray denominator = second.sqrt().div((float) Math.sqrt(1 - Math.pow(0.95, t))).add(1e-8f);
                expected = expected.sub(first.div(denominator).mul((float) (lr / (1 - Math.pow(0.9, t)))));
            }
            assertThat(w.sub(expected).abs().max().getFloat()).isLessThan(1e-7f);
        }
    }
}
