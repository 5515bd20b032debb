package dev.arpg.core.edit;

import dev.arpg.api.Edit;
import dev.arpg.api.GridSpec;
import dev.arpg.api.InvalidRequestException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/**
 * Where an {@link Edit} keeps the source and where it generates: the canvas to tokenize and, per
 * grid cell, whether its token is known. A cell is known only when its whole patch is known pixels.
 *
 * @param canvas the image to tokenize, the size of the model's images (RGB)
 * @param knownCells per cell in raster order, true when its token is kept
 */
public record EditLayout(BufferedImage canvas, boolean[] knownCells) {
    /** Grey that fills the canvas outside an outpainting source. */
    private static final Color FILL = new Color(128, 128, 128);

    /**
     * Lays out an edit on a grid.
     *
     * @param edit the edit
     * @param grid the model's token grid
     * @return the layout
     * @throws InvalidRequestException when sizes do not match or nothing (or everything) is to generate
     */
    public static EditLayout of(Edit edit, GridSpec grid) {
        return edit.kind() == Edit.Kind.INPAINT ? inpaint(edit, grid) : outpaint(edit, grid);
    }

    /** @return the number of cells whose token is kept */
    public int knownCount() {
        int count = 0;
        for (boolean k : knownCells) {
            count += k ? 1 : 0;
        }
        return count;
    }

    private static EditLayout inpaint(Edit edit, GridSpec grid) {
        BufferedImage image = edit.image();
        BufferedImage mask = edit.mask();
        if (image.getWidth() != grid.width() || image.getHeight() != grid.height()) {
            throw new InvalidRequestException("the inpainting image is " + image.getWidth() + "x" + image.getHeight()
                    + " px but the model makes " + grid.width() + "x" + grid.height() + " px images; resize it first");
        }
        if (mask.getWidth() != image.getWidth() || mask.getHeight() != image.getHeight()) {
            throw new InvalidRequestException("the inpainting mask is " + mask.getWidth() + "x" + mask.getHeight()
                    + " px but the image is " + image.getWidth() + "x" + image.getHeight() + " px");
        }
        boolean[] known = new boolean[grid.cells()];
        int ds = grid.downsampling();
        for (int cy = 0; cy < grid.rows(); cy++) {
            for (int cx = 0; cx < grid.columns(); cx++) {
                known[cy * grid.columns() + cx] = !anySet(mask, cx * ds, cy * ds, ds);
            }
        }
        EditLayout layout = new EditLayout(copyRgb(image), known);
        if (layout.knownCount() == known.length) {
            throw new InvalidRequestException("the inpainting mask selects no pixel: nothing to regenerate"
                    + " (pixels with luminance >= 128 are regenerated)");
        }
        return layout;
    }

    private static boolean anySet(BufferedImage mask, int x0, int y0, int size) {
        for (int y = y0; y < y0 + size; y++) {
            for (int x = x0; x < x0 + size; x++) {
                int rgb = mask.getRGB(x, y);
                int luminance = (299 * ((rgb >> 16) & 255) + 587 * ((rgb >> 8) & 255) + 114 * (rgb & 255)) / 1000;
                if (luminance >= 128) {
                    return true;
                }
            }
        }
        return false;
    }

    private static EditLayout outpaint(Edit edit, GridSpec grid) {
        BufferedImage source = edit.image();
        BufferedImage canvas = new BufferedImage(grid.width(), grid.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setColor(FILL);
            g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
            g.drawImage(source, edit.x(), edit.y(), null);
        } finally {
            g.dispose();
        }
        int ds = grid.downsampling();
        boolean[] known = new boolean[grid.cells()];
        for (int cy = 0; cy < grid.rows(); cy++) {
            for (int cx = 0; cx < grid.columns(); cx++) {
                int x0 = cx * ds;
                int y0 = cy * ds;
                known[cy * grid.columns() + cx] = x0 >= edit.x() && y0 >= edit.y()
                        && x0 + ds <= edit.x() + source.getWidth() && y0 + ds <= edit.y() + source.getHeight();
            }
        }
        EditLayout layout = new EditLayout(canvas, known);
        if (layout.knownCount() == 0) {
            throw new InvalidRequestException("the outpainting source (" + source.getWidth() + "x" + source.getHeight()
                    + " px at " + edit.x() + "," + edit.y() + ") covers no whole " + ds + " px cell of the "
                    + grid.width() + "x" + grid.height() + " px canvas");
        }
        if (layout.knownCount() == known.length) {
            throw new InvalidRequestException("the outpainting source covers the whole canvas: nothing to generate");
        }
        return layout;
    }

    private static BufferedImage copyRgb(BufferedImage image) {
        BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = copy.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, copy.getWidth(), copy.getHeight());
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return copy;
    }
}
