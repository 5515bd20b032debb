package dev.arpg.samples.plugin.colorlayout;

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

class ColorLayoutConditionTest {
    /** 8x8 cells of 4 px: with blockCells=4 the map has 2x2 blocks of 16 px. */
    private static final GridSpec GRID = new GridSpec(8, 8, 4);

    private static Condition color(Map<String, String> parameters) {
        return new ColorLayoutProvider().conditions().get("color").create(parameters);
    }

    /** Red, green / blue, white quadrants of a 100x60 image. */
    private static BufferedImage quadrants() {
        int[] colours = {0xff0000, 0x00ff00, 0x0000ff, 0xffffff};
        BufferedImage image = new BufferedImage(100, 60, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 60; y++) {
            for (int x = 0; x < 100; x++) {
                image.setRGB(x, y, colours[(y / 30) * 2 + x / 50]);
            }
        }
        return image;
    }

    private static float[] rgb(ControlMap map, int y, int x) {
        return new float[] {map.get(0, y, x), map.get(1, y, x), map.get(2, y, x)};
    }

    @Test
    void eachBlockHoldsTheMeanColourOfItsArea() {
        ControlMap map = color(Map.of()).prepare(quadrants(), GRID);
        assertThat(map.channels()).isEqualTo(3);
        assertThat(map.fits(GRID)).isTrue();
        assertThat(rgb(map, 0, 0)).containsExactly(1f, 0f, 0f);
        assertThat(rgb(map, 15, 15)).containsExactly(1f, 0f, 0f);
        assertThat(rgb(map, 0, 16)).containsExactly(0f, 1f, 0f);
        assertThat(rgb(map, 16, 0)).containsExactly(0f, 0f, 1f);
        assertThat(rgb(map, 31, 31)).containsExactly(1f, 1f, 1f);
    }

    @Test
    void oneBigBlockAveragesTheWholeImage() {
        ControlMap map = color(Map.of("blockCells", "8")).prepare(quadrants(), GRID);
        // Mean of red, green, blue and white: each channel (1 + 1) / 4.
        for (int c = 0; c < 3; c++) {
            assertThat(map.get(c, 5, 30)).isCloseTo(0.5f, within(1e-6f));
        }
    }

    @Test
    void transparentPixelsCountAsWhite() {
        BufferedImage clear = new BufferedImage(16, 16, BufferedImage.TYPE_INT_ARGB);
        ControlMap map = color(Map.of()).prepare(clear, GRID);
        assertThat(map.values()).containsOnly(1f);
    }

    @Test
    void parametersAreReportedAndBadOnesRejected() {
        assertThat(color(Map.of()).parameters()).containsExactly(Map.entry("blockCells", "4"));
        assertThat(color(Map.of("blockCells", "2")).parameters()).containsExactly(Map.entry("blockCells", "2"));
        assertThatThrownBy(() -> color(Map.of("blockCells", "-1"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("blockCells must be positive, got -1");
        assertThatThrownBy(() -> color(Map.of("blockCells", "big"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("must be an integer");
        assertThatThrownBy(() -> color(Map.of("size", "2"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("unknown parameter(s) [size]");
        assertThatThrownBy(() -> color(Map.of()).prepare(null, GRID)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("no control image");
    }

    @Test
    void theProviderIsFoundByServiceLoader() {
        ConditionRegistry registry = ConditionRegistry.discover(getClass().getClassLoader());
        assertThat(registry.names()).contains("color");
        assertThat(registry.create("color", Map.of())).isInstanceOf(ColorLayoutCondition.class);
    }
}
