package dev.arpg.api;

import java.util.Arrays;

/**
 * What a {@link Condition} makes of a control image: float channels at the image resolution of a
 * {@link GridSpec}, channel-major ({@code [channels][height][width]}), every value finite. Immutable.
 */
public final class ControlMap {
    private final int channels;
    private final int height;
    private final int width;
    private final float[] values;

    /**
     * Wraps channel values.
     *
     * @param channels number of channels
     * @param height rows of pixels
     * @param width columns of pixels
     * @param values {@code channels * height * width} finite values, channel-major (copied)
     * @throws InvalidRequestException for a size mismatch or a NaN/infinite value
     */
    public ControlMap(int channels, int height, int width, float[] values) {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new InvalidRequestException("control map sizes must be positive, got " + channels + "x"
                    + height + "x" + width);
        }
        if (values == null || values.length != (long) channels * height * width) {
            throw new InvalidRequestException("control map of " + channels + "x" + height + "x" + width
                    + " needs " + (long) channels * height * width + " values, got "
                    + (values == null ? "none" : values.length));
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new InvalidRequestException("control map value " + i + " is " + values[i]
                        + ": control maps must be finite");
            }
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.values = values.clone();
    }

    /** @return number of channels */
    public int channels() {
        return channels;
    }

    /** @return rows of pixels */
    public int height() {
        return height;
    }

    /** @return columns of pixels */
    public int width() {
        return width;
    }

    /**
     * One value.
     *
     * @param channel channel index
     * @param y row
     * @param x column
     * @return the value
     */
    public float get(int channel, int y, int x) {
        return values[(channel * height + y) * width + x];
    }

    /** @return a copy of all values, channel-major */
    public float[] values() {
        return values.clone();
    }

    /**
     * Whether this map lines up with a grid: same pixel size.
     *
     * @param grid the grid
     * @return true when the sizes agree
     */
    public boolean fits(GridSpec grid) {
        return height == grid.height() && width == grid.width();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ControlMap m && m.channels == channels && m.height == height && m.width == width
                && Arrays.equals(m.values, values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values) * 31 + channels * 7 + height * 3 + width;
    }
}
