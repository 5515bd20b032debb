package dev.arpg.core.decode;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.arpg.api.CancellationToken;
import dev.arpg.api.CfgSchedule;
import dev.arpg.api.DecodingOrder;
import dev.arpg.api.SampleSchedule;
import dev.arpg.api.SamplingSettings;
import dev.arpg.core.testing.Golden;
import dev.arpg.core.testing.TinyModel;
import dev.arpg.core.weights.StateDict;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The 8 recorded {@code generate()} runs of {@code arpg-tiny}, with their order and argmax sampling,
 * on libtorch's products and on oneDNN's (after {@code prepareForDecoding}).
 */
class GenerationParityTest {
    @RegisterExtension
    static final TinyModel TINY = new TinyModel();
    @RegisterExtension
    static final TinyModel PREPARED = TinyModel.preparedForDecoding();

    static Stream<Arguments> runs() throws IOException {
        JsonObject index = JsonParser.parseString(Files.readString(Golden.file("arpg-tiny/generate_index.json")))
                .getAsJsonObject();
        List<Arguments> out = new ArrayList<>();
        for (boolean prepared : new boolean[] {false, true}) {
            for (JsonElement run : index.getAsJsonArray("runs")) {
                out.add(Arguments.of(run.getAsJsonObject().get("file").getAsString(), prepared, run.getAsJsonObject()));
            }
        }
        assertThat(out).hasSize(16);
        return out.stream();
    }

    private static int[] ints(JsonArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    @ParameterizedTest(name = "{0}, prepared for decoding: {1}")
    @MethodSource("runs")
    void stepsAndTokensMatchTheReference(String file, boolean prepared, JsonObject run) {
        TinyModel tiny = prepared ? PREPARED : TINY;
        StateDict golden = StateDict.read(Golden.file("arpg-tiny/" + file));
        int[] labels = ints(run.getAsJsonArray("labels"));
        int[] order = java.util.Arrays.stream(golden.get("order").toLongArray()).mapToInt(x -> (int) x).toArray();
        SamplingSettings settings = SamplingSettings.builder()
                .steps(run.get("num_iter").getAsInt())
                .guidance(run.get("guidance_scale").getAsDouble())
                .sampleSchedule(SampleSchedule.valueOf(run.get("sample_schedule").getAsString().toUpperCase(Locale.ROOT)))
                .cfgSchedule(CfgSchedule.valueOf(run.get("cfg_schedule").getAsString().toUpperCase(Locale.ROOT)))
                .order(DecodingOrder.of(order))
                .greedy(true)
                .seed(0)
                .build();
        List<DecodeProgress> steps = new ArrayList<>();
        DecodeResult result = tiny.decoder().decode(DecodeTask.classes(settings, labels), steps::add,
                new CancellationToken());

        JsonArray expectedSteps = run.getAsJsonArray("steps");
        assertThat(steps).hasSize(expectedSteps.size());
        for (int s = 0; s < steps.size(); s++) {
            JsonObject e = expectedSteps.get(s).getAsJsonObject();
            DecodeProgress p = steps.get(s);
            assertThat(p.positions()).as("step " + s + " positions").containsExactly(ints(e.getAsJsonArray("positions_raster")));
            assertThat(result.plan().count(s)).as("step " + s + " count").isEqualTo(e.get("num_pred").getAsInt());
            assertThat(result.plan().start(s)).as("step " + s + " start").isEqualTo(e.get("start").getAsInt());
            assertThat(p.cfgScale()).as("step " + s + " cfg scale").isEqualTo(e.get("cfg_scale").getAsDouble());
            JsonArray tokens = e.getAsJsonArray("tokens");
            for (int b = 0; b < labels.length; b++) {
                int[] expected = ints(tokens.get(b).getAsJsonArray());
                int[] drawn = new int[p.positions().length];
                for (int j = 0; j < drawn.length; j++) {
                    drawn[j] = p.tokens()[b][p.positions()[j]];
                }
                assertThat(drawn).as("step " + s + " tokens of image " + b).containsExactly(expected);
            }
        }
        long[] sequence = golden.get("sequence").toLongArray();
        int n = tiny.model().config().blockSize();
        for (int b = 0; b < labels.length; b++) {
            int[] expected = new int[n];
            for (int i = 0; i < n; i++) {
                expected[i] = (int) sequence[b * n + i];
            }
            assertThat(result.tokens()[b]).as("final sequence of image " + b).containsExactly(expected);
        }
        assertThat(result.order()).containsExactly(order);
    }
}
