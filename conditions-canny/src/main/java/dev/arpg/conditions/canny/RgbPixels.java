package dev.arpg.conditions.canny;

import dev.arpg.api.InvalidRequestException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;

/**
 * Interleaved 8-bit RGB bytes of any {@link BufferedImage}, with alpha composited on white. Grey
 * images are read from their samples (Java's {@code getRGB} would apply a linear-to-sRGB curve to
 * them), as the SDK core does.
 */
final class RgbPixels {
    private RgbPixels() {
    }

    /**
     * Reads an image.
     *
     * @param image any image type
     * @return {@code height * width * 3} bytes, row-major, R G B
     * @throws InvalidRequestException for a missing or empty image
     */
    static byte[] of(BufferedImage image) {
        if (image == null) {
            throw new InvalidRequestException("canny: no control image");
        }
        int w = image.getWidth();
        int h = image.getHeight();
        ColorModel cm = image.getColorModel();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            return grey(image, cm);
        }
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            int a = p >>> 24;
            rgb[3 * i] = (byte) overWhite((p >> 16) & 0xff, a);
            rgb[3 * i + 1] = (byte) overWhite((p >> 8) & 0xff, a);
            rgb[3 * i + 2] = (byte) overWhite(p & 0xff, a);
        }
        return rgb;
    }

    private static byte[] grey(BufferedImage image, ColorModel cm) {
        Raster raster = image.getRaster();
        int w = image.getWidth();
        int h = image.getHeight();
        double greyScale = 255.0 / ((1L << cm.getComponentSize(0)) - 1);
        boolean alpha = cm.hasAlpha();
        double alphaScale = alpha ? 255.0 / ((1L << cm.getComponentSize(1)) - 1) : 0;
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = (int) Math.round(raster.getSample(x, y, 0) * greyScale);
                if (alpha) {
                    int a = (int) Math.round(raster.getSample(x, y, 1) * alphaScale);
                    v = cm.isAlphaPremultiplied() ? Math.min(255, v + 255 - a) : overWhite(v, a);
                }
                int i = 3 * (y * w + x);
                rgb[i] = (byte) v;
                rgb[i + 1] = (byte) v;
                rgb[i + 2] = (byte) v;
            }
        }
        return rgb;
    }

    /** Composites a (non-premultiplied) channel value with coverage {@code alpha} over white. */
    static int overWhite(int value, int alpha) {
        return (value * alpha + 255 * (255 - alpha) + 127) / 255;
    }
}
