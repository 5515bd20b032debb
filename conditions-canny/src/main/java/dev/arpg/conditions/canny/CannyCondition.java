package dev.arpg.conditions.canny;

import dev.arpg.api.Condition;
import dev.arpg.api.ControlMap;
import dev.arpg.api.GridSpec;
import dev.arpg.api.InvalidRequestException;
import java.awt.image.BufferedImage;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;

/**
 * Canny edges (OpenCV) as a single-channel control map: 1 on edges, 0 elsewhere, at exactly the
 * grid's pixel size. Any {@link BufferedImage} type is accepted; transparent pixels are composited
 * on white first. With {@code resolution=grid} (default) the image is resized to the grid's pixel
 * size and edges are found there, the way ControlNet prepares its Canny hints; with {@code
 * resolution=input} edges are found at the image's size and the binary map is resized with nearest
 * neighbour. An image with another aspect ratio than the grid is stretched. Immutable and
 * thread-safe.
 */
public final class CannyCondition implements Condition {
    /** The condition's name. */
    public static final String NAME = "canny";

    private final CannySettings settings;

    /**
     * Creates the condition.
     *
     * @param settings its settings
     */
    public CannyCondition(CannySettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** @return the settings */
    public CannySettings settings() {
        return settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ControlMap prepare(BufferedImage image, GridSpec grid) {
        Objects.requireNonNull(grid, "grid");
        byte[] rgb = RgbPixels.of(image);
        int w = image.getWidth();
        int h = image.getHeight();
        if (w < 3 || h < 3) {
            throw new InvalidRequestException("canny: the control image must be at least 3x3 pixels, got " + w + "x"
                    + h);
        }
        byte[] edges;
        if (settings.resolution().equals("grid")) {
            edges = OpenCvCanny.edges(rgb, w, h, grid.width(), grid.height(), settings);
        } else {
            edges = OpenCvCanny.nearest(OpenCvCanny.edges(rgb, w, h, w, h, settings), w, h, grid.width(),
                    grid.height());
        }
        float[] values = new float[edges.length];
        for (int i = 0; i < edges.length; i++) {
            values[i] = edges[i] != 0 ? 1f : 0f;
        }
        return new ControlMap(1, grid.height(), grid.width(), values);
    }

    @Override
    public Map<String, String> parameters() {
        return Collections.unmodifiableMap(settings.asParameters());
    }
}
