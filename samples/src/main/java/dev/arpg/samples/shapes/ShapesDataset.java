package dev.arpg.samples.shapes;

import dev.arpg.core.train.TrainingDataset;
import dev.arpg.core.train.TrainingSample;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A procedural dataset generated on the fly from a seed, no files needed: one shape of a
 * upright {@link ShapeKind} per image (or one at a random rotation, {@link #rotated}) with a random
 * palette colour, size and position on a background of another palette colour, plus its depth map
 * (the shape as a simple solid, near = bright, background black) as the {@code depth} control and the image itself as the {@code canny} control (the Canny condition
 * finds its edges). Deterministic: sample {@code i} of a seed is always the same.
 */
public final class ShapesDataset implements TrainingDataset {
    /**
     * The colours shapes and backgrounds are drawn from: a palette rather than any RGB value, so the
     * tiny tokenizer can represent them exactly after a short training on a CPU.
     */
    private static final Color[] PALETTE = {
        new Color(230, 25, 75), new Color(60, 180, 75), new Color(255, 225, 25), new Color(0, 130, 200),
        new Color(245, 130, 48), new Color(145, 30, 180), new Color(70, 240, 240), new Color(240, 50, 230),
        new Color(250, 250, 250), new Color(20, 20, 20), new Color(128, 128, 128), new Color(128, 64, 0),
    };

    private final long seed;
    private final int size;
    private final boolean rotated;

    /**
     * Creates the dataset of upright shapes (what the generator learns).
     *
     * @param seed the seed
     * @param size image side in pixels
     */
    public ShapesDataset(long seed, int size) {
        this(seed, size, false);
    }

    private ShapesDataset(long seed, int size, boolean rotated) {
        this.seed = seed;
        this.size = size;
        this.rotated = rotated;
    }

    /**
     * The same images with each shape turned by a random angle (what the tokenizer learns, so it
     * represents edges at every orientation). Sample {@code i} has the colours, size and position of
     * sample {@code i} of {@link #ShapesDataset(long, int)}.
     *
     * @param seed the seed
     * @param size image side in pixels
     * @return the dataset
     */
    public static ShapesDataset rotated(long seed, int size) {
        return new ShapesDataset(seed, size, true);
    }

    @Override
    public long size() {
        return Long.MAX_VALUE / 4;
    }

    @Override
    public TrainingSample sample(long index) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        ShapeKind kind = ShapeKind.values()[(int) Math.floorMod(index, (long) ShapeKind.values().length)];
        Color background = PALETTE[r.nextInt(PALETTE.length)];
        Color foreground;
        do {
            foreground = PALETTE[r.nextInt(PALETTE.length)];
        } while (Math.abs(luma(foreground) - luma(background)) < 60);
        double radius = size * (0.22 + 0.2 * r.nextDouble());
        double cx = radius + r.nextDouble() * (size - 2 * radius);
        double cy = radius + r.nextDouble() * (size - 2 * radius);
        AffineTransform at = new AffineTransform();
        at.translate(cx, cy);
        if (rotated) {
            at.rotate(r.nextDouble() * 2 * Math.PI);
        }
        at.scale(radius, radius);
        Shape shape = at.createTransformedShape(kind.outline());

        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(background);
        g.fillRect(0, 0, size, size);
        g.setColor(foreground);
        g.fill(shape);
        g.dispose();
        return new TrainingSample(image, kind.ordinal(), Map.of("canny", image, "depth", depth(shape, kind)));
    }

    /** Height above the ground of the shape as a solid: dome or pyramid over its distance to the edge. */
    private BufferedImage depth(Shape shape, ShapeKind kind) {
        boolean[] inside = new boolean[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                inside[y * size + x] = shape.contains(x + 0.5, y + 0.5);
            }
        }
        double[] distance = new double[size * size];
        double max = 0;
        for (int p = 0; p < inside.length; p++) {
            if (inside[p]) {
                double best = Double.MAX_VALUE;
                for (int q = 0; q < inside.length; q++) {
                    if (!inside[q]) {
                        double dx = p % size - q % size;
                        double dy = p / size - q / size;
                        best = Math.min(best, dx * dx + dy * dy);
                    }
                }
                distance[p] = Math.sqrt(best);
                max = Math.max(max, distance[p]);
            }
        }
        BufferedImage depth = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        for (int p = 0; p < inside.length; p++) {
            double h = 0;
            if (inside[p] && max > 0) {
                double t = distance[p] / max;
                h = kind.round() ? Math.sqrt(1 - (1 - t) * (1 - t)) : t;
                h = 0.35 + 0.65 * h;
            }
            depth.getRaster().setSample(p % size, p / size, 0, (int) Math.round(255 * h));
        }
        return depth;
    }

    private static double luma(Color c) {
        return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue();
    }
}
