package dev.arpg.conditions.canny;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Test images: committed photographs and synthetic shapes. */
final class TestImages {
    private TestImages() {
    }

    static BufferedImage photo(String name) {
        try (InputStream in = TestImages.class.getResourceAsStream("/images/" + name)) {
            assertNotNull(in, "test image " + name + " is missing");
            return ImageIO.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A white square covering pixels [from, to] in x and y on black. */
    static BufferedImage square(int size, int from, int to, int type) {
        BufferedImage image = new BufferedImage(size, size, type);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, size, size);
        g.setColor(Color.WHITE);
        g.fillRect(from, from, to - from + 1, to - from + 1);
        g.dispose();
        return image;
    }

    static int count(float[] values) {
        int n = 0;
        for (float v : values) {
            if (v != 0) {
                n++;
            }
        }
        return n;
    }
}
