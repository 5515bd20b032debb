package dev.arpg.core.vq;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.model.ActivationRecorder;
import dev.arpg.core.testing.Golden;
import dev.arpg.core.testing.Tensors;
import dev.arpg.core.weights.StateDict;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code vq-tiny/encode.safetensors} and {@code decode_code.safetensors}: outputs and activations. */
class VqParityTest {
    private static final double TOLERANCE = 1e-4;
    private static NDManager root;
    private static VqModel model;
    private static final Map<String, Double> WORST = new TreeMap<>();

    @BeforeAll
    static void load() {
        root = Engines.newRootManager();
        model = TinyVq.load(root);
    }

    @AfterAll
    static void close() {
        model.close();
        root.close();
        System.out.println("vq-tiny parity, max |diff| per tensor: " + WORST);
    }

    private static void assertClose(String what, float[] actual, float[] expected) {
        WORST.put(what, Tensors.assertClose(what, actual, expected, TOLERANCE));
    }

    /** Copies every recorded activation to the heap while it is still alive. */
    private static ActivationRecorder into(Map<String, float[]> seen) {
        return (name, value) -> seen.put(name, value.toFloatArray());
    }

    @Test
    void encodeMatchesTheReference() {
        StateDict golden = StateDict.read(Golden.file("vq-tiny/encode.safetensors"));
        Map<String, float[]> acts = new LinkedHashMap<>();
        try (NDManager m = root.newSubManager()) {
            VqModel.Encoding encoding = model.encode(golden.get("image").toNDArray(m), into(acts));
            assertThat(encoding.indices().getShape().getShape()).containsExactly(2, 64);
            assertThat(encoding.indices().toLongArray()).containsExactly(golden.get("indices").toLongArray());
            assertClose("encoder_out", acts.get("encoder.conv_out"),
                    golden.get("encoder_out").toFloatArray());
            assertClose("quant_conv_out", acts.get("quant_conv"),
                    golden.get("quant_conv_out").toFloatArray());
            assertClose("quant", encoding.quant().toFloatArray(), golden.get("quant").toFloatArray());
            assertClose("codebook_normalized", model.normalizedCodebook().toFloatArray(),
                    golden.get("codebook_normalized").toFloatArray());
            NDArray recon = model.decode(encoding.quant(), ActivationRecorder.NONE);
            assertClose("recon", recon.toFloatArray(), golden.get("recon").toFloatArray());
        }
    }

    @Test
    void decodeCodeMatchesEveryReferenceActivation() {
        StateDict golden = StateDict.read(Golden.file("vq-tiny/decode_code.safetensors"));
        Map<String, float[]> acts = new LinkedHashMap<>();
        try (NDManager m = root.newSubManager()) {
            NDArray image = model.decodeCode(golden.get("codes").toNDArray(m), into(acts));
            assertClose("image", image.toFloatArray(), golden.get("image").toFloatArray());
        }
        Set<String> expected = new TreeSet<>();
        for (String name : golden.names()) {
            if (name.startsWith("act.")) {
                expected.add(name.substring(4));
            }
        }
        assertThat(expected).hasSize(21);
        assertThat(new TreeSet<>(acts.keySet())).isEqualTo(expected);
        int compared = 0;
        for (String name : expected) {
            assertClose("act." + name, acts.get(name), golden.get("act." + name).toFloatArray());
            compared++;
        }
        assertThat(compared).isEqualTo(21);
    }

    @Test
    void decodingInsideAGradientCollectorGivesTheSameImage() {
        try (NDManager m = root.newSubManager()) {
            int g = model.config().gridSize();
            long[] codes = new long[g * g];
            for (int i = 0; i < codes.length; i++) {
                codes[i] = (i * 7L) % model.config().codebookSize();
            }
            NDArray ids = m.create(codes, new Shape(1, g * g));
            float[] inPlace = model.decodeCode(ids, ActivationRecorder.NONE).toFloatArray();
            float[] recorded;
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                recorded = model.decodeCode(ids, ActivationRecorder.NONE).toFloatArray();
            }
            assertThat(inPlace).containsExactly(recorded);
        }
    }
}
