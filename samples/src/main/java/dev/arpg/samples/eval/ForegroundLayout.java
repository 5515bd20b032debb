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

    private int images;
    private int empty;
    private double area;
    private double areaSquares;
    private double x;
    private double xSquares;
    private double y;
    private double ySquares;

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
        double a = pixels / mask.length;
        area += a;
        areaSquares += a * a;
        x += sumX / pixels;
        xSquares += (sumX / pixels) * (sumX / pixels);
        y += sumY / pixels;
        ySquares += (sumY / pixels) * (sumY / pixels);
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
        return mean(area);
    }

    /** @return standard deviation of the foreground area of the non-empty images */
    public double areaSpread() {
        return spread(area, areaSquares);
    }

    /** @return standard deviation of the foreground centre's x, a fraction of the width */
    public double centreSpreadX() {
        return spread(x, xSquares);
    }

    /** @return standard deviation of the foreground centre's y, a fraction of the height */
    public double centreSpreadY() {
        return spread(y, ySquares);
    }

    /** @return the four figures and the empty count in one line */
    @Override
    public String toString() {
        return String.format("area %.3f +- %.3f, centre spread x %.3f y %.3f, %d of %d empty", meanArea(), areaSpread(),
                centreSpreadX(), centreSpreadY(), empty, images);
    }

    private double mean(double sum) {
        int n = images - empty;
        return n == 0 ? 0 : sum / n;
    }

    private double spread(double sum, double squares) {
        double m = mean(sum);
        return Math.sqrt(Math.max(0, mean(squares) - m * m));
    }
}
