package dev.arpg.samples.eval;

import java.awt.image.BufferedImage;

/**
 * Where and how large the objects of a set of one-object images are: the mean and spread of the
 * foreground's area (as a fraction of the image) and the spread of its centre. Printed for generated
 * and for real images side by side, it shows whether a sampling setting that raises class fidelity
 * does so by narrowing the layouts (objects all centred, all one size) rather than by drawing the
 * class better. The foreground is {@link ImageMetrics#foreground(BufferedImage, double)}.
 */
public final class ForegroundLayout {
    private static final double THRESHOLD = 60;

    private final Moments area = new Moments();
    private final Moments x = new Moments();
    private final Moments y = new Moments();
    private int images;
    private int empty;

    /** Running count, sum and sum of squares of one figure over the non-empty images. */
    private static final class Moments {
        private int count;
        private double sum;
        private double squares;

        void add(double value) {
            count++;
            sum += value;
            squares += value * value;
        }

        double mean() {
            return count == 0 ? 0 : sum / count;
        }

        double spread() {
            double m = mean();
            return count == 0 ? 0 : Math.sqrt(Math.max(0, squares / count - m * m));
        }
    }

    /**
     * Adds one image. An image with no foreground counts as empty and adds nothing else.
     *
     * @param image the image
     */
    public void add(BufferedImage image) {
        images++;
        int w = image.getWidth();
        int h = image.getHeight();
        boolean[] mask = ImageMetrics.foreground(image, THRESHOLD);
        double pixels = 0;
        double sumX = 0;
        double sumY = 0;
        for (int p = 0; p < mask.length; p++) {
            if (mask[p]) {
                pixels++;
                sumX += (p % w + 0.5) / w;
                sumY += (p / w + 0.5) / h;
            }
        }
        if (pixels == 0) {
            empty++;
            return;
        }
        area.add(pixels / mask.length);
        x.add(sumX / pixels);
        y.add(sumY / pixels);
    }

    /** @return images added */
    public int images() {
        return images;
    }

    /** @return images with no foreground */
    public int empty() {
        return empty;
    }

    /** @return mean foreground area of the non-empty images, a fraction of the image */
    public double meanArea() {
        return area.mean();
    }

    /** @return standard deviation of the foreground area of the non-empty images */
    public double areaSpread() {
        return area.spread();
    }

    /** @return standard deviation of the foreground centre's x, a fraction of the width */
    public double centreSpreadX() {
        return x.spread();
    }

    /** @return standard deviation of the foreground centre's y, a fraction of the height */
    public double centreSpreadY() {
        return y.spread();
    }

    /** @return the four figures and the empty count in one line */
    @Override
    public String toString() {
        return String.format("area %.3f +- %.3f, centre spread x %.3f y %.3f, %d of %d empty", meanArea(), areaSpread(),
                centreSpreadX(), centreSpreadY(), empty, images);
    }
}
