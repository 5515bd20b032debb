package dev.arpg.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.testing.TinyArpg;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrepareForDecodingTest {
    /** Three decoding steps of two rows (fed 1, 3 and 2 tokens; 2, 4 and 5 targets), logits of each. */
    private static List<float[]> decode(ArpgTransformer model, NDManager parent) {
        ArpgConfig c = model.config();
        try (NDManager m = parent.newSubManager(); KvCache cache = model.newKvCache(2, 7, m)) {
            int[][] fed = {{c.classTokenId(3)}, {5, 9, 11}, {2, 7}};
            int[][] fedRows = {{0}, {1, 2, 3}, {4, 5}};
            int[][] targetRows = {{1, 2}, {4, 5, 6, 7}, {6, 7, 8, 9, 10}};
            List<float[]> logits = new java.util.ArrayList<>();
            for (int s = 0; s < fed.length; s++) {
                long[] ids = new long[2 * fed[s].length];
                for (int i = 0; i < fed[s].length; i++) {
                    ids[i] = fed[s][i];
                    ids[fed[s].length + i] = s == 0 ? c.nullClassTokenId() : fed[s][i];
                }
                NDArray step = model.decodeStep(cache, m.create(ids, new Shape(2, fed[s].length)),
                        m.create(java.util.Arrays.stream(fedRows[s]).asLongStream().toArray(), new Shape(1, fedRows[s].length)),
                        model.maskQueries(m, 2, targetRows[s].length),
                        m.create(java.util.Arrays.stream(targetRows[s]).asLongStream().toArray(),
                                new Shape(1, targetRows[s].length)));
                assertThat(step.getShape()).isEqualTo(new Shape(2, targetRows[s].length, c.vocabSize()));
                logits.add(step.toFloatArray());
            }
            return logits;
        }
    }

    @Test
    void decodingStepsGiveTheSameLogitsOnOneDnnsBlockedWeights() {
        try (NDManager root = Engines.newRootManager();
                ArpgTransformer plain = TinyArpg.load(root);
                ArpgTransformer prepared = TinyArpg.load(root)) {
            assertThat(prepared.prepareForDecoding()).as("oneDNN found in libtorch_cpu.so").isTrue();
            List<float[]> expected = decode(plain, root);
            List<float[]> actual = decode(prepared, root);
            for (int s = 0; s < expected.size(); s++) {
                float worst = 0;
                for (int i = 0; i < expected.get(s).length; i++) {
                    assertThat(Float.isFinite(actual.get(s)[i])).isTrue();
                    worst = Math.max(worst, Math.abs(actual.get(s)[i] - expected.get(s)[i]));
                }
                assertThat(worst).as("step " + s).isLessThan(1e-4f);
            }
        }
    }

    @Test
    void aPreparedModelOnlyDecodesAndPreparingAgainChangesNothing() {
        try (NDManager root = Engines.newRootManager(); ArpgTransformer model = TinyArpg.load(root)) {
            List<String> qkv = List.of("layers.self_dec.0.attn.to_q.weight", "layers.self_dec.0.attn.to_k.weight",
                    "layers.self_dec.0.attn.to_v.weight");
            assertThat(model.stacked(qkv).getShape().get(0)).isEqualTo(3L * model.config().dim());
            assertThat(model.prepareForDecoding()).isTrue();
            assertThat(model.prepareForDecoding()).isTrue();
            assertThatThrownBy(model::parameters).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("prepareForDecoding()").hasMessageContaining("load the model again");
            assertThatThrownBy(() -> model.stacked(qkv)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("stacked()");
            try (NDManager m = root.newSubManager()) {
                NDArray ids = m.create(new long[] {model.config().classTokenId(0), 4}, new Shape(1, 2));
                NDArray rows = m.create(new long[] {0, 1}, new Shape(1, 2));
                assertThatThrownBy(() -> model.forward(ids, rows, rows, true, ActivationRecorder.NONE))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("forward()");
            }
            assertThat(decode(model, root)).hasSize(3);
        }
    }
}
