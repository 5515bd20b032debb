package dev.arpg.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.core.testing.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ArpgConfigTest {

    @ParameterizedTest
    @CsvSource({"ARPG-L, arpg_l_keys.json", "ARPG-XL, arpg_xl_keys.json", "ARPG-XXL, arpg_xxl_keys.json"})
    void presetHasExactlyThePublishedKeysAndShapes(String preset, String file) throws IOException {
        JsonObject reference = JsonParser.parseString(Files.readString(Golden.file("keys/" + file)))
                .getAsJsonObject();
        List<String> expected = new ArrayList<>();
        long expectedParams = reference.get("num_parameters").getAsLong();
        for (JsonElement e : reference.getAsJsonArray("state_dict")) {
            JsonObject entry = e.getAsJsonObject();
            JsonArray shape = entry.getAsJsonArray("shape");
            StringBuilder s = new StringBuilder(entry.get("key").getAsString()).append(' ');
            shape.forEach(d -> s.append(d.getAsLong()).append('x'));
            expected.add(s.toString());
        }

        Map<String, long[]> shapes = ArpgConfig.preset(preset).parameterShapes();
        List<String> actual = new ArrayList<>();
        long params = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            StringBuilder s = new StringBuilder(e.getKey()).append(' ');
            long count = 1;
            for (long d : e.getValue()) {
                s.append(d).append('x');
                count *= d;
            }
            params += count;
            actual.add(s.toString());
        }
        assertThat(actual).containsExactlyElementsOf(expected);
        assertThat(params).isEqualTo(expectedParams);
        assertThat(ArpgConfig.preset(preset).ffnHidden()).isEqualTo(reference.get("ffn_hidden_dim").getAsInt());
    }

    @Test
    void tokenIdsFollowTheReferenceLayout() {
        ArpgConfig c = ArpgConfig.ARPG_L;
        assertThat(c.maskTokenId()).isEqualTo(16384);
        assertThat(c.classTokenId(0)).isEqualTo(16385);
        assertThat(c.classTokenId(999)).isEqualTo(17384);
        assertThat(c.nullClassTokenId()).isEqualTo(17385);
        assertThat(c.embeddingRows()).isEqualTo(17387);
        assertThatThrownBy(() -> c.classTokenId(1000)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("class label 1000 is outside [0, 1000)");
        assertThatThrownBy(() -> c.classTokenId(-1)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void rejectsUnbuildableSizes() {
        assertThatThrownBy(() -> new ArpgConfig(64, 3, 4, 64, 10, 64, 10000, 1e-5, 0.1))
                .hasMessageContaining("layers must be even");
        assertThatThrownBy(() -> new ArpgConfig(64, 4, 4, 64, 10, 60, 10000, 1e-5, 0.1))
                .hasMessageContaining("perfect square");
        assertThatThrownBy(() -> ArpgConfig.preset("ARPG-M")).hasMessageContaining("unknown ARPG preset 'ARPG-M'");
    }
}
