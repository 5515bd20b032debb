package dev.arpg.core.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.arpg.api.CfgSchedule;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.api.SampleSchedule;
import dev.arpg.api.SamplingSettings;
import dev.arpg.core.testing.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DecodePlanTest {

    @Test
    void reproducesEveryReferenceScheduleExactly() throws IOException {
        JsonObject all = JsonParser.parseString(Files.readString(Golden.file("keys/schedules.json")))
                .getAsJsonObject();
        Pattern name = Pattern.compile("N(\\d+)_S(\\d+)_(\\w+)");
        int checked = 0;
        for (Map.Entry<String, JsonElement> e : all.entrySet()) {
            Matcher mt = name.matcher(e.getKey());
            assertThat(mt.matches()).as(e.getKey()).isTrue();
            int n = Integer.parseInt(mt.group(1));
            int steps = Integer.parseInt(mt.group(2));
            SampleSchedule schedule = SampleSchedule.valueOf(mt.group(3).toUpperCase(Locale.ROOT));
            DecodePlan plan = DecodePlan.of(n, SamplingSettings.builder().steps(steps).sampleSchedule(schedule)
                    .cfgSchedule(CfgSchedule.LINEAR).guidance(4.0).build());
            JsonObject expected = e.getValue().getAsJsonObject();
            int[] counts = new int[steps];
            double[] scales = new double[steps];
            for (int s = 0; s < steps; s++) {
                counts[s] = expected.getAsJsonArray("num_pred").get(s).getAsInt();
                scales[s] = expected.getAsJsonArray("cfg_scale_linear_g4").get(s).getAsDouble();
            }
            assertThat(plan.counts()).as(e.getKey()).containsExactly(counts);
            for (int s = 0; s < steps; s++) {
                assertThat(plan.cfgScale(s)).as(e.getKey() + " scale " + s).isEqualTo(scales[s]);
                assertThat(plan.start(s)).isEqualTo(java.util.Arrays.stream(counts, 0, s).sum());
            }
            checked++;
        }
        assertThat(checked).isEqualTo(8);
    }

    @Test
    void everyStepCountFromOneToTheTokensDecidesEachTokenOnce() {
        for (SampleSchedule schedule : SampleSchedule.values()) {
            for (int steps = 1; steps <= 256; steps++) {
                DecodePlan plan = DecodePlan.of(256,
                        SamplingSettings.builder().steps(steps).sampleSchedule(schedule).build());
                assertThat(java.util.Arrays.stream(plan.counts()).sum()).isEqualTo(256);
                assertThat(java.util.Arrays.stream(plan.counts()).min().orElseThrow()).isGreaterThanOrEqualTo(0);
                assertThat(plan.count(steps - 1)).isPositive();
            }
        }
    }

    @Test
    void rejectsMoreStepsThanTokens() {
        SamplingSettings settings = SamplingSettings.builder().steps(65).build();
        assertThatThrownBy(() -> DecodePlan.of(64, settings)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("steps must be between 1 and the 64 tokens").hasMessageContaining("65");
    }
}
