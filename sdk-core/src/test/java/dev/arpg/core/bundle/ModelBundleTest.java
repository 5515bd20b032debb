package dev.arpg.core.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arpg.api.DecodingOrder;
import dev.arpg.api.ModelLoadException;
import dev.arpg.core.testing.TinyBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelBundleTest {
    @TempDir
    Path tmp;

    @Test
    void descriptorRoundTripsThroughDisk() {
        ModelBundle bundle = TinyBundle.create(tmp.resolve("b"));
        assertThat(bundle.arpg().config().dim()).isEqualTo(64);
        assertThat(bundle.vq().config().gridSize()).isEqualTo(8);
        assertThat(bundle.controls()).containsOnlyKeys("luma");
        assertThat(bundle.controls().get("luma").config()).isEqualTo(TinyBundle.LUMA);
        assertThat(bundle.classNames()).hasSize(10);
        assertThat(bundle.recommendedSampling().steps()).isEqualTo(8);
        assertThat(bundle.recommendedSampling().guidance()).isEqualTo(3.0);
        assertThat(bundle.directory()).isEqualTo(tmp.resolve("b"));
    }

    @Test
    void brokenBundlesAreRefusedWithTheReason() throws Exception {
        Path dir = tmp.resolve("b");
        TinyBundle.create(dir);
        Files.delete(dir.resolve("control-luma.safetensors"));
        assertThatThrownBy(() -> ModelBundle.read(dir)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("weight file of control 'luma' not found");
        Files.writeString(dir.resolve(ModelBundle.DESCRIPTOR), "{ not json");
        assertThatThrownBy(() -> ModelBundle.read(dir)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("cannot read");
        Files.writeString(dir.resolve(ModelBundle.DESCRIPTOR), "{\"name\": \"x\"}");
        assertThatThrownBy(() -> ModelBundle.read(dir)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("must describe both 'arpg' and 'vq'");
        String mismatched = Files.readString(TinyBundle.create(tmp.resolve("c")).directory().resolve(ModelBundle.DESCRIPTOR))
                .replace("\"codebookSize\": 64", "\"codebookSize\": 128");
        Files.writeString(tmp.resolve("c").resolve(ModelBundle.DESCRIPTOR), mismatched);
        assertThatThrownBy(() -> ModelBundle.read(tmp.resolve("c"))).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("differs from the tokenizer's codebook (128)");
    }

    @Test
    void theRecommendedOrderIsReadAndABadSamplingIsRefusedAtRead() throws Exception {
        Path dir = TinyBundle.create(tmp.resolve("b")).directory();
        Path descriptor = dir.resolve(ModelBundle.DESCRIPTOR);
        String json = Files.readString(descriptor);
        assertThat(ModelBundle.read(dir).recommendedSampling().order()).isEqualTo(DecodingOrder.random());
        Files.writeString(descriptor, json.replace("\"steps\": 8", "\"steps\": 8, \"order\": \"outside-in\""));
        assertThat(ModelBundle.read(dir).recommendedSampling().order()).isEqualTo(DecodingOrder.outsideIn());
        Files.writeString(descriptor, json.replace("\"steps\": 8", "\"steps\": 8, \"order\": \"spiral\""));
        assertThatThrownBy(() -> ModelBundle.read(dir)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("invalid 'sampling'").hasMessageContaining("unknown name 'spiral'");
        Files.writeString(descriptor, json.replace("\"steps\": 8", "\"steps\": 0"));
        assertThatThrownBy(() -> ModelBundle.read(dir)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("invalid 'sampling'").hasMessageContaining("steps must be >= 1");
        Files.writeString(descriptor, json.replace("\"linear\"", "\"sideways\""));
        assertThatThrownBy(() -> ModelBundle.read(dir)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("invalid 'sampling'").hasMessageContaining("SIDEWAYS");
    }
}
