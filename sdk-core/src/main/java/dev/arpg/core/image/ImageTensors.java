package dev.arpg.core.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arpg.api.InvalidRequestException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.util.List;

/**
 * Converts between {@link BufferedImage}s and the float tensors the tokenizer works on: RGB,
 * channel-first ({@code [3, H, W]} per image), scaled to [-1, 1] by {@code x = pixel / 127.5 - 1}.
 *
 * <p>Images of any type are read as sRGB; transparency is composited on white (in floating
 * point, without rounding). Grey images give R = G = B = the stored grey level (as PIL's
 * {@code convert("RGB")} does), not the linear-to-sRGB conversion of {@link
 * BufferedImage#getRGB}. Tensors become images by {@link #toPixel}, the reference's {@code
 * clamp(127.5 x + 128, 0, 255).to(uint8)}.
 */
public final class ImageTensors {
    private static final float WHITE = 255f;

    private ImageTensors() {
    }

    /**
     * Reads an image as channel-first floats.
     *
     * @param image any image
     * @return {@code [3, H, W]} row-major, values in [-1, 1]
     * @throws InvalidRequestException if the image is null
     */
    public static float[] toChw(BufferedImage image) {
        float[] rgb = compositedRgb(requireImage(image, 0));
        int plane = image.getWidth() * image.getHeight();
        float[] chw = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                chw[c * plane + i] = rgb[3 * i + c] / 127.5f - 1f;
            }
        }
        return chw;
    }

    /**
     * Stacks square images of one size into a batch.
     *
     * @param manager owner of the returned array
     * @param images the images, each {@code size} x {@code size} pixels
     * @param size the required width and height
     * @return float32 {@code [B, 3, size, size]} in [-1, 1]
     * @throws InvalidRequestException if there is no image, or one is null or of another size
     */
    public static NDArray toTensor(NDManager manager, List<BufferedImage> images, int size) {
        if (images.isEmpty()) {
            throw new InvalidRequestException("no image given");
        }
        int per = 3 * size * size;
        float[] batch = new float[images.size() * per];
        for (int i = 0; i < images.size(); i++) {
            BufferedImage image = requireImage(images.get(i), i);
            if (image.getWidth() != size || image.getHeight() != size) {
                throw new InvalidRequestException("image " + i + " is " + image.getWidth() + "x"
                        + image.getHeight() + " pixels, expected " + size + "x" + size);
            }
            System.arraycopy(toChw(image), 0, batch, i * per, per);
        }
        return manager.create(batch, new Shape(images.size(), 3, size, size));
    }

    /**
     * Converts a batch of channel-first RGB tensors to images.
     *
     * @param images float {@code [B, 3, H, W]}, nominally in [-1, 1]; values outside are clamped
     * @return B opaque {@link BufferedImage#TYPE_INT_RGB} images
     * @throws InvalidRequestException if the array is not {@code [B, 3, H, W]} with B, H, W &gt; 0
     */
    public static BufferedImage[] fromTensor(NDArray images) {
        Shape s = images.getShape();
        if (s.dimension() != 4 || s.get(1) != 3 || s.size() == 0) {
            throw new InvalidRequestException(
                    "image tensor must be [B, 3, H, W] (3 RGB channels, non-empty), got " + s);
        }
        int batch = (int) s.get(0);
        int height = (int) s.get(2);
        int width = (int) s.get(3);
        float[] all = images.toFloatArray();
        BufferedImage[] out = new BufferedImage[batch];
        int plane = height * width;
        for (int b = 0; b < batch; b++) {
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            int base = b * 3 * plane;
            for (int i = 0; i < plane; i++) {
                int rgb = toPixel(all[base + i]) << 16 | toPixel(all[base + plane + i]) << 8
                        | toPixel(all[base + 2 * plane + i]);
                image.setRGB(i % width, i / width, rgb);
            }
            out[b] = image;
        }
        return out;
    }

    /**
     * One tensor value to an 8-bit channel value: {@code clamp(127.5 x + 128, 0, 255)} in float32,
     * truncated (the reference's {@code .to(uint8)}). NaN gives 0.
     *
     * @param x the value, nominally in [-1, 1]
     * @return 0..255
     */
    public static int toPixel(float x) {
        float v = 127.5f * x + 128f;
        return v >= WHITE ? 255 : v > 0f ? (int) v : 0;
    }

    /**
     * The image composited on white and rounded to an opaque 8-bit RGB image, read the same way
     * as {@link #toChw} (grey levels kept as they are).
     *
     * @param image any image
     * @return a new {@link BufferedImage#TYPE_INT_RGB} image of the same size
     */
    public static BufferedImage onWhite(BufferedImage image) {
        float[] rgb = compositedRgb(requireImage(image, 0));
        int width = image.getWidth();
        BufferedImage out = new BufferedImage(width, image.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < rgb.length / 3; i++) {
            int pixel = Math.round(rgb[3 * i]) << 16 | Math.round(rgb[3 * i + 1]) << 8 | Math.round(rgb[3 * i + 2]);
            out.setRGB(i % width, i / width, pixel);
        }
        return out;
    }

    private static BufferedImage requireImage(BufferedImage image, int index) {
        if (image == null) {
            throw new InvalidRequestException("image " + index + " is null");
        }
        return image;
    }

    /** Pixels as interleaved RGB in [0, 255], alpha composited on white, row-major. */
    private static float[] compositedRgb(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        float[] rgb = new float[3 * width * height];
        ColorModel cm = image.getColorModel();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            readGrey(image, cm, rgb);
            return rgb;
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int argb = image.getRGB(x, y);
                float alpha = argb >>> 24;
                int i = 3 * (y * width + x);
                rgb[i] = onWhite(argb >> 16 & 0xFF, alpha);
                rgb[i + 1] = onWhite(argb >> 8 & 0xFF, alpha);
                rgb[i + 2] = onWhite(argb & 0xFF, alpha);
            }
        }
        return rgb;
    }

    private static void readGrey(BufferedImage image, ColorModel cm, float[] rgb) {
        Raster raster = image.getRaster();
        float greyScale = WHITE / ((1L << cm.getComponentSize(0)) - 1);
        boolean alpha = cm.hasAlpha();
        float alphaScale = alpha ? WHITE / ((1L << cm.getComponentSize(1)) - 1) : 0f;
        int width = image.getWidth();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < width; x++) {
                float grey = raster.getSample(x, y, 0) * greyScale;
                float value = grey;
                if (alpha) {
                    float a = raster.getSample(x, y, 1) * alphaScale;
                    value = cm.isAlphaPremultiplied() ? grey + (WHITE - a) : onWhite(grey, a);
                }
                int i = 3 * (y * width + x);
                rgb[i] = value;
                rgb[i + 1] = value;
                rgb[i + 2] = value;
            }
        }
    }

    /** Straight (non-premultiplied) colour {@code c} with alpha {@code a} (both 0..255) over white. */
    private static float onWhite(float c, float a) {
        return (c * a + WHITE * (WHITE - a)) / WHITE;
    }
}
