package dev.arpg.conditions.depth.torchscript;

import dev.arpg.conditions.depth.Bicubic;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;

/** Turns an image into a normalised {@code [3, H, W]} float array. */
final class ModelInput {
    private ModelInput() {
    }

    static float[] normalised(BufferedImage image, int width, int height, TorchScriptOptions options) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = argb(image);
        float[] mean = options.mean();
        float[] std = options.std();
        float[] out = new float[3 * width * height];
        for (int c = 0; c < 3; c++) {
            float[] plane = new float[w * h];
            int shift = 16 - 8 * c;
            for (int i = 0; i < plane.length; i++) {
                int a = argb[i] >>> 24;
                int v = (argb[i] >> shift) & 0xff;
                plane[i] = (v * a + 255f * (255 - a)) / (255f * 255f);
            }
            float[] sized = Bicubic.resize(plane, w, h, width, height);
            for (int i = 0; i < sized.length; i++) {
                out[c * width * height + i] = (sized[i] - mean[c]) / std[c];
            }
        }
        return out;
    }

    /** ARGB pixels; grey images from their samples, since {@code getRGB} applies a gamma curve to them. */
    private static int[] argb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        ColorModel cm = image.getColorModel();
        if (cm.getColorSpace().getType() != ColorSpace.TYPE_GRAY || cm instanceof IndexColorModel) {
            return image.getRGB(0, 0, w, h, null, 0, w);
        }
        double scale = 255.0 / ((1L << cm.getComponentSize(0)) - 1);
        int[] argb = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = (int) Math.round(image.getRaster().getSampleDouble(x, y, 0) * scale);
                v = Math.max(0, Math.min(255, v));
                argb[y * w + x] = 0xff000000 | v << 16 | v << 8 | v;
            }
        }
        return argb;
    }
}
