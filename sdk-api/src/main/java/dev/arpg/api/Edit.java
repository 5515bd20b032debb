package dev.arpg.api;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * A zero-shot edit: regenerate part of an existing image. Inpainting regenerates the cells the mask
 * touches; outpainting places the source on the canvas and generates everything it does not cover.
 * In both, a cell whose whole patch is known keeps its token exactly.
 */
public final class Edit {
    /** The two kinds of edit. */
    public enum Kind {
        /** Regenerate where the mask is set. */
        INPAINT,
        /** Generate around a placed source image. */
        OUTPAINT
    }

    private final Kind kind;
    private final BufferedImage image;
    private final BufferedImage mask;
    private final int x;
    private final int y;

    private Edit(Kind kind, BufferedImage image, BufferedImage mask, int x, int y) {
        this.kind = kind;
        this.image = Objects.requireNonNull(image, "image");
        this.mask = mask;
        this.x = x;
        this.y = y;
    }

    /**
     * Inpainting: pixels of the mask brighter than mid-grey (luminance >= 128) are regenerated.
     *
     * @param image the source, the size of the model's images
     * @param mask same size as the image
     * @return the edit
     */
    public static Edit inpaint(BufferedImage image, BufferedImage mask) {
        return new Edit(Kind.INPAINT, image, Objects.requireNonNull(mask, "mask"), 0, 0);
    }

    /**
     * Outpainting: the source is drawn at (x, y) on a canvas the size of the model's images.
     *
     * @param image the source, at most the canvas size
     * @param x left edge on the canvas, in pixels (may be negative: the source is cropped)
     * @param y top edge on the canvas, in pixels
     * @return the edit
     */
    public static Edit outpaint(BufferedImage image, int x, int y) {
        return new Edit(Kind.OUTPAINT, image, null, x, y);
    }

    /** @return inpaint or outpaint */
    public Kind kind() {
        return kind;
    }

    /** @return the source image */
    public BufferedImage image() {
        return image;
    }

    /** @return the inpainting mask, or null for outpainting */
    public BufferedImage mask() {
        return mask;
    }

    /** @return the source's left edge on the canvas (outpainting) */
    public int x() {
        return x;
    }

    /** @return the source's top edge on the canvas (outpainting) */
    public int y() {
        return y;
    }
}
