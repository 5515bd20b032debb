package dev.arpg.core.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arpg.api.Edit;
import dev.arpg.api.GridSpec;
import dev.arpg.api.InvalidRequestException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class EditLayoutTest {
    private static final GridSpec GRID = new GridSpec(8, 8, 4);

    private static BufferedImage filled(int w, int h, Color color) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return image;
    }

    private static String cells(boolean[] known) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < known.length; i++) {
            s.append(known[i] ? 'k' : '.');
            if (i % 8 == 7) {
                s.append('/');
            }
        }
        return s.toString();
    }

    @Test
    void inpaintingRegeneratesEveryCellTheMaskTouches() {
        BufferedImage mask = filled(32, 32, Color.BLACK);
        mask.setRGB(5, 5, Color.WHITE.getRGB());
        mask.setRGB(31, 0, 0xff808080);
        mask.setRGB(0, 31, 0xff7f7f7f);
        EditLayout layout = EditLayout.of(Edit.inpaint(filled(32, 32, Color.RED), mask), GRID);
        assertThat(cells(layout.knownCells())).isEqualTo(
                "kkkkkkk./k.kkkkkk/kkkkkkkk/kkkkkkkk/kkkkkkkk/kkkkkkkk/kkkkkkkk/kkkkkkkk/");
        assertThat(layout.knownCount()).isEqualTo(62);
        assertThat(layout.canvas().getRGB(3, 3)).isEqualTo(Color.RED.getRGB());
    }

    @Test
    void outpaintingKeepsTheCellsWhollyCoveredByTheShiftedSource() {
        EditLayout layout = EditLayout.of(Edit.outpaint(filled(20, 32, Color.BLUE), 10, 0), GRID);
        assertThat(cells(layout.knownCells())).isEqualTo(
                "...kkkk./...kkkk./...kkkk./...kkkk./...kkkk./...kkkk./...kkkk./...kkkk./");
        assertThat(layout.canvas().getRGB(12, 5)).isEqualTo(Color.BLUE.getRGB());
        assertThat(layout.canvas().getRGB(2, 5)).isEqualTo(new Color(128, 128, 128).getRGB());
    }

    @Test
    void mismatchedOrDegenerateEditsAreRejected() {
        BufferedImage image = filled(32, 32, Color.RED);
        assertThatThrownBy(() -> EditLayout.of(Edit.inpaint(image, filled(16, 16, Color.WHITE)), GRID))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("mask is 16x16 px but the image is 32x32");
        assertThatThrownBy(() -> EditLayout.of(Edit.inpaint(filled(64, 64, Color.RED), filled(64, 64, Color.WHITE)), GRID))
                .hasMessageContaining("is 64x64 px but the model makes 32x32 px images");
        assertThatThrownBy(() -> EditLayout.of(Edit.inpaint(image, filled(32, 32, Color.BLACK)), GRID))
                .hasMessageContaining("selects no pixel");
        assertThatThrownBy(() -> EditLayout.of(Edit.outpaint(filled(3, 3, Color.RED), 0, 0), GRID))
                .hasMessageContaining("covers no whole 4 px cell");
        assertThatThrownBy(() -> EditLayout.of(Edit.outpaint(image, 0, 0), GRID))
                .hasMessageContaining("covers the whole canvas");
    }
}
