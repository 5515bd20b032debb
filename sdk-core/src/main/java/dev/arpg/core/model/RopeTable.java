package dev.arpg.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The 2D rotary table of ARPG (ARPG-SPEC section 4): row 0 belongs to the class token and is all
 * zeros (cos and sin), row {@code 1 + r} to raster cell {@code r}. Each row holds, for every pair of
 * a head's channels, the angle {@code y * f[j]} (first quarter of the head) or {@code x * f[j]}
 * (second quarter), with {@code f[j] = base^(-2j / (headDim/2))}. Computed once per model.
 */
public final class RopeTable {
    private final int rows;
    private final int pairs;
    private final float[] cos;
    private final float[] sin;

    /**
     * Computes the table in float32, as the reference does.
     *
     * @param gridSize side of the token grid
     * @param headDim width of one attention head (a multiple of 4)
     * @param base rotary base
     */
    public RopeTable(int gridSize, int headDim, double base) {
        this.pairs = headDim / 2;
        int quarter = headDim / 4;
        this.rows = 1 + gridSize * gridSize;
        float[] freq = new float[quarter];
        for (int j = 0; j < quarter; j++) {
            float exponent = (float) (2 * j) / (float) pairs;
            freq[j] = 1.0f / (float) Math.pow(base, exponent);
        }
        this.cos = new float[rows * pairs];
        this.sin = new float[rows * pairs];
        for (int y = 0; y < gridSize; y++) {
            for (int x = 0; x < gridSize; x++) {
                int base0 = (1 + y * gridSize + x) * pairs;
                for (int j = 0; j < quarter; j++) {
                    float ay = y * freq[j];
                    float ax = x * freq[j];
                    cos[base0 + j] = (float) Math.cos(ay);
                    sin[base0 + j] = (float) Math.sin(ay);
                    cos[base0 + quarter + j] = (float) Math.cos(ax);
                    sin[base0 + quarter + j] = (float) Math.sin(ax);
                }
            }
        }
    }

    /** @return rows of the table: 1 + tokens */
    public int rows() {
        return rows;
    }

    /** @return rotation pairs per head: headDim / 2 */
    public int pairs() {
        return pairs;
    }

    /**
     * The table in the reference layout {@code [rows, pairs, 2]}, last axis (cos, sin).
     *
     * @return a new array holding the interleaved table
     */
    public float[] interleaved() {
        float[] out = new float[rows * pairs * 2];
        for (int i = 0; i < rows * pairs; i++) {
            out[2 * i] = cos[i];
            out[2 * i + 1] = sin[i];
        }
        return out;
    }

    /** The table as two device arrays, ready to rotate query and key heads. */
    static final class Device {
        private final NDArray cos;
        private final NDArray sin;

        Device(RopeTable table, NDManager manager) {
            Shape shape = new Shape(table.rows, table.pairs);
            this.cos = manager.create(table.cos, shape);
            this.sin = manager.create(table.sin, shape);
        }

        /**
         * Rotates consecutive channel pairs of every head.
         *
         * @param x {@code [B, L, H, headDim]}
         * @param rows I64 table rows, {@code [B, L]} or {@code [1, L]}
         * @return the rotated heads, same shape, owned by {@code x}'s manager
         */
        NDArray rotate(NDArray x, NDArray rows) {
            NDManager m = x.getManager();
            NDIndex pick = new NDIndex("{}", rows);
            NDArray c = cos.get(m, pick).expandDims(2);
            NDArray s = sin.get(m, pick).expandDims(2);
            Shape shape = x.getShape();
            NDArray pairs = x.reshape(shape.get(0), shape.get(1), shape.get(2), shape.get(3) / 2, 2);
            NDArray a = pairs.get("..., 0");
            NDArray b = pairs.get("..., 1");
            NDArray ra = a.mul(c).sub(b.mul(s));
            NDArray rb = b.mul(c).add(a.mul(s));
            return ra.stack(rb, -1).reshape(shape);
        }
    }
}
