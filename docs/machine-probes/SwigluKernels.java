import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import dev.arpg.core.engine.Engines;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SwiGLU in the training step, two ways, in one JVM (docs/benchmarks.md, session 21): the engine's
 * sigmoid kept for the backward (the SDK's TrainingKernels) against the sigmoid computed in the Java
 * pass on Java Vector API vectors, forward and backward (measured in session 21, not kept). Each timed call follows the product that precedes it in
 * the step (so libtorch's OpenMP thread is spinning, as in training), at issue 8's training config
 * (2048 rows, hidden 768). Prints ms per call, the two forms alternating block by block.
 *
 * MALLOC_ARENA_MAX=1 java --add-modules jdk.incubator.vector,jdk.incubator.foreign
 *   --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmn8m -XX:MaxDirectMemorySize=64g
 *   -cp samples/target/arpg.jar docs/machine-probes/SwigluKernels.java 12 20
 *
 * Arguments: blocks per form, calls per block.
 */
public class SwigluKernels {
    private static final VectorSpecies<Float> LANES = FloatVector.SPECIES_PREFERRED;
    private static final float ROUNDING = 12582912f;
    private static final int ROWS = 2048;
    private static final int DIM = 256;
    private static final int HIDDEN = 768;

    public static void main(String[] args) {
        int blocks = Integer.parseInt(args[0]);
        int calls = Integer.parseInt(args[1]);
        try (NDManager m = Engines.newRootManager()) {
            NDArray h = m.randomNormal(new Shape(ROWS, DIM));
            NDArray w13 = m.randomNormal(new Shape(2 * HIDDEN, DIM)).muli(0.06);
            NDArray w2 = m.randomNormal(new Shape(DIM, HIDDEN)).muli(0.04);
            NDArray dOut = m.randomNormal(new Shape(ROWS, DIM)).muli(0.01);
            double[][] ms = new double[4][blocks];
            for (int b = -2; b < blocks; b++) {
                for (int form = 0; form < 2; form++) {
                    double forward = 0;
                    double backward = 0;
                    for (int i = 0; i < calls; i++) {
                        try (NDManager step = m.newSubManager()) {
                            NDArray gateUp = Linear.linear(h, w13).singletonOrThrow();
                            gateUp.attach(step);
                            long t0 = System.nanoTime();
                            NDArray gated = step.create(new Shape(ROWS, HIDDEN), DataType.FLOAT32);
                            NDArray sigmoid = null;
                            if (form == 0) {
                                sigmoid = Activation.sigmoid(gateUp.get(new NDIndex(":, :{}", HIDDEN)));
                                swigluEngineSigmoid(read(gateUp), read(sigmoid), write(gated), ROWS, HIDDEN);
                            } else {
                                swiglu(read(gateUp), write(gated), ROWS, HIDDEN);
                            }
                            long t1 = System.nanoTime();
                            NDArray dGated = dOut.matMul(w2);
                            dGated.attach(step);
                            long t2 = System.nanoTime();
                            NDArray dGateUp = step.create(new Shape(ROWS, 2 * HIDDEN), DataType.FLOAT32);
                            if (form == 0) {
                                swigluBackwardEngineSigmoid(read(dGated), read(gateUp), read(sigmoid), write(dGateUp),
                                        ROWS, HIDDEN);
                            } else {
                                swigluBackward(read(dGated), read(gateUp), write(dGateUp), ROWS, HIDDEN);
                            }
                            long t3 = System.nanoTime();
                            forward += (t1 - t0) / 1e6;
                            backward += (t3 - t2) / 1e6;
                        }
                    }
                    if (b >= 0) {
                        ms[2 * form][b] = forward / calls;
                        ms[2 * form + 1][b] = backward / calls;
                    }
                }
            }
            String[] names = {"engine sigmoid, forward", "engine sigmoid, backward", "Java sigmoid, forward",
                "Java sigmoid, backward"};
            for (int i = 0; i < 4; i++) {
                double[] sorted = ms[i].clone();
                Arrays.sort(sorted);
                System.out.printf("%-26s median %.3f ms, blocks %s%n", names[i], sorted[blocks / 2],
                        Arrays.toString(Arrays.stream(ms[i]).map(x -> Math.round(x * 1000) / 1000.0).toArray()));
            }
        }
    }

    private static FloatBuffer read(NDArray x) {
        return x.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static FloatBuffer write(NDArray x) {
        return read(x);
    }

    private interface Chunk {
        void run(int from, int to);
    }

    private static void forChunks(int rows, Chunk body) {
        int chunks = 8;
        IntStream.range(0, chunks).parallel().forEach(c -> body.run(rows * c / chunks, rows * (c + 1) / chunks));
    }

    // The SDK's kernels (the sigmoid from the engine): TrainingKernels' own, package-private, so
    // reached by reflection.

    private static final MethodHandle SWIGLU = kernel("swiglu", FloatBuffer.class, FloatBuffer.class,
            FloatBuffer.class, int.class, int.class);
    private static final MethodHandle SWIGLU_BACKWARD = kernel("swigluBackward", FloatBuffer.class,
            FloatBuffer.class, FloatBuffer.class, FloatBuffer.class, int.class, int.class);

    private static MethodHandle kernel(String name, Class<?>... parameters) {
        try {
            Method method = Class.forName("dev.arpg.core.train.TrainingKernels").getDeclaredMethod(name, parameters);
            method.setAccessible(true);
            return MethodHandles.lookup().unreflect(method);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("TrainingKernels." + name + " not found", e);
        }
    }

    static void swigluEngineSigmoid(FloatBuffer gateUp, FloatBuffer sigmoid, FloatBuffer out, int rows, int hidden) {
        try {
            SWIGLU.invokeExact(gateUp, sigmoid, out, rows, hidden);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    static void swigluBackwardEngineSigmoid(FloatBuffer dOut, FloatBuffer gateUp, FloatBuffer sigmoid,
            FloatBuffer dGateUp, int rows, int hidden) {
        try {
            SWIGLU_BACKWARD.invokeExact(dOut, gateUp, sigmoid, dGateUp, rows, hidden);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    // Measured in session 21 and not kept (docs/benchmarks.md): the sigmoid in the Java pass, on
    // vectors, chunked over the common pool as TrainingKernels does.

    static FloatVector exp(FloatVector x) {
        FloatVector clamped = x.min(88.3f).max(-87.4f);
        FloatVector shifted = clamped.mul(1.44269504f).add(ROUNDING);
        FloatVector k = shifted.sub(ROUNDING);
        FloatVector r = clamped.sub(k.mul(0.693359375f)).sub(k.mul(-2.12194440e-4f));
        FloatVector p = FloatVector.broadcast(LANES, 1.9875691500e-4f);
        p = p.fma(r, FloatVector.broadcast(LANES, 1.3981999507e-3f));
        p = p.fma(r, FloatVector.broadcast(LANES, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(LANES, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(LANES, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(LANES, 5.0000001201e-1f));
        FloatVector er = p.fma(r.mul(r), r).add(1f);
        FloatVector twoToK = (FloatVector) ((IntVector) shifted.reinterpretAsInts())
                .sub(Float.floatToRawIntBits(ROUNDING) - 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return er.mul(twoToK).blend(0f, x.lt(-87.3f));
    }

    static FloatVector sigmoid(FloatVector g) {
        FloatVector e = exp(g.abs().neg());
        return FloatVector.broadcast(LANES, 1f).blend(e, g.lt(0f)).div(e.add(1f));
    }

    static float[] paddedRow(int n) {
        return new float[(n + LANES.length() - 1) / LANES.length() * LANES.length()];
    }

    static void swiglu(FloatBuffer gateUp, FloatBuffer out, int rows, int hidden) {
        forChunks(rows, (from, to) -> {
            float[] g = paddedRow(hidden);
            float[] u = paddedRow(hidden);
            for (int r = from; r < to; r++) {
                gateUp.get(r * 2 * hidden, g, 0, hidden);
                gateUp.get(r * 2 * hidden + hidden, u, 0, hidden);
                for (int i = 0; i < g.length; i += LANES.length()) {
                    FloatVector gv = FloatVector.fromArray(LANES, g, i);
                    gv.mul(sigmoid(gv)).mul(FloatVector.fromArray(LANES, u, i)).intoArray(g, i);
                }
                out.put(r * hidden, g, 0, hidden);
            }
        });
    }

    static void swigluBackward(FloatBuffer dOut, FloatBuffer gateUp, FloatBuffer dGateUp, int rows, int hidden) {
        forChunks(rows, (from, to) -> {
            float[] g = paddedRow(hidden);
            float[] u = paddedRow(hidden);
            float[] d = paddedRow(hidden);
            for (int r = from; r < to; r++) {
                gateUp.get(r * 2 * hidden, g, 0, hidden);
                gateUp.get(r * 2 * hidden + hidden, u, 0, hidden);
                dOut.get(r * hidden, d, 0, hidden);
                for (int i = 0; i < g.length; i += LANES.length()) {
                    FloatVector gv = FloatVector.fromArray(LANES, g, i);
                    FloatVector uv = FloatVector.fromArray(LANES, u, i);
                    FloatVector s = sigmoid(gv);
                    FloatVector ds = FloatVector.fromArray(LANES, d, i).mul(s);
                    ds.mul(uv).mul(gv.mul(s.neg().add(1f)).add(1f)).intoArray(u, i);
                    ds.mul(gv).intoArray(g, i);
                }
                dGateUp.put(r * 2 * hidden, u, 0, hidden);
                dGateUp.put(r * 2 * hidden + hidden, g, 0, hidden);
            }
        });
    }
}
