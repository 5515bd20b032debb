package dev.arpg.core.weights;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arpg.core.testing.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoldenWeightsTest {

    @ParameterizedTest
    @CsvSource({"arpg-tiny, 38", "vq-tiny, 252"})
    void checkpointAndSafetensorsAreBitIdentical(String model, int count) {
        StateDict pt = StateDict.read(Golden.file(model + "/model.pt"));
        StateDict st = StateDict.read(Golden.file(model + "/state_dict.safetensors"));

        assertThat(pt.size()).isEqualTo(count);
        assertThat(pt.names()).containsExactlyElementsOf(st.names());
        for (String name : pt.names()) {
            HostTensor a = pt.get(name);
            HostTensor b = st.get(name);
            assertThat(a.type()).as(name).isEqualTo(TensorType.F32).isEqualTo(b.type());
            assertThat(a.shape()).as(name).isEqualTo(b.shape());
            assertThat(a.bytes()).as(name).isEqualTo(b.bytes());
        }
    }

    @Test
    void embeddingShapeAndValuesMatchTheCheckpoint() {
        StateDict pt = TorchCheckpointReader.read(Golden.file("arpg-tiny/model.pt"));
        StateDict st = SafetensorsReader.read(Golden.file("arpg-tiny/state_dict.safetensors"));

        HostTensor embeddings = st.get("embeddings.weight");
        assertThat(embeddings.shape()).containsExactly(77, 64);
        assertThat(embeddings.elementCount()).isEqualTo(77 * 64);
        float[] values = embeddings.toFloatArray();
        assertThat(values).hasSize(77 * 64).containsExactly(pt.get("embeddings.weight").toFloatArray());
        assertThat(values).isNotEqualTo(new float[77 * 64]);
    }

    @Test
    void integerBoolAndDoubleTensorsAndMetadata() {
        StateDict train = StateDict.read(Golden.file("arpg-tiny/train_step.safetensors"));
        HostTensor dropped = train.get("class_dropped");
        assertThat(dropped.type()).isEqualTo(TensorType.BOOL);
        assertThat(dropped.shape()).containsExactly(2);
        assertThat(dropped.toBooleanArray()).containsExactly(false, true);
        HostTensor labels = train.get("labels");
        assertThat(labels.type()).isEqualTo(TensorType.I64);
        assertThat(labels.toLongArray()).containsExactly(3, 7);
        assertThat(train.metadata()).containsKey("config");
        assertThat(train.metadata().get("config")).startsWith("{");

        StateDict generate = StateDict.read(Golden.file("arpg-tiny/generate_b1_arccos_constant.safetensors"));
        HostTensor cfg = generate.get("step_cfg_scale");
        assertThat(cfg.type()).isEqualTo(TensorType.F64);
        assertThat(cfg.shape()).containsExactly(8);
        assertThat(cfg.toDoubleArray()).containsOnly(4.0).hasSize(8);
    }
}
