package dev.arpg.conditions.depth;

import dev.arpg.api.InvalidRequestException;
import java.util.Arrays;

/**
 * A raw depth map as read from a file or estimated: one float per pixel, row-major, in whatever
 * unit and convention it came in (values may be NaN or infinite; {@link DepthCondition} deals with
 * them). Immutable.
 */
public final class DepthMap {
    private final int width;
    private final int height;
    private final float[] values;

    /**
     * Wraps values.
     *
     * @param width columns, positive
     * @param height rows, positive
     * @param values {@code width * height} values, row-major (copied)
     * @throws InvalidRequestException for a bad size
     */
    public DepthMap(int width, int height, float[] values) {
        if (width <= 0 || height <= 0) {
            throw new InvalidRequestException("depth map sizes must be positive, got " + width + "x" + height);
        }
        if (values == null || values.length != (long) width * height) {
            throw new InvalidRequestException("a " + width + "x" + height + " depth map needs " + (long) width * height
                    + " values, got " + (values == null ? "none" : values.length));
        }
        this.width = width;
        this.height = height;
        this.values = values.clone();
    }

    /** @return columns */
    public int width() {
        return width;
    }

    /** @return rows */
    public int height() {
        return height;
    }

    /**
     * One value.
     *
     * @param x column
     * @param y row
     * @return the value
     */
    public float get(int x, int y) {
        return values[y * width + x];
    }

    /** @return a copy of the values, row-major */
    public float[] values() {
        return values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DepthMap m && m.width == width && m.height == height && Arrays.equals(m.values, values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values) * 31 + width * 7 + height;
    }
}
