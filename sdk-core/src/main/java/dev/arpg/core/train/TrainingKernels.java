package dev.arpg.core.train;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * The element-wise steps of the transformer's training pass ({@link TeacherForcingBackprop}) and
 * their derivatives, each one Java pass over memory where the engine runs several ops forwards and
 * autograd as many again backwards. Each works on rows copied into small scratch arrays and split
 * over {@value #CHUNKS} fixed chunks run on the common fork-join pool; sums across rows are added in
 * chunk order, so results do not depend on the thread count.
 *
 * <p>Buffers are float views of contiguous arrays in row-major order; outputs are written with
 * absolute puts and never alias inputs unless a method says so.
 */
final class TrainingKernels {
    /** Row chunks per kernel: fixed, so chunk-wise sums are deterministic. */
    static final int CHUNKS = 8;

    private TrainingKernels() {
    }

    /**
     * {@code e^x} in float precision for the softmaxes here ({@code x <= 0}; within about two float
     * ulps of {@code Math.exp} on {@code [-87, 88]}, 0 below, NaN for NaN): Cephes' {@code expf},
     * {@code 2^k * e^r} with {@code k} the nearest integer to {@code x / ln 2}, {@code r = x - k ln 2}
     * in two steps and {@code e^r} a degree-7 polynomial. Several times faster than {@code (float)
     * Math.exp(x)}, which goes through double precision.
     */
    static float exp(float x) {
        if (x < -87.3f) {
            return 0f;
        }
        float clamped = Math.min(x, 88.3f);
        int k = Math.round(clamped * 1.44269504f);
        float r = clamped - k * 0.693359375f - k * -2.12194440e-4f;
        float p = 1.9875691500e-4f;
        p = p * r + 1.3981999507e-3f;
        p = p * r + 8.3334519073e-3f;
        p = p * r + 4.1665795894e-2f;
        p = p * r + 1.6666665459e-1f;
        p = p * r + 5.0000001201e-1f;
        float er = p * (r * r) + r + 1f;
        return er * Float.intBitsToFloat((k + 127) << 23);
    }

    /** Work on rows {@code [from, to)}, chunk number {@code chunk}. */
    @FunctionalInterface
    private interface Chunk {
        void run(int from, int to, int chunk);
    }

    private static void forChunks(int rows, Chunk body) {
        int chunks = Math.max(1, Math.min(CHUNKS, rows));
        IntStream.range(0, chunks).parallel()
                .forEach(c -> body.run((int) ((long) rows * c / chunks), (int) ((long) rows * (c + 1) / chunks), c));
    }

    /**
     * The rotary tables of a sequence: for row {@code r} of the sequence, pair {@code j} of every
     * head turns by the angle whose cosine and sine are {@code cos/sin[tableRows[r] * pairs + j]}.
     *
     * @param cos cosines {@code [tableRows, pairs]}
     * @param sin sines {@code [tableRows, pairs]}
     * @param pairs channel pairs per head
     * @param tableRows per sequence row, its table row
     */
    record Rotation(float[] cos, float[] sin, int pairs, int[] tableRows) {
        /** Rotates one head's channels by {@code sign} times the row's angles (-1 undoes it). */
        void apply(float[] in, int inOffset, float[] out, int outOffset, int row, float sign) {
            int t = tableRows[row] * pairs;
            for (int j = 0; j < pairs; j++) {
                float a = in[inOffset + 2 * j];
                float b = in[inOffset + 2 * j + 1];
                float c = cos[t + j];
                float s = sign * sin[t + j];
                out[outOffset + 2 * j] = a * c - b * s;
                out[outOffset + 2 * j + 1] = b * c + a * s;
            }
        }
    }

    /** {@code sum(a[i] * b[i])} over {@code n} values, in four interleaved partial sums. */
    private static float dot(float[] a, float[] b, int n) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < n; i++) {
            s0 += a[i] * b[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * RMSNorm: {@code y = x / sqrt(mean(x^2) + eps) * w} per row.
     *
     * @param x {@code [rows, dim]}
     * @param w the norm's weight {@code [dim]}
     * @param eps added to the mean square
     * @param y output {@code [rows, dim]}
     * @param rstd output: per row {@code 1 / sqrt(mean(x^2) + eps)}
     */
    static void rmsNorm(FloatBuffer x, float[] w, double eps, FloatBuffer y, float[] rstd) {
        int dim = w.length;
        forChunks(rstd.length, (from, to, c) -> {
            float[] row = new float[dim];
            for (int r = from; r < to; r++) {
                x.get(r * dim, row, 0, dim);
                float squares = dot(row, row, dim);
                float s = (float) (1.0 / Math.sqrt(squares / dim + eps));
                rstd[r] = s;
                for (int i = 0; i < dim; i++) {
                    row[i] = row[i] * s * w[i];
                }
                y.put(r * dim, row, 0, dim);
            }
        });
    }

    /**
     * The derivative of {@link #rmsNorm}: adds {@code dL/dx} to {@code dx} and, when {@code dw} is
     * given, {@code dL/dw} to {@code dw}.
     *
     * @param dy {@code dL/dy} {@code [rows, dim]}
     * @param x the norm's input
     * @param w the norm's weight
     * @param rstd the forward's per-row factors
     * @param dx accumulated in place {@code [rows, dim]}
     * @param dw accumulated in place {@code [dim]}, or {@code null}
     */
    static void rmsNormBackward(FloatBuffer dy, FloatBuffer x, float[] w, float[] rstd, FloatBuffer dx, float[] dw) {
        int dim = w.length;
        float[][] partial = new float[CHUNKS][];
        forChunks(rstd.length, (from, to, c) -> {
            float[] g = new float[dim];
            float[] xr = new float[dim];
            float[] out = new float[dim];
            float[] dwc = dw == null ? null : new float[dim];
            for (int r = from; r < to; r++) {
                dy.get(r * dim, g, 0, dim);
                x.get(r * dim, xr, 0, dim);
                dx.get(r * dim, out, 0, dim);
                float s = rstd[r];
                if (dwc != null) {
                    for (int i = 0; i < dim; i++) {
                        dwc[i] += g[i] * xr[i] * s;
                    }
                }
                for (int i = 0; i < dim; i++) {
                    g[i] *= w[i];
                }
                float k = s * s * s * dot(g, xr, dim) / dim;
                for (int i = 0; i < dim; i++) {
                    out[i] += s * g[i] - xr[i] * k;
                }
                dx.put(r * dim, out, 0, dim);
            }
            partial[c] = dwc;
        });
        if (dw != null) {
            for (float[] p : partial) {
                if (p != null) {
                    for (int i = 0; i < dim; i++) {
                        dw[i] += p[i];
                    }
                }
            }
        }
    }

    /**
     * Columns {@code [offset, offset + heads * headDim)} of every row to heads first {@code [batch,
     * heads, length, headDim]}, rotating every head when {@code rotation} is given.
     *
     * @param src rows of the sequence, {@code stride} floats each
     * @param stride floats per row of {@code src}
     * @param offset first column taken
     * @param dst heads-first output
     * @param rows {@code batch * length}
     * @param length rows per sample
     * @param heads heads per row
     * @param headDim channels per head
     * @param rotation the sequence's rotary tables, or {@code null}
     */
    static void toHeads(FloatBuffer src, int stride, int offset, FloatBuffer dst, int rows, int length, int heads,
            int headDim, Rotation rotation) {
        int dim = heads * headDim;
        forChunks(rows, (from, to, c) -> {
            float[] row = new float[dim];
            float[] head = new float[headDim];
            for (int r = from; r < to; r++) {
                src.get(r * stride + offset, row, 0, dim);
                int b = r / length;
                int n = r % length;
                for (int h = 0; h < heads; h++) {
                    int at = ((b * heads + h) * length + n) * headDim;
                    if (rotation == null) {
                        dst.put(at, row, h * headDim, headDim);
                    } else {
                        rotation.apply(row, h * headDim, head, 0, r, 1f);
                        dst.put(at, head, 0, headDim);
                    }
                }
            }
        });
    }

    /**
     * The inverse of {@link #toHeads}, which is also its derivative: heads first into columns
     * {@code [offset, offset + heads * headDim)} of rows of {@code stride} floats, rotating every head
     * back when {@code rotation} is given. The other columns of {@code dst} are left as they are.
     */
    static void fromHeads(FloatBuffer src, FloatBuffer dst, int stride, int offset, int rows, int length, int heads,
            int headDim, Rotation rotation) {
        int dim = heads * headDim;
        forChunks(rows, (from, to, c) -> {
            float[] row = new float[dim];
            float[] head = new float[headDim];
            for (int r = from; r < to; r++) {
                int b = r / length;
                int n = r % length;
                for (int h = 0; h < heads; h++) {
                    int at = ((b * heads + h) * length + n) * headDim;
                    if (rotation == null) {
                        src.get(at, row, h * headDim, headDim);
                    } else {
                        src.get(at, head, 0, headDim);
                        rotation.apply(head, 0, row, h * headDim, r, -1f);
                    }
                }
                dst.put(r * stride + offset, row, 0, dim);
            }
        });
    }

    /**
     * Causal softmax of attention scores: row {@code i} of each group sees keys {@code 0..i}
     * (top-left aligned) after scaling; the others get probability 0.
     *
     * @param scores {@code [groups, queries, keys]}
     * @param probs output, same shape
     * @param rows {@code groups * queries}
     * @param queries rows per group
     * @param keys keys per row
     * @param scale multiplies the scores first
     */
    static void causalSoftmax(FloatBuffer scores, FloatBuffer probs, int rows, int queries, int keys, float scale) {
        forChunks(rows, (from, to, c) -> {
            float[] row = new float[keys];
            for (int r = from; r < to; r++) {
                scores.get(r * keys, row, 0, keys);
                int visible = Math.min(r % queries + 1, keys);
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < visible; j++) {
                    row[j] *= scale;
                    max = Math.max(max, row[j]);
                }
                float sum = 0;
                for (int j = 0; j < visible; j++) {
                    row[j] = exp(row[j] - max);
                    sum += row[j];
                }
                float inverse = 1f / sum;
                for (int j = 0; j < visible; j++) {
                    row[j] *= inverse;
                }
                for (int j = visible; j < keys; j++) {
                    row[j] = 0f;
                }
                probs.put(r * keys, row, 0, keys);
            }
        });
    }

    /**
     * The derivative of {@link #causalSoftmax} with respect to the unscaled scores:
     * {@code dS = scale * P * (dP - sum(P * dP))} per row (zero where the mask hid a key).
     */
    static void causalSoftmaxBackward(FloatBuffer dProbs, FloatBuffer probs, FloatBuffer dScores, int rows, int keys,
            float scale) {
        forChunks(rows, (from, to, c) -> {
            float[] d = new float[keys];
            float[] p = new float[keys];
            for (int r = from; r < to; r++) {
                dProbs.get(r * keys, d, 0, keys);
                probs.get(r * keys, p, 0, keys);
                float dot = dot(p, d, keys);
                for (int j = 0; j < keys; j++) {
                    d[j] = scale * p[j] * (d[j] - dot);
                }
                dScores.put(r * keys, d, 0, keys);
            }
        });
    }

    /**
     * SwiGLU's gating: {@code out = gate * sigmoid(gate) * up} per row, from both projections
     * side by side.
     *
     * @param gateUp {@code [rows, 2 * hidden]}: the gate's columns, then the up projection's
     * @param sigmoid {@code sigmoid(gate)} {@code [rows, hidden]}
     * @param out output {@code [rows, hidden]}
     * @param hidden columns of each half
     */
    static void swiglu(FloatBuffer gateUp, FloatBuffer sigmoid, FloatBuffer out, int rows, int hidden) {
        forChunks(rows, (from, to, c) -> {
            float[] g = new float[hidden];
            float[] u = new float[hidden];
            float[] s = new float[hidden];
            for (int r = from; r < to; r++) {
                gateUp.get(r * 2 * hidden, g, 0, hidden);
                gateUp.get(r * 2 * hidden + hidden, u, 0, hidden);
                sigmoid.get(r * hidden, s, 0, hidden);
                for (int i = 0; i < hidden; i++) {
                    s[i] = g[i] * s[i] * u[i];
                }
                out.put(r * hidden, s, 0, hidden);
            }
        });
    }

    /**
     * The derivative of {@link #swiglu}: {@code dGate = dOut * up * s * (1 + gate * (1 - s))} and
     * {@code dUp = dOut * gate * s} with {@code s = sigmoid(gate)}, side by side like the input.
     *
     * @param dOut {@code [rows, hidden]}
     * @param gateUp the forward's input {@code [rows, 2 * hidden]}
     * @param sigmoid the forward's {@code sigmoid(gate)}
     * @param dGateUp output {@code [rows, 2 * hidden]}
     */
    static void swigluBackward(FloatBuffer dOut, FloatBuffer gateUp, FloatBuffer sigmoid, FloatBuffer dGateUp,
            int rows, int hidden) {
        forChunks(rows, (from, to, c) -> {
            float[] g = new float[hidden];
            float[] u = new float[hidden];
            float[] s = new float[hidden];
            float[] d = new float[hidden];
            float[] dg = new float[hidden];
            float[] du = new float[hidden];
            for (int r = from; r < to; r++) {
                gateUp.get(r * 2 * hidden, g, 0, hidden);
                gateUp.get(r * 2 * hidden + hidden, u, 0, hidden);
                sigmoid.get(r * hidden, s, 0, hidden);
                dOut.get(r * hidden, d, 0, hidden);
                for (int i = 0; i < hidden; i++) {
                    dg[i] = d[i] * u[i] * s[i] * (1f + g[i] * (1f - s[i]));
                    du[i] = d[i] * g[i] * s[i];
                }
                dGateUp.put(r * 2 * hidden, dg, 0, hidden);
                dGateUp.put(r * 2 * hidden + hidden, du, 0, hidden);
            }
        });
    }

    /**
     * Cross-entropy of every row's logits against its target, with its derivative.
     *
     * @param logits {@code [rows, vocab]}
     * @param targets per row, the target class
     * @param dLogits output: {@code gradScale * (softmax(logits) - onehot(target))}
     * @param vocab classes
     * @param gradScale the derivative's factor (1 / rows for a mean)
     * @return the sum over rows of {@code -log softmax(logits)[target]}
     */
    static double crossEntropy(FloatBuffer logits, int[] targets, FloatBuffer dLogits, int vocab, float gradScale) {
        double[] partial = new double[CHUNKS];
        forChunks(targets.length, (from, to, c) -> {
            float[] row = new float[vocab];
            double sum = 0;
            for (int r = from; r < to; r++) {
                logits.get(r * vocab, row, 0, vocab);
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < vocab; j++) {
                    max = Math.max(max, row[j]);
                }
                float target = row[targets[r]];
                float total = 0;
                for (int j = 0; j < vocab; j++) {
                    row[j] = exp(row[j] - max);
                    total += row[j];
                }
                sum += max + Math.log(total) - target;
                float factor = gradScale / total;
                for (int j = 0; j < vocab; j++) {
                    row[j] *= factor;
                }
                row[targets[r]] -= gradScale;
                dLogits.put(r * vocab, row, 0, vocab);
            }
            partial[c] = sum;
        });
        double loss = 0;
        for (double p : partial) {
            loss += p;
        }
        return loss;
    }

    /**
     * Adds row {@code r} of {@code dRows} to row {@code ids[r]} of {@code table}: the derivative of
     * an embedding lookup. Sequential, since rows may share an id.
     *
     * @param dRows {@code [rows, dim]}
     * @param ids per row, the table row it was looked up from
     * @param table accumulated in place {@code [tableRows, dim]}
     * @param dim columns
     */
    static void scatterAddRows(FloatBuffer dRows, int[] ids, FloatBuffer table, int dim) {
        float[] d = new float[dim];
        float[] t = new float[dim];
        for (int r = 0; r < ids.length; r++) {
            int at = ids[r] * dim;
            dRows.get(r * dim, d, 0, dim);
            table.get(at, t, 0, dim);
            for (int i = 0; i < dim; i++) {
                t[i] += d[i];
            }
            table.put(at, t, 0, dim);
        }
    }
}
