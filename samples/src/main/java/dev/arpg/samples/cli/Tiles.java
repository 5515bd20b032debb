package dev.arpg.samples.cli;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/** Tiles equally sized images into one roughly square sheet. */
final class Tiles {
    private Tiles() {
    }

    /**
     * @param images images of one size
     * @return the sheet, row by row
     */
    static BufferedImage of(List<BufferedImage> images) {
        int columns = (int) Math.ceil(Math.sqrt(images.size()));
        int rows = (images.size() + columns - 1) / columns;
        int w = images.get(0).getWidth();
        int h = images.get(0).getHeight();
        BufferedImage sheet = new BufferedImage(columns * w, rows * h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            for (int i = 0; i < images.size(); i++) {
                g.drawImage(images.get(i), (i % columns) * w, (i / columns) * h, null);
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }
}
