package dev.arpg.samples.plugin.colorlayout;

import dev.arpg.api.Condition;
import dev.arpg.api.ConditionParameters;
import dev.arpg.api.ControlMap;
import dev.arpg.api.GridSpec;
import dev.arpg.api.InvalidRequestException;
import java.awt.image.BufferedImage;
import java.util.Map;
import java.util.Set;

/**
 * A coarse colour layout of the target image, like the colour adapters of ControlNet/T2I-Adapter:
 * the image is cut into blocks of {@code blockCells x blockCells} token cells, each block is filled
 * with the mean colour of the image area it covers, and the result is a 3-channel (R, G, B in
 * [0, 1]) control map of the grid's pixel size. Alpha is composited on white; another aspect ratio
 * is stretched. Immutable, so thread-safe.
 */
public final class ColorLayoutCondition implements Condition {
    /** The condition's name: a model bundle needs a control encoder of 3 input channels under it. */
    public static final String NAME = "color";
    /** The parameter: token cells per block side. */
    public static final String BLOCK_CELLS = "blockCells";
    /** 4 cells of 16 px = 64 px blocks, the T2I-Adapter colour grid. */
    public static final int DEFAULT_BLOCK_CELLS = 4;

    private final int blockCells;

    /**
     * Builds the condition from its parameters.
     *
     * @param parameters {@code blockCells} (optional, a positive integer)
     * @throws InvalidRequestException naming an unknown parameter or a bad value
     */
    public ColorLayoutCondition(Map<String, String> parameters) {
        blockCells = new ConditionParameters(NAME, parameters, Set.of(BLOCK_CELLS))
                .integer(BLOCK_CELLS, DEFAULT_BLOCK_CELLS);
        if (blockCells <= 0) {
            throw new InvalidRequestException(NAME + ": " + BLOCK_CELLS + " must be positive, got " + blockCells);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ControlMap prepare(BufferedImage image, GridSpec grid) {
        if (image == null) {
            throw new InvalidRequestException(NAME + ": no control image");
        }
        int width = grid.width();
        int height = grid.height();
        int block = blockCells * grid.downsampling();
        double sx = (double) image.getWidth() / width;
        double sy = (double) image.getHeight() / height;
        float[] values = new float[3 * height * width];
        for (int y0 = 0; y0 < height; y0 += block) {
            for (int x0 = 0; x0 < width; x0 += block) {
                int x1 = Math.min(width, x0 + block);
                int y1 = Math.min(height, y0 + block);
                float[] rgb = meanColour(image, x0 * sx, y0 * sy, x1 * sx, y1 * sy);
                for (int c = 0; c < 3; c++) {
                    for (int y = y0; y < y1; y++) {
                        for (int x = x0; x < x1; x++) {
                            values[(c * height + y) * width + x] = rgb[c];
                        }
                    }
                }
            }
        }
        return new ControlMap(3, height, width, values);
    }

    /** Mean colour, in [0, 1], of the image pixels whose centres fall in a rectangle (at least one pixel). */
    private static float[] meanColour(BufferedImage image, double left, double top, double right, double bottom) {
        int xa = (int) Math.floor(left);
        int ya = (int) Math.floor(top);
        int xb = Math.min(image.getWidth(), Math.max(xa + 1, (int) Math.round(right)));
        int yb = Math.min(image.getHeight(), Math.max(ya + 1, (int) Math.round(bottom)));
        double[] sum = new double[3];
        for (int y = ya; y < yb; y++) {
            for (int x = xa; x < xb; x++) {
                int argb = image.getRGB(x, y);
                double alpha = (argb >>> 24) / 255.0;
                for (int c = 0; c < 3; c++) {
                    double v = ((argb >> (16 - 8 * c)) & 0xff) / 255.0;
                    sum[c] += v * alpha + (1 - alpha); // composited on white
                }
            }
        }
        int n = (xb - xa) * (yb - ya);
        return new float[] {(float) (sum[0] / n), (float) (sum[1] / n), (float) (sum[2] / n)};
    }

    @Override
    public Map<String, String> parameters() {
        return Map.of(BLOCK_CELLS, Integer.toString(blockCells));
    }
}
