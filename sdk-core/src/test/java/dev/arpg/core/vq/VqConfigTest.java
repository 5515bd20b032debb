package dev.arpg.core.vq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.core.testing.Golden;
import dev.arpg.core.weights.StateDict;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Config presets and the state-dict layouts they imply, without allocating any weight. */
class VqConfigTest {

    private static List<String> describe(Map<String, long[]> shapes) {
        List<String> out = new ArrayList<>();
        shapes.forEach((name, shape) -> out.add(name + " " + Arrays.toString(shape)));
        return out;
    }

    private static long count(Map<String, long[]> shapes) {
        long total = 0;
        for (long[] shape : shapes.values()) {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            total += n;
        }
        return total;
    }

    @Test
    void vq16MatchesThePublishedKeys() throws IOException {
        JsonObject json = JsonParser.parseString(
                Files.readString(Golden.file("keys/vq16_keys.json"))).getAsJsonObject();
        List<String> expected = new ArrayList<>();
        for (JsonElement e : json.getAsJsonArray("state_dict")) {
            JsonObject entry = e.getAsJsonObject();
            assertThat(entry.get("dtype").getAsString()).isEqualTo("float32");
            List<Long> shape = new ArrayList<>();
            entry.getAsJsonArray("shape").forEach(d -> shape.add(d.getAsLong()));
            expected.add(entry.get("key").getAsString() + " " + shape);
        }
        assertThat(expected).hasSize(344);
        assertThat(describe(VqConfig.VQ_16.stateDictShapes())).containsExactlyElementsOf(expected);

        Map<String, long[]> params = VqConfig.VQ_16.parameterShapes();
        assertThat(params).hasSize(343).doesNotContainKey("quantize.codebook_used");
        assertThat(count(params)).isEqualTo(json.get("num_parameters").getAsLong()).isEqualTo(71_883_403L);
        assertThat(VqConfig.VQ_16.downsampling()).isEqualTo(16);
        assertThat(VqConfig.VQ_16.gridSize()).isEqualTo(16);
    }

    @Test
    void tinyConfigFromMetadataMatchesTheGoldenStateDict() {
        StateDict weights = TinyVq.weights();
        VqConfig tiny = TinyVq.config();
        assertThat(tiny).isEqualTo(new VqConfig(32, List.of(1, 1, 2), 32, 64, 8, 32, 2, 3));
        List<String> file = new ArrayList<>();
        for (String name : weights.names()) {
            file.add(name + " " + Arrays.toString(weights.get(name).shape()));
        }
        assertThat(describe(tiny.stateDictShapes())).containsExactlyElementsOf(file).hasSize(252);
        assertThat(count(tiny.stateDictShapes())).isEqualTo(1_135_787L);
        assertThat(tiny.gridSize()).isEqualTo(8);
        assertThat(tiny.downsampling()).isEqualTo(4);
    }

    @Test
    void rejectsUnbuildableSizes() {
        assertThatThrownBy(() -> new VqConfig(20, List.of(1, 2), 32, 64, 8, 32, 2, 3))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("multiple of 32");
        assertThatThrownBy(() -> new VqConfig(32, List.of(1, 1, 2), 32, 64, 8, 30, 2, 3))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("downsampling factor 4");
        assertThatThrownBy(() -> new VqConfig(32, List.of(), 32, 64, 8, 32, 2, 3))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("channelMultipliers");
        assertThatThrownBy(() -> new VqConfig(32, List.of(1), 32, 0, 8, 32, 2, 3))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("codebookSize");
    }
}
