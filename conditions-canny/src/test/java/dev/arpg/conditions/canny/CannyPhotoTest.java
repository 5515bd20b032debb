package dev.arpg.conditions.canny;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arpg.api.ControlMap;
import dev.arpg.api.GridSpec;
import java.awt.image.BufferedImage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Edge maps of the committed photographs (see {@code src/test/resources/images/README.md}). */
class CannyPhotoTest {
    private static final GridSpec GRID_64 = new GridSpec(16, 16, 4);

    private static int edges(String photo, Map<String, String> parameters) {
        ControlMap map = CannyConditionTest.canny(parameters, TestImages.photo(photo), GRID_64);
        assertThat(map.fits(GRID_64)).isTrue();
        for (float v : map.values()) {
            assertThat(v).isIn(0f, 1f);
        }
        return TestImages.count(map.values());
    }

    @Test
    void photographsGiveASparseButNonEmptyEdgeMap() {
        for (String photo : new String[] {"chelsea-128.png", "camera-96.png"}) {
            int n = edges(photo, Map.of());
            assertThat(n).as(photo).isBetween(64 * 64 / 50, 64 * 64 / 3);
        }
    }

    @Test
    void higherThresholdsBlurAndTheL1NormChangeTheCountTheExpectedWay() {
        int defaults = edges("chelsea-128.png", Map.of());
        int strict = edges("chelsea-128.png", Map.of("low", "200", "high", "400"));
        int loose = edges("chelsea-128.png", Map.of("low", "20", "high", "60"));
        int blurred = edges("chelsea-128.png", Map.of("blur", "5"));
        assertThat(strict).isLessThan(defaults);
        assertThat(loose).isGreaterThan(defaults);
        assertThat(blurred).isLessThan(defaults);
        // The L2 norm is never larger than the L1 norm, so fewer pixels pass the same thresholds.
        assertThat(edges("chelsea-128.png", Map.of("l2", "true"))).isLessThan(defaults);
    }

    @Test
    void theSameInputGivesTheSameMap() {
        BufferedImage photo = TestImages.photo("chelsea-128.png");
        assertThat(CannyConditionTest.canny(Map.of(), photo, GRID_64))
                .isEqualTo(CannyConditionTest.canny(Map.of(), photo, GRID_64));
    }

    @Test
    void aTransparentSilhouetteIsCompositedOnWhite() {
        // The horse is black on white; as black with alpha = darkness on a transparent background it
        // must give exactly the same edges, composited on white (on black it would be all black).
        BufferedImage horse = TestImages.photo("horse-96.png");
        BufferedImage cutout = new BufferedImage(horse.getWidth(), horse.getHeight(), BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < horse.getHeight(); y++) {
            for (int x = 0; x < horse.getWidth(); x++) {
                int darkness = 255 - (horse.getRGB(x, y) & 0xff);
                cutout.setRGB(x, y, darkness << 24);
            }
        }
        ControlMap opaque = CannyConditionTest.canny(Map.of(), horse, GRID_64);
        assertThat(TestImages.count(opaque.values())).isGreaterThan(64);
        assertThat(CannyConditionTest.canny(Map.of(), cutout, GRID_64)).isEqualTo(opaque);
    }
}
