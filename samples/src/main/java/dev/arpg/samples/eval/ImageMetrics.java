package dev.arpg.samples.eval;

import java.awt.image.BufferedImage;

/** The image metrics of the model card: PSNR, edge F1 and foreground IoU. */
public final class ImageMetrics {
    private ImageMetrics() {
    }

    /**
     * Peak signal-to-noise ratio over the RGB channels, 8-bit peak.
     *
     * @param a an image
     * @param b an image of the same size
     * @return PSNR in dB (capped at 100 for identical images)
     */
    public static double psnr(BufferedImage a, BufferedImage b) {
        double sum = 0;
        int w = a.getWidth();
        int h = a.getHeight();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    double d = ((p >> shift) & 255) - ((q >> shift) & 255);
                    sum += d * d;
                }
            }
        }
        double mse = sum / (3.0 * w * h);
        return mse == 0 ? 100 : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    /**
     * F1 of predicted edge pixels against reference edge pixels (exact pixel matches), as ControlAR
     * reports it for Canny control. Two empty maps score 1.
     *
     * @param predicted edge map (values > 0.5 are edges)
     * @param reference edge map
     * @return the F1 score in [0, 1]
     */
    public static double f1(float[] predicted, float[] reference) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (int i = 0; i < predicted.length; i++) {
            boolean p = predicted[i] > 0.5f;
            boolean r = reference[i] > 0.5f;
            tp += p && r ? 1 : 0;
            fp += p && !r ? 1 : 0;
            fn += !p && r ? 1 : 0;
        }
        return tp + fp + fn == 0 ? 1 : 2.0 * tp / (2.0 * tp + fp + fn);
    }

    /**
     * Intersection over union of two masks.
     *
     * @param a a mask
     * @param b a mask of the same length
     * @return IoU in [0, 1]; two empty masks score 1
     */
    public static double iou(boolean[] a, boolean[] b) {
        int inter = 0;
        int union = 0;
        for (int i = 0; i < a.length; i++) {
            inter += a[i] && b[i] ? 1 : 0;
            union += a[i] || b[i] ? 1 : 0;
        }
        return union == 0 ? 1 : (double) inter / union;
    }

    /**
     * The foreground of a one-object image: pixels whose colour is far from the background colour,
     * taken as the median colour of the border pixels.
     *
     * @param image the image
     * @param threshold smallest RGB distance counted as foreground
     * @return the mask, raster order
     */
    public static boolean[] foreground(BufferedImage image, double threshold) {
        int w = image.getWidth();
        int h = image.getHeight();
        java.util.List<int[]> border = new java.util.ArrayList<>();
        for (int x = 0; x < w; x++) {
            border.add(rgb(image.getRGB(x, 0)));
            border.add(rgb(image.getRGB(x, h - 1)));
        }
        for (int y = 1; y < h - 1; y++) {
            border.add(rgb(image.getRGB(0, y)));
            border.add(rgb(image.getRGB(w - 1, y)));
        }
        int[] background = new int[3];
        for (int c = 0; c < 3; c++) {
            int channel = c;
            background[c] = border.stream().mapToInt(v -> v[channel]).sorted().toArray()[border.size() / 2];
        }
        boolean[] mask = new boolean[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] v = rgb(image.getRGB(x, y));
                double d = Math.sqrt(Math.pow(v[0] - background[0], 2) + Math.pow(v[1] - background[1], 2)
                        + Math.pow(v[2] - background[2], 2));
                mask[y * w + x] = d > threshold;
            }
        }
        return mask;
    }

    private static int[] rgb(int p) {
        return new int[] {(p >> 16) & 255, (p >> 8) & 255, p & 255};
    }
}
