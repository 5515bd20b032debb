package dev.arpg.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.model.ArpgTransformer;
import dev.arpg.core.testing.Golden;
import dev.arpg.core.testing.Tensors;
import dev.arpg.core.testing.TinyArpg;
import dev.arpg.core.weights.StateDict;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code arpg-tiny/train_step.safetensors}: loss and every gradient of the hand-written backward
 * ({@link TeacherForcingBackprop}), then gradient clipping and one AdamW step.
 */
class TrainStepParityTest {
    private static final double TOLERANCE = 2e-3;

    @Test
    void lossAndGradientsMatchTheReference() {
        StateDict golden = StateDict.read(Golden.file("arpg-tiny/train_step.safetensors"));
        long[] tokensFlat = golden.get("tokens").toLongArray();
        long[] permFlat = golden.get("perm").toLongArray();
        long[] labels = golden.get("labels").toLongArray();
        int n = tokensFlat.length / 2;
        int[][] tokens = new int[2][n];
        int[][] perm = new int[2][n];
        for (int i = 0; i < 2 * n; i++) {
            tokens[i / n][i % n] = (int) tokensFlat[i];
            perm[i / n][i % n] = (int) permFlat[i];
        }
        boolean[] dropped = golden.get("class_dropped").toBooleanArray();
        assertThat(dropped).containsExactly(false, true);

        try (NDManager root = Engines.newRootManager(); ArpgTransformer model = TinyArpg.load(root)) {
            Map<String, NDArray> params = model.parameters();
            params.values().forEach(p -> p.setRequiresGradient(true));
            Gradients.zero(params.values());
            try (NDManager m = root.newSubManager()) {
                TeacherForcing.Batch batch = TeacherForcing.batch(m, model.config(), tokens,
                        new int[] {(int) labels[0], (int) labels[1]}, dropped, perm);
                TeacherForcingBackprop.Result pass = TeacherForcingBackprop.run(model, batch, null, true);
                Tensors.assertClose("logits", pass.logits().toFloatArray(), golden.get("logits").toFloatArray(),
                        TOLERANCE);
                Tensors.assertClose("loss", new float[] {(float) pass.loss()}, golden.get("loss").toFloatArray(),
                        TOLERANCE);

                double squares = 0;
                for (Map.Entry<String, NDArray> e : params.entrySet()) {
                    float[] grad = e.getValue().getGradient().toFloatArray();
                    Tensors.assertClose("grad." + e.getKey(), grad,
                            golden.get("grad." + e.getKey()).toFloatArray(), TOLERANCE);
                    for (float g : grad) {
                        squares += (double) g * g;
                    }
                }
                Tensors.assertClose("grad_total_norm", new float[] {(float) Math.sqrt(squares)},
                        golden.get("grad_total_norm").toFloatArray(), TOLERANCE);
                assertThat(params).hasSize(38);
            }
            double norm = Gradients.clip(params.values(), 1.0);
            assertThat(norm).isCloseTo(golden.get("grad_total_norm").toFloatArray()[0], org.assertj.core.data.Offset.offset(2e-3));
            try (AdamW adam = AdamW.arpgRecipe(root)) {
                adam.step(params, 1e-4);
            }
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                Tensors.assertClose("param_after." + e.getKey(), e.getValue().toFloatArray(),
                        golden.get("param_after." + e.getKey()).toFloatArray(), 2e-4);
            }
        }
    }
}
