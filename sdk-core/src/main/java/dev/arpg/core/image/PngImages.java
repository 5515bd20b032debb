package dev.arpg.core.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes images as PNG files (lossless, so decoded pixels are stored exactly). */
public final class PngImages {
    private PngImages() {
    }

    /**
     * Writes an image as PNG, replacing an existing file.
     *
     * @param image the image, e.g. one returned by a tokenizer's {@code decode}
     * @param file the target file; its folder must exist
     * @throws IOException if the file cannot be written or no PNG writer handles the image type
     */
    public static void write(BufferedImage image, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer for image type " + image.getType());
            }
        }
    }
}
