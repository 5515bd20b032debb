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

    /**
     * The table as device arrays, ready to rotate query and key heads: per channel {@code (cos,
     * cos)} and {@code (-sin, sin)} {@code [rows, headDim]}, gathered by {@link #tables} (whole
     * sequences) and {@link #stepTables} (decoding steps).
     */
    static final class Device {
        private final NDArray channelCos;
        private final NDArray channelSin;
        private final int headDim;

        Device(RopeTable table, NDManager manager) {
            this.headDim = 2 * table.pairs;
            float[] c = new float[table.rows * headDim];
            float[] s = new float[table.rows * headDim];
            for (int i = 0; i < table.rows * table.pairs; i++) {
                c[2 * i] = table.cos[i];
                c[2 * i + 1] = table.cos[i];
                s[2 * i] = -table.sin[i];
                s[2 * i + 1] = table.sin[i];
            }
            this.channelCos = manager.create(c, new Shape(table.rows, headDim));
            this.channelSin = manager.create(s, new Shape(table.rows, headDim));
        }

        /**
         * The multipliers of whole sequences (teacher forcing and training), gathered once per
         * forward pass and shared by every layer.
         *
         * @param rows I64 table rows {@code [B, L]} or {@code [1, L]}
         * @return {@code [cos, sin]}, each {@code [B, L, 1, headDim]}, owned by {@code rows}'s manager
         */
        NDArray[] tables(NDArray rows) {
            NDManager m = rows.getManager();
            NDIndex pick = new NDIndex("{}", rows);
            Shape shape = new Shape(rows.getShape().get(0), rows.getShape().get(1), 1, headDim);
            return new NDArray[] {channelCos.get(m, pick).reshape(shape), channelSin.get(m, pick).reshape(shape)};
        }

        /**
         * The multipliers of one decoding step, gathered once and shared by every layer: for
         * {@code [B, L, parts, H, headDim]} projections whose first {@code rotated} parts are
         * rotated (queries, keys) and whose other parts pass unchanged (values: cos 1, sin 0).
         *
         * @param m owner of the tables
         * @param rows I64 table rows {@code [1, L]}
         * @param rotated parts to rotate
         * @param parts all parts
         * @return {@code {cos, sin}}, each {@code [1, L, parts, 1, headDim]}
         */
        NDArray[] stepTables(NDManager m, NDArray rows, int rotated, int parts) {
            NDIndex pick = new NDIndex("{}", rows);
            long length = rows.getShape().get(1);
            Shape one = new Shape(1, length, 1, 1, headDim);
            NDArray c = channelCos.get(m, pick).reshape(one).repeat(2, rotated);
            NDArray s = channelSin.get(m, pick).reshape(one).repeat(2, rotated);
            if (parts > rotated) {
                Shape rest = new Shape(1, length, parts - rotated, 1, headDim);
                c = c.concat(m.ones(rest), 2);
                s = s.concat(m.zeros(rest), 2);
            }
            return new NDArray[] {c, s};
        }

        /**
         * Rotates consecutive channel pairs: {@code x * cos + swapPairs(x) * sin}, which is {@code (a
         * cos - b sin, b cos + a sin)} for every pair {@code (a, b)}, bit for bit the reference's
         * pairwise formula. Differentiable (the in-place steps act on fresh intermediates only).
         *
         * @param x {@code [..., headDim]} with a layout the tables broadcast against:
         *     {@code [B, L, H, headDim]} with {@link #tables}, {@code [B, L, parts, H, headDim]} with
         *     {@link #stepTables}
         * @param tables {@code [cos, sin]}
         * @return the rotated projections, same shape, owned by {@code x}'s manager
         */
        static NDArray rotate(NDArray x, NDArray[] tables) {
            Shape shape = x.getShape();
            int last = shape.dimension() - 1;
            Shape pairs = shape.slice(0, last).add(shape.get(last) / 2, 2);
            NDArray swapped = x.reshape(pairs).flip(last + 1).reshape(shape).muli(tables[1]);
            return x.mul(tables[0]).addi(swapped);
        }
    }
}
