package dev.arpg.conditions.depth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.arpg.api.Condition;
import dev.arpg.api.ConditionRegistry;
import dev.arpg.api.ControlMap;
import dev.arpg.api.GridSpec;
import dev.arpg.api.InvalidRequestException;
import java.awt.image.BufferedImage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DepthConditionTest {
    /** The ramp's own size: 3 rows x 4 columns of 1 px, so no resizing happens. */
    private static final GridSpec SAME = new GridSpec(3, 4, 1);

    private static Condition depth(Map<String, String> parameters) {
        return new DepthConditionProvider().conditions().get("depth").create(parameters);
    }

    private static BufferedImage file(String name) {
        return DepthMaps.readImage(DepthFiles.file(name));
    }

    @Test
    void nearIsBrightAndValuesAreMinMaxNormalised() {
        ControlMap map = depth(Map.of()).prepare(file("ramp.npy"), SAME);
        assertThat(map.channels()).isEqualTo(1);
        for (int i = 0; i < 12; i++) {
            assertThat(map.get(0, i / 4, i % 4)).isCloseTo(DepthFiles.RAMP[i] / 23f, within(1e-6f));
        }
        // The same map as a 16-bit PNG normalises to the same values.
        assertThat(depth(Map.of()).prepare(file("ramp16.png"), SAME).values())
                .containsExactly(map.values(), within(1e-6f));
    }

    @Test
    void invertTurnsMetricDepthIntoNearIsBright() {
        ControlMap map = depth(Map.of("invert", "true")).prepare(file("ramp.pfm"), SAME);
        assertThat(map.get(0, 0, 0)).isEqualTo(1f);
        assertThat(map.get(0, 2, 3)).isEqualTo(0f);
        assertThat(map.get(0, 1, 1)).isCloseTo(1 - 11f / 23, within(1e-6f));
    }

    @Test
    void percentileClippingUsesNumpysInterpolation() {
        // Sorted ramp: 0 1 2 3 10 11 12 13 20 21 22 23; the 50th percentile is 11.5, the 10th is 1.1.
        ControlMap map = depth(Map.of("clipLow", "10", "clipHigh", "50")).prepare(file("ramp.npy"), SAME);
        assertThat(map.get(0, 0, 0)).isEqualTo(0f);
        assertThat(map.get(0, 0, 2)).isCloseTo((2 - 1.1f) / (11.5f - 1.1f), within(1e-6f));
        assertThat(map.get(0, 1, 2)).isEqualTo(1f);
        assertThat(map.get(0, 2, 3)).isEqualTo(1f);
    }

    @Test
    void nonFiniteValuesAreRejectedOrFilledByTheChosenPolicy() {
        assertThatThrownBy(() -> depth(Map.of()).prepare(file("ramp_nan.npy"), SAME))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("value at (3, 0) is Infinity").hasMessageContaining("nonFinite=far");
        for (String invert : new String[] {"false", "true"}) {
            ControlMap far = depth(Map.of("nonFinite", "far", "invert", invert)).prepare(file("ramp_nan.npy"), SAME);
            ControlMap near = depth(Map.of("nonFinite", "near", "invert", invert)).prepare(file("ramp_nan.npy"), SAME);
            assertThat(far.get(0, 1, 2)).as("invert=" + invert).isEqualTo(0f);
            assertThat(far.get(0, 0, 3)).isEqualTo(0f);
            assertThat(near.get(0, 1, 2)).isEqualTo(1f);
            assertThat(near.get(0, 0, 3)).isEqualTo(1f);
        }
    }

    @Test
    void constantMapsAreRejected() {
        BufferedImage flat = DepthMaps.toImage(new DepthMap(4, 4, new float[16]));
        assertThatThrownBy(() -> depth(Map.of()).prepare(flat, SAME)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("the depth map is constant");
        BufferedImage grey = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        assertThatThrownBy(() -> depth(Map.of()).prepare(grey, SAME)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("constant");
        BufferedImage allNan = DepthMaps.toImage(new DepthMap(2, 1, new float[] {Float.NaN, Float.NaN}));
        assertThatThrownBy(() -> depth(Map.of("nonFinite", "far")).prepare(allNan, SAME))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("no finite value");
    }

    @Test
    void theMapIsResizedBicubicToTheGridAndStaysInRange() {
        GridSpec grid = new GridSpec(4, 4, 4);
        ControlMap map = depth(Map.of()).prepare(file("ramp.npy"), grid);
        assertThat(map.fits(grid)).isTrue();
        float previous = -1;
        for (int y = 0; y < 16; y++) {
            assertThat(map.get(0, y, 8)).isBetween(0f, 1f).isGreaterThanOrEqualTo(previous);
            previous = map.get(0, y, 8);
        }
        assertThat(map.get(0, 15, 15)).isGreaterThan(0.9f);
        assertThat(map.get(0, 0, 0)).isLessThan(0.1f);
    }

    @Test
    void parametersAreReportedAndBadOnesRejected() {
        assertThat(depth(Map.of()).parameters()).containsExactlyInAnyOrderEntriesOf(Map.of("invert", "false",
                "clipLow", "0", "clipHigh", "100", "nonFinite", "reject"));
        assertThat(depth(Map.of("clipHigh", "98.5", "nonFinite", "FAR")).parameters())
                .containsEntry("clipHigh", "98.5").containsEntry("nonFinite", "far");
        assertThatThrownBy(() -> depth(Map.of("clipLow", "60", "clipHigh", "40")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("0 <= clipLow < clipHigh <= 100");
        assertThatThrownBy(() -> depth(Map.of("clipLow", "-1"))).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> depth(Map.of("nonFinite", "zero"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'nonFinite' must be one of [far, near, reject]");
        assertThatThrownBy(() -> depth(Map.of("file", "x.npy"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("unknown parameter(s) [file]");
    }

    @Test
    void theProviderIsFoundByServiceLoader() {
        ConditionRegistry registry = ConditionRegistry.discover(getClass().getClassLoader());
        assertThat(registry.names()).contains("depth");
        assertThat(registry.create("depth", Map.of())).isInstanceOf(DepthCondition.class);
    }
}
