package dev.arpg.api;

/**
 * The token grid a control map must line up with: {@code rows x columns} cells, each covering a
 * {@code downsampling x downsampling} pixel patch. The image it belongs to is {@link #width()} by
 * {@link #height()} pixels.
 *
 * @param rows cells per column of the grid
 * @param columns cells per row of the grid
 * @param downsampling pixels per cell side
 */
public record GridSpec(int rows, int columns, int downsampling) {
    /**
     * Checks that every size is positive.
     *
     * @param rows cells per column of the grid
     * @param columns cells per row of the grid
     * @param downsampling pixels per cell side
     */
    public GridSpec {
        if (rows <= 0 || columns <= 0 || downsampling <= 0) {
            throw new InvalidRequestException("grid sizes must be positive, got " + rows + "x" + columns
                    + " cells of " + downsampling + " px");
        }
    }

    /** @return image width in pixels */
    public int width() {
        return columns * downsampling;
    }

    /** @return image height in pixels */
    public int height() {
        return rows * downsampling;
    }

    /** @return number of cells */
    public int cells() {
        return rows * columns;
    }
}
