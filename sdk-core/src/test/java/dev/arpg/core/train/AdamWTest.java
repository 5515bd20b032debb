package dev.arpg.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {

    @Test
    void stepsHoldOnlyTheMomentsAndMoveAgainstTheGradient() {
        try (NDManager m = NDManager.newBaseManager(); AdamW adam = AdamW.arpgRecipe(m)) {
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
}
