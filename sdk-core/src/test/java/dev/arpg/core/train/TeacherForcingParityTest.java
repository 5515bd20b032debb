package dev.arpg.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arpg.core.testing.Golden;
import dev.arpg.core.testing.Tensors;
import dev.arpg.core.testing.TinyModel;
import dev.arpg.core.weights.StateDict;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code arpg-tiny/teacher_forcing.safetensors}: logits and every activation of the reference. */
class TeacherForcingParityTest {
    private static final double TOLERANCE = 2e-3;
    @RegisterExtension
    static final TinyModel TINY = new TinyModel();
    private static StateDict golden;

    @BeforeAll
    static void load() {
        golden = StateDict.read(Golden.file("arpg-tiny/teacher_forcing.safetensors"));
    }

    private static int[][] ints(String name) {
        long[] flat = golden.get(name).toLongArray();
        int rows = (int) golden.get(name).shape()[0];
        int cols = flat.length / rows;
        int[][] out = new int[rows][cols];
        for (int i = 0; i < flat.length; i++) {
            out[i / cols][i % cols] = (int) flat[i];
        }
        return out;
    }

    private static TeacherForcing.Batch batch(NDManager m) {
        long[] labels = golden.get("labels").toLongArray();
        return TeacherForcing.batch(m, TINY.model().config(), ints("tokens"),
                new int[] {(int) labels[0], (int) labels[1]}, new boolean[2], ints("perm"));
    }

    @Test
    void buildsTheReferenceInputs() {
        try (NDManager m = TINY.manager().newSubManager()) {
            TeacherForcing.Batch batch = batch(m);
            assertThat(batch.inputIds().toLongArray()).containsExactly(golden.get("input_ids").toLongArray());
            assertThat(batch.targets().toLongArray()).containsExactly(golden.get("shuffled_tokens").toLongArray());
        }
    }

    @Test
    void causalLogitsAndEveryActivationMatch() {
        try (NDManager m = TINY.manager().newSubManager()) {
            Map<String, float[]> acts = new HashMap<>();
            NDArray logits = TeacherForcing.logits(TINY.model(), batch(m),
                    (name, value) -> acts.put("act." + name, value.toFloatArray()));
            Tensors.assertClose("logits_causal", logits.toFloatArray(),
                    golden.get("logits_causal").toFloatArray(), TOLERANCE);
            int compared = 0;
            for (String name : golden.names()) {
                if (name.startsWith("act.")) {
                    assertThat(acts).as("activation recorded: " + name).containsKey(name);
                    Tensors.assertClose(name, acts.get(name), golden.get(name).toFloatArray(), TOLERANCE);
                    compared++;
                }
            }
            assertThat(compared).isEqualTo(11);
        }
    }

    @Test
    void evalModeLogitsMatchWithAllAndWithTheLastSixteenQueries() {
        try (NDManager m = TINY.manager().newSubManager()) {
            TeacherForcing.Batch batch = batch(m);
            NDArray all = TINY.model().forward(batch.inputIds(), batch.keyRows(), batch.queryRows(), false,
                    (n, v) -> { });
            Tensors.assertClose("logits_eval", all.toFloatArray(), golden.get("logits_eval").toFloatArray(),
                    TOLERANCE);
            NDArray lastRows = batch.queryRows().get(":, 48:");
            NDArray last16 = TINY.model().forward(batch.inputIds(), batch.keyRows(), lastRows, false, (n, v) -> { });
            assertThat(last16.getShape()).isEqualTo(new Shape(2, 16, 64));
            Tensors.assertClose("logits_eval_nq16", last16.toFloatArray(),
                    golden.get("logits_eval_nq16").toFloatArray(), TOLERANCE);
        }
    }
}
