package dev.arpg.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code x @ w^T} for an {@code x} of a few rows, on the Java Vector API: each weight row is read
 * from memory once and multiplied with every row of {@code x} while it is in cache. A decoding step
 * multiplies a few to some tens of rows (images x 2 for guidance x tokens per step) by every weight
 * matrix, a shape for which libtorch's CPU GEMM runs at a fraction of the memory bandwidth; for 2 to
 * {@link #FEWER_ROWS_THAN} - 1 rows this product is up to twice as fast (docs/benchmarks.md).
 *
 * <p>The weights are read through a direct view of the tensor's memory, {@value #CHUNK_ROWS} rows at
 * a time copied into a small heap block (the Vector API reads heap arrays faster); the model is never
 * copied. Only {@code x} and the product cross between Java and the engine. The chunks of weight rows
 * are shared out as they are claimed, by the calling thread and a fixed pool of daemon threads (one
 * per further intra-op thread of the engine): a helper that wakes late (waking a thread costs ~0.1 ms
 * on a virtual machine) finds less left to do instead of making the caller wait for its share.
 * Every output is summed by the same kernel in the same order whichever thread computes it, so the
 * results do not depend on the threads; they equal {@code linear} up to float32 summation order.
 *
 * <p>Needs the incubating module {@code jdk.incubator.vector}: touch this class only when
 * {@link ArpgTransformer} has found the module in the boot layer.
 */
final class FewRowProduct {
    /** Rows of {@code x} multiplied together with three weight rows by the inner kernel. */
    private static final int ROW_BLOCK = 4;
    private static final VectorSpecies<Float> LANES = FloatVector.SPECIES_PREFERRED;
    /**
     * Rows from which libtorch's GEMM is as fast as this product (docs/benchmarks.md): with 8-lane
     * (AVX2) vectors from 12 rows; with 16-lane (AVX-512) vectors, which do twice the work per
     * instruction and which libtorch's MKL leaves unused on AMD CPUs, from 64 (timed inside decoding:
     * 10-20 % faster than the GEMM at 48 and 56 rows, about even with it at 80 and 96).
     */
    static final int FEWER_ROWS_THAN = LANES.length() >= 16 ? 64 : 12;
    /**
     * Weight rows copied and multiplied as one piece of work: a multiple of the kernel's three, whose
     * copy (96 KiB at 1024 inputs) stays in the core's L2 cache.
     */
    private static final int CHUNK_ROWS = 24;
    /** Each thread's buffer for copied weight rows (see {@link #copyBuffer}). */
    private static final ThreadLocal<float[]> COPY_BUFFERS = ThreadLocal.withInitial(() -> new float[0]);

    private final int threads;
    private final ExecutorService pool;

    /**
     * @param threads threads sharing each product (the caller's thread is one of them)
     */
    FewRowProduct(int threads) {
        this.threads = Math.max(1, threads);
        this.pool = this.threads == 1 ? null : Executors.newFixedThreadPool(this.threads - 1, task -> {
            Thread thread = new Thread(task, "arpg-few-row-product");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Multiplies.
     *
     * @param x float32 {@code [..., in]}
     * @param w float32 {@code [out, in]}, contiguous
     * @return float32 {@code [..., out]}, owned by {@code x}'s manager
     * @throws IllegalArgumentException if the types or shapes do not fit
     */
    NDArray multiply(NDArray x, NDArray w) {
        Shape xs = x.getShape();
        Shape ws = w.getShape();
        if (x.getDataType() != DataType.FLOAT32 || w.getDataType() != DataType.FLOAT32 || ws.dimension() != 2
                || xs.dimension() < 1 || xs.get(xs.dimension() - 1) != ws.get(1)) {
            throw new IllegalArgumentException("cannot multiply " + x.getDataType() + " " + xs + " by the transpose of "
                    + w.getDataType() + " " + ws);
        }
        int in = Math.toIntExact(ws.get(1));
        int out = Math.toIntExact(ws.get(0));
        int rows = Math.toIntExact(xs.size() / in);
        int paddedRows = (rows + ROW_BLOCK - 1) / ROW_BLOCK * ROW_BLOCK;
        float[] input = new float[paddedRows * in];
        x.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().get(input, 0, rows * in);
        FloatBuffer weights = w.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
        float[] product = new float[paddedRows * out];
        run(weights, input, paddedRows, in, out, product);
        return x.getManager().create(FloatBuffer.wrap(product, 0, rows * out),
                xs.slice(0, xs.dimension() - 1).add(out), DataType.FLOAT32);
    }

    private void run(FloatBuffer w, float[] x, int rows, int in, int out, float[] y) {
        Chunks chunks = new Chunks(w, x, rows, in, out, y);
        int helpers = Math.min(threads - 1, chunks.count - 1);
        for (int h = 0; h < helpers; h++) {
            pool.execute(chunks::work);
        }
        chunks.work();
        chunks.awaitAll();
    }

    /**
     * One product cut into chunks of {@link #CHUNK_ROWS} weight rows, which threads claim one at a
     * time until none is left.
     */
    private static final class Chunks {
        private final FloatBuffer w;
        private final float[] x;
        private final int rows;
        private final int in;
        private final int out;
        private final float[] y;
        private final int count;
        private final AtomicInteger claimed = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private volatile Throwable failure;

        Chunks(FloatBuffer w, float[] x, int rows, int in, int out, float[] y) {
            this.w = w;
            this.x = x;
            this.rows = rows;
            this.in = in;
            this.out = out;
            this.y = y;
            this.count = (out + CHUNK_ROWS - 1) / CHUNK_ROWS;
        }

        /** Claims and multiplies chunks until all are claimed. */
        void work() {
            float[] block = null;
            for (int c = claimed.getAndIncrement(); c < count; c = claimed.getAndIncrement()) {
                try {
                    if (block == null) {
                        block = copyBuffer(CHUNK_ROWS * in);
                    }
                    int from = c * CHUNK_ROWS;
                    multiplyChunk(w, x, rows, in, out, y, block, from, Math.min(out, from + CHUNK_ROWS));
                } catch (RuntimeException | Error e) {
                    failure = e;
                } finally {
                    finished.incrementAndGet();
                }
            }
        }

        /**
         * Waits for the chunks other threads still multiply (briefly: the caller gets here only once
         * every chunk is claimed).
         *
         * @throws IllegalStateException if a chunk failed
         */
        void awaitAll() {
            while (finished.get() < count) {
                Thread.onSpinWait();
            }
            if (failure != null) {
                throw new IllegalStateException("matrix product failed", failure);
            }
        }
    }

    /**
     * The calling thread's buffer for chunks of weight rows, kept between products (a fresh one per
     * product doubled the young collections of a decoding run) and grown to the largest chunk the
     * thread has copied: at most {@value #CHUNK_ROWS} rows of the widest weight matrix per thread.
     */
    private static float[] copyBuffer(int floats) {
        float[] buffer = COPY_BUFFERS.get();
        if (buffer.length < floats) {
            buffer = new float[floats];
            COPY_BUFFERS.set(buffer);
        }
        return buffer;
    }

    /**
     * Output columns {@code [from, to)} of every row of {@code y}. The weight rows are first copied
     * into {@code block} (one bulk copy from the engine's memory; the Vector API reads heap arrays
     * faster than direct buffers) and then multiplied, three at a time, with every row of {@code x}.
     */
    private static void multiplyChunk(FloatBuffer w, float[] x, int rows, int in, int out, float[] y, float[] block,
            int from, int to) {
        w.get(from * in, block, 0, (to - from) * in);
        int n = 0;
        for (; from + n + 3 <= to; n += 3) {
            for (int m = 0; m < rows; m += ROW_BLOCK) {
                threeByFour(block, n * in, x, m, in, out, y, from + n);
            }
        }
        for (; from + n < to; n++) {
            for (int m = 0; m < rows; m += ROW_BLOCK) {
                oneByFour(block, n * in, x, m, in, out, y, from + n);
            }
        }
    }

    /**
     * Weight rows {@code n..n+2} (in {@code w[wa, wa + 3 * in)}) times input rows {@code m..m+3}. Written
     * out by hand: twelve accumulators in locals are what C2 keeps in vector registers (an array of
     * them, or a loop over the rows, spills to memory).
     */
    private static void threeByFour(float[] w, int wa, float[] x, int m, int in, int out, float[] y, int n) {
        int x0 = m * in;
        int x1 = x0 + in;
        int x2 = x1 + in;
        int x3 = x2 + in;
        int wb = wa + in;
        int wc = wb + in;
        FloatVector a0 = FloatVector.zero(LANES);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector b2 = a0;
        FloatVector b3 = a0;
        FloatVector c0 = a0;
        FloatVector c1 = a0;
        FloatVector c2 = a0;
        FloatVector c3 = a0;
        int lanes = LANES.length();
        int k = 0;
        for (int end = LANES.loopBound(in); k < end; k += lanes) {
            FloatVector va = FloatVector.fromArray(LANES, w, wa + k);
            FloatVector vb = FloatVector.fromArray(LANES, w, wb + k);
            FloatVector vc = FloatVector.fromArray(LANES, w, wc + k);
            FloatVector q = FloatVector.fromArray(LANES, x, x0 + k);
            a0 = q.fma(va, a0);
            b0 = q.fma(vb, b0);
            c0 = q.fma(vc, c0);
            q = FloatVector.fromArray(LANES, x, x1 + k);
            a1 = q.fma(va, a1);
            b1 = q.fma(vb, b1);
            c1 = q.fma(vc, c1);
            q = FloatVector.fromArray(LANES, x, x2 + k);
            a2 = q.fma(va, a2);
            b2 = q.fma(vb, b2);
            c2 = q.fma(vc, c2);
            q = FloatVector.fromArray(LANES, x, x3 + k);
            a3 = q.fma(va, a3);
            b3 = q.fma(vb, b3);
            c3 = q.fma(vc, c3);
        }
        float[] sums = {
            a0.reduceLanes(VectorOperators.ADD), b0.reduceLanes(VectorOperators.ADD), c0.reduceLanes(VectorOperators.ADD),
            a1.reduceLanes(VectorOperators.ADD), b1.reduceLanes(VectorOperators.ADD), c1.reduceLanes(VectorOperators.ADD),
            a2.reduceLanes(VectorOperators.ADD), b2.reduceLanes(VectorOperators.ADD), c2.reduceLanes(VectorOperators.ADD),
            a3.reduceLanes(VectorOperators.ADD), b3.reduceLanes(VectorOperators.ADD), c3.reduceLanes(VectorOperators.ADD),
        };
        for (; k < in; k++) {
            for (int r = 0; r < ROW_BLOCK; r++) {
                float xk = x[x0 + r * in + k];
                sums[3 * r] += xk * w[wa + k];
                sums[3 * r + 1] += xk * w[wb + k];
                sums[3 * r + 2] += xk * w[wc + k];
            }
        }
        for (int r = 0; r < ROW_BLOCK; r++) {
            int o = (m + r) * out + n;
            y[o] = sums[3 * r];
            y[o + 1] = sums[3 * r + 1];
            y[o + 2] = sums[3 * r + 2];
        }
    }

    /** Weight row {@code n} (in {@code w[wa, wa + in)}) times input rows {@code m..m+3}. */
    private static void oneByFour(float[] w, int wa, float[] x, int m, int in, int out, float[] y, int n) {
        int x0 = m * in;
        for (int r = 0; r < ROW_BLOCK; r++) {
            int xr = x0 + r * in;
            FloatVector acc = FloatVector.zero(LANES);
            int k = 0;
            for (int end = LANES.loopBound(in); k < end; k += LANES.length()) {
                acc = FloatVector.fromArray(LANES, x, xr + k).fma(FloatVector.fromArray(LANES, w, wa + k), acc);
            }
            float sum = acc.reduceLanes(VectorOperators.ADD);
            for (; k < in; k++) {
                sum += x[xr + k] * w[wa + k];
            }
            y[(m + r) * out + n] = sum;
        }
    }
}
