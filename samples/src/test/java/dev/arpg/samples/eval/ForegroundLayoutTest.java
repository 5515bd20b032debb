package dev.arpg.samples.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ForegroundLayoutTest {

    private static BufferedImage square(int x, int y, int side) {
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.BLUE);
        g.fillRect(0, 0, 32, 32);
        g.setColor(Color.YELLOW);
        g.fillRect(x, y, side, side);
        g.dispose();
        return image;
    }

    @Test
    void measuresAreaAndTheSpreadOfCentres() {
        ForegroundLayout layout = new ForegroundLayout();
        layout.add(square(4, 12, 8));
        layout.add(square(20, 12, 8));
        assertThat(layout.images()).isEqualTo(2);
        assertThat(layout.empty()).isZero();
        assertThat(layout.meanArea()).isCloseTo(64 / 1024.0, within(1e-12));
        assertThat(layout.areaSpread()).isCloseTo(0, within(1e-9));
        // centres at x = 8/32 and 24/32: spread 8/32; both at y = 16/32: no spread
        assertThat(layout.centreSpreadX()).isCloseTo(0.25, within(1e-9));
        assertThat(layout.centreSpreadY()).isCloseTo(0, within(1e-6));
    }

    @Test
    void anImageWithoutForegroundCountsAsEmptyOnly() {
        ForegroundLayout layout = new ForegroundLayout();
        layout.add(square(0, 0, 0));
        layout.add(square(8, 8, 16));
        assertThat(layout.empty()).isEqualTo(1);
        assertThat(layout.meanArea()).isCloseTo(0.25, within(1e-12));
        assertThat(layout).hasToString("area 0.250 +- 0.000, centre spread x 0.000 y 0.000, 1 of 2 empty");
    }
}
