package dev.arpg.conditions.canny;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arpg.api.ControlMap;
import dev.arpg.api.GridSpec;
import java.awt.image.BufferedImage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Edge maps of synthetic images whose edges can be worked out by hand. */
class CannyConditionTest {
    private static final GridSpec GRID_32 = new GridSpec(8, 8, 4);

    /**
     * The square of {@link TestImages#square} (white on [8, 23]) at the defaults. The straight sides
     * follow from OpenCV's non-maximum suppression, which keeps a pixel whose magnitude is {@code >}
     * the one before and {@code >=} the one after along the gradient: both pixels around a step have
     * the same Sobel magnitude, so the first wins, i.e. x = 7 (dark side) on the left, x = 23
     * (bright side) on the right, likewise y = 7 and y = 23. Corners have diagonal gradients and are
     * cut at 45 degrees (checked by eye): a closed 1-pixel outline of 60 pixels.
     */
    private static final String SQUARE = """
            ................................
            ................................
            ................................
            ................................
            ................................
            ................................
            ................................
            .........##############.........
            ........#..............#........
            .......#...............#........
            .......#...............#........
            .......#...............#........
            .......#...............#........
            .......#...............#........
            .......#...............#........
            .......#...............#........
            .......#...............#........
            .......#...............#........
            .......#...............#........
            .......#...............#........
            .......#...............#........
            .......#...............#........
            .......#...............#........
            ........################........
            ................................
            ................................
            ................................
            ................................
            ................................
            ................................
            ................................
            ................................
            """;

    static ControlMap canny(Map<String, String> parameters, BufferedImage image, GridSpec grid) {
        return new CannyConditionProvider().conditions().get("canny").create(parameters).prepare(image, grid);
    }

    private static String picture(ControlMap map) {
        StringBuilder s = new StringBuilder();
        for (int y = 0; y < map.height(); y++) {
            for (int x = 0; x < map.width(); x++) {
                s.append(map.get(0, y, x) > 0 ? '#' : '.');
            }
            s.append('\n');
        }
        return s.toString();
    }

    @Test
    void aVerticalStepGivesOneEdgePerRowOnItsDarkSide() {
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 16; x < 32; x++) {
                image.setRGB(x, y, 0xffffff);
            }
        }
        ControlMap map = canny(Map.of(), image, GRID_32);
        assertThat(TestImages.count(map.values())).isEqualTo(32);
        for (int y = 0; y < 32; y++) {
            assertThat(map.get(0, y, 15)).as("row %d", y).isEqualTo(1f);
        }
    }

    @Test
    void aSquareGivesTheHandCheckedOutline() {
        ControlMap map = canny(Map.of(), TestImages.square(32, 8, 23, BufferedImage.TYPE_INT_RGB), GRID_32);
        assertThat(map.channels()).isEqualTo(1);
        assertThat(picture(map)).isEqualTo(SQUARE);
        assertThat(TestImages.count(map.values())).isEqualTo(60);
    }

    @Test
    void everyImageTypeGivesTheSameEdges() {
        for (int type : new int[] {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_USHORT_GRAY,
                BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_BYTE_INDEXED,
                BufferedImage.TYPE_BYTE_BINARY}) {
            ControlMap map = canny(Map.of(), TestImages.square(32, 8, 23, type), GRID_32);
            assertThat(picture(map)).as("image type %d", type).isEqualTo(SQUARE);
        }
    }

    @Test
    void transparentPixelsAreCompositedOnWhite() {
        // Black square on a fully transparent black background: on white, it is a black square on white.
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_ARGB);
        for (int y = 8; y <= 23; y++) {
            for (int x = 8; x <= 23; x++) {
                image.setRGB(x, y, 0xff000000);
            }
        }
        ControlMap map = canny(Map.of(), image, GRID_32);
        assertThat(TestImages.count(map.values())).isBetween(56, 64);
        assertThat(map.get(0, 15, 7) + map.get(0, 15, 8)).isEqualTo(1f);
    }

    @Test
    void theMapHasTheGridSizeEvenForAnotherAspectRatio() {
        BufferedImage wide = TestImages.square(64, 16, 47, BufferedImage.TYPE_INT_RGB);
        GridSpec grid = new GridSpec(3, 5, 4);
        for (String resolution : new String[] {"grid", "input"}) {
            ControlMap map = canny(Map.of("resolution", resolution), wide, grid);
            assertThat(map.height()).isEqualTo(12);
            assertThat(map.width()).isEqualTo(20);
            assertThat(map.fits(grid)).isTrue();
        }
    }

    @Test
    void inputResolutionFindsEdgesFirstThenResizesWithNearestNeighbour() {
        // OpenCV's nearest neighbour from 64 to 32 px takes source pixel 2x: the map at "input" is the
        // 64 px edge map sampled at even pixels, while "grid" shrinks the image (area) to exactly the
        // 32 px square above first.
        BufferedImage big = TestImages.square(64, 16, 47, BufferedImage.TYPE_INT_RGB);
        ControlMap atInput = canny(Map.of("resolution", "input"), big, GRID_32);
        ControlMap atGrid = canny(Map.of("resolution", "grid"), big, GRID_32);
        ControlMap full = canny(Map.of(), big, new GridSpec(16, 16, 4));
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                assertThat(atInput.get(0, y, x)).isEqualTo(full.get(0, 2 * y, 2 * x));
            }
        }
        assertThat(picture(atGrid)).isEqualTo(SQUARE);
    }
}
