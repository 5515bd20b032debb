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
    void shapesAreUprightUnlessRotatedAndOtherwiseTheSame() {
        ShapesDataset upright = new ShapesDataset(5, 32);
        ShapesDataset rotated = ShapesDataset.rotated(5, 32);
        double lowestUpright = 1;
        double lowestRotated = 1;
        int square = ShapeKind.SQUARE.ordinal();
        for (int i = square; i < 60; i += ShapeKind.values().length) {
            BufferedImage a = upright.sample(i).image();
            BufferedImage b = rotated.sample(i).image();
            assertThat(a.getRGB(0, 0)).as("same background").isEqualTo(b.getRGB(0, 0));
            lowestUpright = Math.min(lowestUpright, boxFill(a));
            lowestRotated = Math.min(lowestRotated, boxFill(b));
        }
        assertThat(lowestUpright).as("upright squares fill their bounding box").isGreaterThan(0.85);
        assertThat(lowestRotated).as("some rotated square leaves its box's corners empty").isLessThan(0.75);
    }

    /** Fraction of the shape's bounding box covered by the shape (pixels unlike the corner pixel). */
    private static double boxFill(BufferedImage image) {
        int background = image.getRGB(0, 0);
        int minX = 32;
        int minY = 32;
        int maxX = -1;
        int maxY = -1;
        int count = 0;
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                if (image.getRGB(x, y) != background) {
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                    count++;
                }
            }
        }
        return (double) count / ((maxX - minX + 1) * (maxY - minY + 1));
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
