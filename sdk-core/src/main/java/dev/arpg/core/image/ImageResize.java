package dev.arpg.core.image;

import dev.arpg.api.InvalidRequestException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Explicit resizing of images to the square size a tokenizer expects; nothing resizes silently. */
public final class ImageResize {
    private ImageResize() {
    }

    /**
     * Crops the largest centred square and scales it (bicubic) to {@code size} x {@code size}.
     * The image is first composited on white ({@link ImageTensors#onWhite}). An image that
     * already has the size is returned unchanged.
     *
     * @param image any image
     * @param size target width and height, &gt; 0
     * @return the image itself, or a new opaque {@link BufferedImage#TYPE_INT_RGB} image
     * @throws InvalidRequestException if the image is null or the size is not positive
     */
    public static BufferedImage centerCropAndScale(BufferedImage image, int size) {
        if (image == null) {
            throw new InvalidRequestException("image is null");
        }
        if (size <= 0) {
            throw new InvalidRequestException("target size must be > 0, got " + size);
        }
        if (image.getWidth() == size && image.getHeight() == size) {
            return image;
        }
        BufferedImage opaque = ImageTensors.onWhite(image);
        int side = Math.min(image.getWidth(), image.getHeight());
        int x0 = (image.getWidth() - side) / 2;
        int y0 = (image.getHeight() - side) / 2;
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(opaque, 0, 0, size, size, x0, y0, x0 + side, y0 + side, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
