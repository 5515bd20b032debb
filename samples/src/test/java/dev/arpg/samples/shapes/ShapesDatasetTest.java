package dev.arpg.samples.shapes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arpg.core.train.TrainingSample;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ShapesDatasetTest {

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    @Test
    void samplesAreDeterministicAndCycleThroughTheClasses() {
        ShapesDataset a = new ShapesDataset(3, 32);
        ShapesDataset b = new ShapesDataset(3, 32);
        for (int i = 0; i < 12; i++) {
            TrainingSample s = a.sample(i);
            assertThat(s.label()).isEqualTo(i % ShapeKind.values().length);
            assertThat(pixels(s.image())).containsExactly(pixels(b.sample(i).image()));
            assertThat(s.controls()).containsOnlyKeys("canny", "depth");
        }
        assertThat(pixels(new ShapesDataset(4, 32).sample(0).image())).isNotEqualTo(pixels(a.sample(0).image()));
    }

    @Test
    void depthIsBrightOnTheShapeAndBlackOnTheBackground() {
        for (int i = 0; i < 12; i++) {
            TrainingSample s = new ShapesDataset(1, 32).sample(i);
            BufferedImage depth = s.controls().get("depth");
            int background = s.image().getRGB(0, 0);
            int foregroundPixels = 0;
            int maxDepth = 0;
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    int d = depth.getRaster().getSample(x, y, 0);
                    maxDepth = Math.max(maxDepth, d);
                    if (d > 0) {
                        foregroundPixels++;
                        assertThat(d).as("depth inside the shape").isGreaterThanOrEqualTo(89);
                    }
                }
            }
            assertThat(foregroundPixels).as("sample " + i).isGreaterThan(20);
            assertThat(maxDepth).isEqualTo(255);
            assertThat(depth.getRaster().getSample(0, 0, 0) == 0 || s.image().getRGB(0, 0) != background).isTrue();
        }
    }
}
