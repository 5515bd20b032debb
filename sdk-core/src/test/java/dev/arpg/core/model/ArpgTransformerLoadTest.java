package dev.arpg.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.arpg.api.ArpgException;
import dev.arpg.api.CancellationToken;
import dev.arpg.api.ModelLoadException;
import dev.arpg.api.SamplingSettings;
import dev.arpg.core.decode.DecodeListener;
import dev.arpg.core.decode.DecodeTask;
import dev.arpg.core.decode.ParallelDecoder;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.testing.Golden;
import dev.arpg.core.testing.TinyArpg;
import dev.arpg.core.weights.HostTensor;
import dev.arpg.core.weights.SafetensorsWriter;
import dev.arpg.core.weights.StateDict;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArpgTransformerLoadTest {
    @TempDir
    Path tmp;

    private Path rewrite(java.util.function.Consumer<Map<String, HostTensor>> edit) {
        StateDict sd = TinyArpg.weights();
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        sd.names().forEach(n -> tensors.put(n, sd.get(n)));
        edit.accept(tensors);
        Path file = tmp.resolve("edited.safetensors");
        SafetensorsWriter.write(file, tensors, sd.metadata());
        return file;
    }

    @Test
    void ptAndSafetensorsLoadToTheSameModel() {
        try (NDManager m = Engines.newRootManager();
                ArpgTransformer a = ArpgTransformer.load(TinyArpg.config(), TinyArpg.weights(), m);
                ArpgTransformer b = ArpgTransformer.load(TinyArpg.config(),
                        StateDict.read(Golden.file("arpg-tiny/model.pt")), m)) {
            assertThat(a.parameters().keySet()).containsExactlyElementsOf(b.parameters().keySet());
            a.parameters().forEach((name, value) -> assertThat(value.toFloatArray()).as(name)
                    .containsExactly(b.parameters().get(name).toFloatArray()));
        }
    }

    @Test
    void everyMissingKeyShapeAndTypeMismatchIsNamed() {
        Path file = rewrite(t -> {
            t.remove("layers.to_v.weight");
            t.remove("norm.weight");
            t.put("head.weight", HostTensor.ofFloats(new long[] {10, 64}, new float[640]));
            t.put("freqs_cis", HostTensor.ofFloats(new long[] {1}, new float[1]));
            t.put("norm_ids", HostTensor.ofLongs(new long[] {1}, new long[1]));
            t.put("layers.norm.weight", HostTensor.ofLongs(new long[] {64}, new long[64]));
        });
        try (NDManager m = Engines.newRootManager()) {
            assertThatThrownBy(() -> ArpgTransformer.load(TinyArpg.config(), StateDict.read(file), m))
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("missing keys (2): [layers.to_v.weight, norm.weight]")
                    .hasMessageContaining("head.weight (file [10, 64], model [64, 64])")
                    .hasMessageContaining("layers.norm.weight (file I64, model a floating-point type)")
                    .hasMessageContaining("unexpected keys (2): [freqs_cis, norm_ids]");
        }
    }

    @Test
    void aCheckpointOfAnotherModelIsRefused() {
        try (NDManager m = Engines.newRootManager()) {
            assertThatThrownBy(() -> ArpgTransformer.load(TinyArpg.config(),
                    StateDict.read(Golden.file("vq-tiny/state_dict.safetensors")), m))
                    .isInstanceOf(ModelLoadException.class).hasMessageContaining("shares no parameter");
            ArpgConfig wider = new ArpgConfig(128, 4, 4, 64, 10, 64, 10000, 1e-5, 0.1);
            assertThatThrownBy(() -> ArpgTransformer.load(wider, TinyArpg.weights(), m))
                    .isInstanceOf(ModelLoadException.class).hasMessageContaining("shape or type mismatches (38)");
        }
    }

    @Test
    void nonFiniteWeightsFailInsteadOfProducingTokens() {
        Path file = rewrite(t -> {
            float[] head = t.get("head.weight").toFloatArray();
            head[5] = Float.NaN;
            t.put("head.weight", HostTensor.ofFloats(new long[] {64, 64}, head));
        });
        try (NDManager m = Engines.newRootManager();
                ArpgTransformer model = ArpgTransformer.load(TinyArpg.config(), StateDict.read(file), m)) {
            assertThatThrownBy(() -> new ParallelDecoder(model).decode(
                    DecodeTask.classes(SamplingSettings.builder().steps(8).seed(1).build(), 1), DecodeListener.NONE, new CancellationToken()))
                    .isInstanceOf(ArpgException.class).hasMessageContaining("non-finite logit");
        }
    }
}
