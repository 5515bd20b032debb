import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Standalone speed of three forms of {@code x @ w^T} for 32 rows of x and 64 MB of weights streamed
 * from a direct buffer, on one thread (docs/benchmarks.md, session 14):
 * <ul>
 *   <li>dot: FewRowProduct's form, 3 weight rows x 4 input rows of dot products, lanes summed at the end;
 *   <li>outer, sliced: x packed into a 32-row panel with the input axis outermost, every weight
 *       broadcast against the panel (16 accumulators, no lane sums), weight rows copied into blocks
 *       of SLICE inputs so that rows lie a constant apart;
 *   <li>outer, strided: the same kernel reading rows a variable stride apart (the input width).
 * </ul>
 * The dot kernel is a copy of FewRowProduct's (a single-file program cannot use the project's
 * classes); the two outer kernels are the same code on purpose, with one signature, differing only in
 * whether the row stride and the loop count are constants.
 * Run: java --add-modules jdk.incubator.vector -XX:-TieredCompilation -XX:MaxDirectMemorySize=1g
 * docs/machine-probes/OuterProductProbe.java
 */
public class OuterProductProbe {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    static final int SLICE = 256;
    static final int ROWS = 32;
    static final int IN = 1024;
    static final int OUT = 16368;
    static final int CHUNK = 48;

    public static void main(String[] args) {
        FloatBuffer w = ByteBuffer.allocateDirect(OUT * IN * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < OUT * IN; i++) {
            w.put(i, random.nextFloat() - 0.5f);
        }
        float[] x = new float[ROWS * IN];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat() - 0.5f;
        }
        float[] panel = new float[IN * ROWS];
        for (int k = 0; k < IN; k++) {
            for (int m = 0; m < ROWS; m++) {
                panel[k * ROWS + m] = x[m * IN + k];
            }
        }
        float[] reference = new float[ROWS * OUT];
        dot(w, x, reference);
        String[] names = {"dot", "outer, sliced", "outer, strided"};
        for (int round = 0; round < 3; round++) {
            for (int form = 0; form < 3; form++) {
                float[] y = new float[ROWS * OUT];
                double best = Double.MAX_VALUE;
                for (int repeat = 0; repeat < 20; repeat++) {
                    long start = System.nanoTime();
                    if (form == 0) {
                        dot(w, x, y);
                    } else {
                        outer(w, panel, y, form == 1);
                    }
                    best = Math.min(best, (System.nanoTime() - start) / 1e6);
                }
                double error = 0;
                for (int i = 0; i < y.length; i++) {
                    error = Math.max(error, Math.abs(y[i] - reference[i]));
                }
                System.out.printf("%-15s %6.2f ms  %6.1f GFLOP/s  (max difference to dot %.1e)%n", names[form], best,
                        2.0 * ROWS * OUT * IN / best / 1e6, error);
            }
        }
    }

    static void dot(FloatBuffer w, float[] x, float[] y) {
        float[] block = new float[CHUNK * IN];
        for (int from = 0; from < OUT; from += CHUNK) {
            w.get(from * IN, block, 0, CHUNK * IN);
            for (int n = 0; n < CHUNK; n += 3) {
                for (int m = 0; m < ROWS; m += 4) {
                    threeByFour(block, n * IN, x, m, y, from + n);
                }
            }
        }
    }

    static void outer(FloatBuffer w, float[] panel, float[] y, boolean sliced) {
        int slices = IN / SLICE;
        float[] block = new float[CHUNK * IN];
        float[] product = new float[CHUNK * ROWS];
        for (int from = 0; from < OUT; from += CHUNK) {
            if (sliced) {
                for (int r = 0; r < CHUNK; r++) {
                    for (int s = 0; s < slices; s++) {
                        w.get((from + r) * IN + s * SLICE, block, (s * CHUNK + r) * SLICE, SLICE);
                    }
                }
            } else {
                w.get(from * IN, block, 0, CHUNK * IN);
            }
            for (int n = 0; n < CHUNK; n += 8) {
                if (sliced) {
                    for (int s = 0; s < slices; s++) {
                        outerSliced(panel, s * SLICE * ROWS, block, (s * CHUNK + n) * SLICE, 0, 0, product, n * ROWS, ROWS,
                                s == 0);
                    }
                } else {
                    outerStrided(panel, 0, block, n * IN, IN, IN, product, n * ROWS, ROWS, true);
                }
            }
            for (int n = 0; n < CHUNK; n++) {
                for (int m = 0; m < ROWS; m++) {
                    y[m * OUT + from + n] = product[n * ROWS + m];
                }
            }
        }
    }

    /** Eight weight rows SLICE apart (a constant) times a 32-row panel, over one slice of SLICE inputs. */
    static void outerSliced(float[] x, int xo, float[] w, int wo, int stride, int count, float[] y, int yo, int ys, boolean first) {
        FloatVector a0a, a0b, a1a, a1b, a2a, a2b, a3a, a3b, a4a, a4b, a5a, a5b, a6a, a6b, a7a, a7b;
        if (first) {
            FloatVector zero = FloatVector.zero(S);
            a0a = zero; a0b = zero; a1a = zero; a1b = zero; a2a = zero; a2b = zero; a3a = zero; a3b = zero; a4a = zero; a4b = zero; a5a = zero; a5b = zero; a6a = zero; a6b = zero; a7a = zero; a7b = zero;
        } else {
            a0a = FloatVector.fromArray(S, y, yo + 0 * ys + 0); a0b = FloatVector.fromArray(S, y, yo + 0 * ys + 16);
            a1a = FloatVector.fromArray(S, y, yo + 1 * ys + 0); a1b = FloatVector.fromArray(S, y, yo + 1 * ys + 16);
            a2a = FloatVector.fromArray(S, y, yo + 2 * ys + 0); a2b = FloatVector.fromArray(S, y, yo + 2 * ys + 16);
            a3a = FloatVector.fromArray(S, y, yo + 3 * ys + 0); a3b = FloatVector.fromArray(S, y, yo + 3 * ys + 16);
            a4a = FloatVector.fromArray(S, y, yo + 4 * ys + 0); a4b = FloatVector.fromArray(S, y, yo + 4 * ys + 16);
            a5a = FloatVector.fromArray(S, y, yo + 5 * ys + 0); a5b = FloatVector.fromArray(S, y, yo + 5 * ys + 16);
            a6a = FloatVector.fromArray(S, y, yo + 6 * ys + 0); a6b = FloatVector.fromArray(S, y, yo + 6 * ys + 16);
            a7a = FloatVector.fromArray(S, y, yo + 7 * ys + 0); a7b = FloatVector.fromArray(S, y, yo + 7 * ys + 16);
        }
        for (int k = 0; k < SLICE; k++) {
            FloatVector p = FloatVector.fromArray(S, x, xo + k * 32);
            FloatVector q = FloatVector.fromArray(S, x, xo + k * 32 + 16);
            FloatVector b;
            b = FloatVector.broadcast(S, w[wo + 0 * SLICE + k]); a0a = p.fma(b, a0a); a0b = q.fma(b, a0b);
            b = FloatVector.broadcast(S, w[wo + 1 * SLICE + k]); a1a = p.fma(b, a1a); a1b = q.fma(b, a1b);
            b = FloatVector.broadcast(S, w[wo + 2 * SLICE + k]); a2a = p.fma(b, a2a); a2b = q.fma(b, a2b);
            b = FloatVector.broadcast(S, w[wo + 3 * SLICE + k]); a3a = p.fma(b, a3a); a3b = q.fma(b, a3b);
            b = FloatVector.broadcast(S, w[wo + 4 * SLICE + k]); a4a = p.fma(b, a4a); a4b = q.fma(b, a4b);
            b = FloatVector.broadcast(S, w[wo + 5 * SLICE + k]); a5a = p.fma(b, a5a); a5b = q.fma(b, a5b);
            b = FloatVector.broadcast(S, w[wo + 6 * SLICE + k]); a6a = p.fma(b, a6a); a6b = q.fma(b, a6b);
            b = FloatVector.broadcast(S, w[wo + 7 * SLICE + k]); a7a = p.fma(b, a7a); a7b = q.fma(b, a7b);
        }
        a0a.intoArray(y, yo + 0 * ys + 0); a0b.intoArray(y, yo + 0 * ys + 16);
        a1a.intoArray(y, yo + 1 * ys + 0); a1b.intoArray(y, yo + 1 * ys + 16);
        a2a.intoArray(y, yo + 2 * ys + 0); a2b.intoArray(y, yo + 2 * ys + 16);
        a3a.intoArray(y, yo + 3 * ys + 0); a3b.intoArray(y, yo + 3 * ys + 16);
        a4a.intoArray(y, yo + 4 * ys + 0); a4b.intoArray(y, yo + 4 * ys + 16);
        a5a.intoArray(y, yo + 5 * ys + 0); a5b.intoArray(y, yo + 5 * ys + 16);
        a6a.intoArray(y, yo + 6 * ys + 0); a6b.intoArray(y, yo + 6 * ys + 16);
        a7a.intoArray(y, yo + 7 * ys + 0); a7b.intoArray(y, yo + 7 * ys + 16);
    }

    /** The same with the row stride and loop count as variables: C2 spills an accumulator in the loop. */
    static void outerStrided(float[] x, int xo, float[] w, int wo, int stride, int count, float[] y, int yo, int ys, boolean first) {
        FloatVector a0a, a0b, a1a, a1b, a2a, a2b, a3a, a3b, a4a, a4b, a5a, a5b, a6a, a6b, a7a, a7b;
        if (first) {
            FloatVector zero = FloatVector.zero(S);
            a0a = zero; a0b = zero; a1a = zero; a1b = zero; a2a = zero; a2b = zero; a3a = zero; a3b = zero; a4a = zero; a4b = zero; a5a = zero; a5b = zero; a6a = zero; a6b = zero; a7a = zero; a7b = zero;
        } else {
            a0a = FloatVector.fromArray(S, y, yo + 0 * ys + 0); a0b = FloatVector.fromArray(S, y, yo + 0 * ys + 16);
            a1a = FloatVector.fromArray(S, y, yo + 1 * ys + 0); a1b = FloatVector.fromArray(S, y, yo + 1 * ys + 16);
            a2a = FloatVector.fromArray(S, y, yo + 2 * ys + 0); a2b = FloatVector.fromArray(S, y, yo + 2 * ys + 16);
            a3a = FloatVector.fromArray(S, y, yo + 3 * ys + 0); a3b = FloatVector.fromArray(S, y, yo + 3 * ys + 16);
            a4a = FloatVector.fromArray(S, y, yo + 4 * ys + 0); a4b = FloatVector.fromArray(S, y, yo + 4 * ys + 16);
            a5a = FloatVector.fromArray(S, y, yo + 5 * ys + 0); a5b = FloatVector.fromArray(S, y, yo + 5 * ys + 16);
            a6a = FloatVector.fromArray(S, y, yo + 6 * ys + 0); a6b = FloatVector.fromArray(S, y, yo + 6 * ys + 16);
            a7a = FloatVector.fromArray(S, y, yo + 7 * ys + 0); a7b = FloatVector.fromArray(S, y, yo + 7 * ys + 16);
        }
        for (int k = 0; k < count; k++) {
            FloatVector p = FloatVector.fromArray(S, x, xo + k * 32);
            FloatVector q = FloatVector.fromArray(S, x, xo + k * 32 + 16);
            FloatVector b;
            b = FloatVector.broadcast(S, w[wo + 0 * stride + k]); a0a = p.fma(b, a0a); a0b = q.fma(b, a0b);
            b = FloatVector.broadcast(S, w[wo + 1 * stride + k]); a1a = p.fma(b, a1a); a1b = q.fma(b, a1b);
            b = FloatVector.broadcast(S, w[wo + 2 * stride + k]); a2a = p.fma(b, a2a); a2b = q.fma(b, a2b);
            b = FloatVector.broadcast(S, w[wo + 3 * stride + k]); a3a = p.fma(b, a3a); a3b = q.fma(b, a3b);
            b = FloatVector.broadcast(S, w[wo + 4 * stride + k]); a4a = p.fma(b, a4a); a4b = q.fma(b, a4b);
            b = FloatVector.broadcast(S, w[wo + 5 * stride + k]); a5a = p.fma(b, a5a); a5b = q.fma(b, a5b);
            b = FloatVector.broadcast(S, w[wo + 6 * stride + k]); a6a = p.fma(b, a6a); a6b = q.fma(b, a6b);
            b = FloatVector.broadcast(S, w[wo + 7 * stride + k]); a7a = p.fma(b, a7a); a7b = q.fma(b, a7b);
        }
        a0a.intoArray(y, yo + 0 * ys + 0); a0b.intoArray(y, yo + 0 * ys + 16);
        a1a.intoArray(y, yo + 1 * ys + 0); a1b.intoArray(y, yo + 1 * ys + 16);
        a2a.intoArray(y, yo + 2 * ys + 0); a2b.intoArray(y, yo + 2 * ys + 16);
        a3a.intoArray(y, yo + 3 * ys + 0); a3b.intoArray(y, yo + 3 * ys + 16);
        a4a.intoArray(y, yo + 4 * ys + 0); a4b.intoArray(y, yo + 4 * ys + 16);
        a5a.intoArray(y, yo + 5 * ys + 0); a5b.intoArray(y, yo + 5 * ys + 16);
        a6a.intoArray(y, yo + 6 * ys + 0); a6b.intoArray(y, yo + 6 * ys + 16);
        a7a.intoArray(y, yo + 7 * ys + 0); a7b.intoArray(y, yo + 7 * ys + 16);
    }

    private static void threeByFour(float[] w, int wa, float[] x, int m, float[] y, int n) {
        int x0 = m * IN;
        int x1 = x0 + IN;
        int x2 = x1 + IN;
        int x3 = x2 + IN;
        int wb = wa + IN;
        int wc = wb + IN;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0;
        for (int k = 0; k < IN; k += 16) {
            FloatVector va = FloatVector.fromArray(S, w, wa + k);
            FloatVector vb = FloatVector.fromArray(S, w, wb + k);
            FloatVector vc = FloatVector.fromArray(S, w, wc + k);
            FloatVector q = FloatVector.fromArray(S, x, x0 + k);
            a0 = q.fma(va, a0); b0 = q.fma(vb, b0); c0 = q.fma(vc, c0);
            q = FloatVector.fromArray(S, x, x1 + k);
            a1 = q.fma(va, a1); b1 = q.fma(vb, b1); c1 = q.fma(vc, c1);
            q = FloatVector.fromArray(S, x, x2 + k);
            a2 = q.fma(va, a2); b2 = q.fma(vb, b2); c2 = q.fma(vc, c2);
            q = FloatVector.fromArray(S, x, x3 + k);
            a3 = q.fma(va, a3); b3 = q.fma(vb, b3); c3 = q.fma(vc, c3);
        }
        float[] sums = {
            a0.reduceLanes(VectorOperators.ADD), b0.reduceLanes(VectorOperators.ADD), c0.reduceLanes(VectorOperators.ADD),
            a1.reduceLanes(VectorOperators.ADD), b1.reduceLanes(VectorOperators.ADD), c1.reduceLanes(VectorOperators.ADD),
            a2.reduceLanes(VectorOperators.ADD), b2.reduceLanes(VectorOperators.ADD), c2.reduceLanes(VectorOperators.ADD),
            a3.reduceLanes(VectorOperators.ADD), b3.reduceLanes(VectorOperators.ADD), c3.reduceLanes(VectorOperators.ADD),
        };
        for (int r = 0; r < 4; r++) {
            int o = (m + r) * OUT + n;
            y[o] = sums[3 * r];
            y[o + 1] = sums[3 * r + 1];
            y[o + 2] = sums[3 * r + 2];
        }
    }
}
