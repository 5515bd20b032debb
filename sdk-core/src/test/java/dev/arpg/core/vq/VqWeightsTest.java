package dev.arpg.core.vq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.arpg.api.ModelLoadException;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.model.ActivationRecorder;
import dev.arpg.core.testing.Golden;
import dev.arpg.core.weights.HostTensor;
import dev.arpg.core.weights.SafetensorsWriter;
import dev.arpg.core.weights.StateDict;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading the tiny tokenizer from both published layouts, with and without the unused buffer. */
class VqWeightsTest {

    private static float[] decodeGoldenCodes(StateDict weights) {
        StateDict golden = StateDict.read(Golden.file("vq-tiny/decode_code.safetensors"));
        try (NDManager root = Engines.newRootManager();
                VqModel model = VqModel.load(TinyVq.config(), weights, root)) {
            return model.decodeCode(golden.get("codes").toNDArray(root), ActivationRecorder.NONE).toFloatArray();
        }
    }

    @Test
    void torchCheckpointAndSafetensorsDecodeIdentically() {
        float[] fromPt = decodeGoldenCodes(StateDict.read(Golden.file("vq-tiny/model.pt")));
        float[] fromSafetensors = decodeGoldenCodes(TinyVq.weights());
        assertThat(fromPt).hasSize(2 * 3 * 32 * 32).containsExactly(fromSafetensors);
    }

    @Test
    void theCodebookUsageBufferIsOptional(@TempDir Path dir) {
        StateDict full = TinyVq.weights();
        Map<String, HostTensor> without = new LinkedHashMap<>();
        for (String name : full.names()) {
            if (!name.equals("quantize.codebook_used")) {
                without.put(name, full.get(name));
            }
        }
        Path file = dir.resolve("no-buffer.safetensors");
        SafetensorsWriter.write(file, without, Map.of());
        assertThat(decodeGoldenCodes(StateDict.read(file))).containsExactly(decodeGoldenCodes(full));
    }

    @Test
    void rejectsTheWeightsOfAnotherModel() {
        StateDict arpg = StateDict.read(Golden.file("arpg-tiny/state_dict.safetensors"));
        try (NDManager root = Engines.newRootManager()) {
            assertThatThrownBy(() -> VqModel.load(TinyVq.config(), arpg, root))
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("shares no parameter");
        }
    }

    @Test
    void rejectsWeightsOfAnotherSize() {
        try (NDManager root = Engines.newRootManager()) {
            assertThatThrownBy(() -> VqModel.load(VqConfig.VQ_16, TinyVq.weights(), root))
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("shape or type mismatches")
                    .hasMessageContaining("encoder.conv_in.weight (file [32, 3, 3, 3], model [128, 3, 3, 3])")
                    .hasMessageContaining("missing keys");
        }
    }

    @Test
    void rejectsATruncatedCheckpoint(@TempDir Path dir) {
        StateDict full = TinyVq.weights();
        Map<String, HostTensor> partial = new LinkedHashMap<>();
        for (String name : full.names()) {
            if (!name.startsWith("decoder.conv_out")) {
                partial.put(name, full.get(name));
            }
        }
        Path file = dir.resolve("partial.safetensors");
        SafetensorsWriter.write(file, partial, Map.of());
        try (NDManager root = Engines.newRootManager()) {
            assertThatThrownBy(() -> VqModel.load(TinyVq.config(), StateDict.read(file), root))
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("missing keys (2): [decoder.conv_out.weight, decoder.conv_out.bias]");
        }
    }
}
