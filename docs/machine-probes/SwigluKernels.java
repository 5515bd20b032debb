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

/**
 * SwiGLU in the training step, two ways, in one JVM (docs/benchmarks.md, session 21): the engine's
 * sigmoid kept for the backward (the SDK to session 20) against the sigmoid computed in the Java
 * pass, forward and backward (session 21). Each timed call follows the product that precedes it in
 * the step (so libtorch's OpenMP thread is spinning, as in training), at issue 8's training config
 * (2048 rows, hidden 768). Prints ms per call, the two forms alternating block by block. Session 20's
 * kernels are copied here (chunked over the common pool as TrainingKernels does); session 21's are
 * TrainingKernels' own, reached by reflection.
 *
 * MALLOC_ARENA_MAX=1 java --add-modules jdk.incubator.vector,jdk.incubator.foreign
 *   --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmn8m -XX:MaxDirectMemorySize=64g
 *   -cp samples/target/arpg.jar docs/machine-probes/SwigluKernels.java 12 20
 *
 * Arguments: blocks per form, calls per block.
 */
public class SwigluKernels {
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

    // Session 20's kernels: the sigmoid comes from the engine.

    static void swigluEngineSigmoid(FloatBuffer gateUp, FloatBuffer sigmoid, FloatBuffer out, int rows, int hidden) {
        forChunks(rows, (from, to) -> {
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

    static void swigluBackwardEngineSigmoid(FloatBuffer dOut, FloatBuffer gateUp, FloatBuffer sigmoid,
            FloatBuffer dGateUp, int rows, int hidden) {
        forChunks(rows, (from, to) -> {
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

    // Session 21's kernels: TrainingKernels' own (package-private, so reached by reflection).

    private static final MethodHandle SWIGLU = kernel("swiglu", FloatBuffer.class, FloatBuffer.class, int.class,
            int.class);
    private static final MethodHandle SWIGLU_BACKWARD = kernel("swigluBackward", FloatBuffer.class,
            FloatBuffer.class, FloatBuffer.class, int.class, int.class);

    private static MethodHandle kernel(String name, Class<?>... parameters) {
        try {
            Method method = Class.forName("dev.arpg.core.train.TrainingKernels").getDeclaredMethod(name, parameters);
            method.setAccessible(true);
            return MethodHandles.lookup().unreflect(method);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("TrainingKernels." + name + " not found", e);
        }
    }

    static void swiglu(FloatBuffer gateUp, FloatBuffer out, int rows, int hidden) {
        try {
            SWIGLU.invokeExact(gateUp, out, rows, hidden);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    static void swigluBackward(FloatBuffer dOut, FloatBuffer gateUp, FloatBuffer dGateUp, int rows, int hidden) {
        try {
            SWIGLU_BACKWARD.invokeExact(dOut, gateUp, dGateUp, rows, hidden);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
