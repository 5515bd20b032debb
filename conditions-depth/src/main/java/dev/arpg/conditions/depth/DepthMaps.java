package dev.arpg.conditions.depth;

import dev.arpg.api.InvalidRequestException;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Reads depth maps from files and converts them to and from the {@link BufferedImage} that
 * {@link dev.arpg.api.Condition#prepare} takes.
 *
 * <p>Float depth ({@code .npy}, {@code .pfm}, an estimator's output) travels losslessly as a
 * one-band {@code float} grey image made by {@link #toImage}: NaN and infinities included, so the
 * condition's own non-finite policy, clipping and inversion still apply.
 */
public final class DepthMaps {
    private DepthMaps() {
    }

    /**
     * Reads a depth file by its extension: {@code .png} (8- or 16-bit grey), {@code .npy} (float32
     * or float64, one plane) or {@code .pfm} (grey {@code Pf}).
     *
     * @param file the file
     * @return the raw map
     * @throws InvalidRequestException for an unreadable, unsupported or malformed file
     */
    public static DepthMap read(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String kind = name.endsWith(".png") ? "png" : name.endsWith(".npy") ? "npy" : name.endsWith(".pfm") ? "pfm"
                : null;
        if (kind == null) {
            throw new InvalidRequestException("unsupported depth file '" + file.getFileName()
                    + "': use .png (8/16-bit grey), .npy (float32) or .pfm");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidRequestException("cannot read depth file " + file + ": " + e);
        }
        return switch (kind) {
            case "npy" -> Npy.read(bytes, file.toString());
            case "pfm" -> Pfm.read(bytes, file.toString());
            default -> fromImage(png(bytes, file.toString()));
        };
    }

    /**
     * Reads the file and converts it with {@link #toImage}, ready for {@code prepare} or a request.
     *
     * @param file a {@code .png}, {@code .npy} or {@code .pfm} file
     * @return a grey image carrying the raw values
     */
    public static BufferedImage readImage(Path file) {
        return toImage(read(file));
    }

    private static BufferedImage png(byte[] bytes, String source) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new InvalidRequestException("depth file " + source + " is not a readable PNG image");
            }
            return image;
        } catch (IOException e) {
            throw new InvalidRequestException("depth file " + source + " is not a readable PNG image: "
                    + e.getMessage());
        }
    }

    /**
     * The raw values of a depth image: the samples of a grey image of any depth (8-bit, 16-bit,
     * float; alpha ignored), or the common value of an image whose pixels are all grey (R = G = B).
     *
     * @param image the image
     * @return the raw map (8-bit in [0, 255], 16-bit in [0, 65535], float as stored)
     * @throws InvalidRequestException for a missing image or a colour pixel
     */
    public static DepthMap fromImage(BufferedImage image) {
        if (image == null) {
            throw new InvalidRequestException("depth: no depth image");
        }
        int w = image.getWidth();
        int h = image.getHeight();
        float[] values = new float[w * h];
        ColorModel cm = image.getColorModel();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof IndexColorModel)) {
            Raster raster = image.getRaster();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    values[y * w + x] = raster.getSampleFloat(x, y, 0);
                }
            }
            return new DepthMap(w, h, values);
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = image.getRGB(x, y);
                int r = (p >> 16) & 0xff;
                if (r != ((p >> 8) & 0xff) || r != (p & 0xff)) {
                    throw new InvalidRequestException(String.format(Locale.ROOT, "depth: the depth image must be"
                            + " greyscale, but pixel (%d, %d) is #%06x", x, y, p & 0xffffff));
                }
                values[y * w + x] = r;
            }
        }
        return new DepthMap(w, h, values);
    }

    /**
     * A one-band float grey image holding the raw values exactly (NaN and infinities included).
     *
     * @param map the map
     * @return the image ({@link BufferedImage#TYPE_CUSTOM})
     */
    public static BufferedImage toImage(DepthMap map) {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_FLOAT);
        WritableRaster raster = cm.createCompatibleWritableRaster(map.width(), map.height());
        raster.setSamples(0, 0, map.width(), map.height(), 0, map.values());
        return new BufferedImage(cm, raster, false, null);
    }
}
