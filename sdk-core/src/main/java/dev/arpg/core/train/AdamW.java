package dev.arpg.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * AdamW as {@code torch.optim.AdamW} (single-tensor path): decoupled weight decay on parameters
 * with two or more dimensions only (the ARPG recipe leaves the 1-D norm gains undecayed), bias
 * corrected moments. Owns its moment buffers; call {@link #step} outside a gradient collector.
 *
 * <p>The update runs in one Java pass over each parameter, its gradient and its moments, in place
 * (the same float32 operations, in the same order, as the engine-op formulation it replaced, which
 * made about a dozen passes over memory per tensor). Parameters must be contiguous CPU arrays
 * (every parameter of this SDK's models is); anything else is rejected, never updated in a copy.
 * One step at a time: an optimizer is not for concurrent use.
 */
public final class AdamW implements AutoCloseable {
    /** Values copied and updated together. */
    private static final int BLOCK = 16384;
    /** Parallel tasks per parameter (each value's update is independent). */
    private static final int TASKS = 8;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final NDManager manager;
    private final Map<String, NDArray[]> moments = new LinkedHashMap<>();
    /**
     * Per task, its scratch blocks (weights, gradients, first and second moments; 256 KiB), made on
     * first use and kept: allocated per task and parameter they were ~90 MB of garbage a step at
     * issue 8's training config. By task, not by thread: the common pool's threads drop their
     * thread-locals after every task.
     */
    private final float[][][] scratch = new float[TASKS][][];
    private long steps;

    /**
     * Creates the optimizer.
     *
     * @param beta1 first-moment decay (0.9 in ARPG)
     * @param beta2 second-moment decay (0.95 in ARPG)
     * @param eps denominator epsilon (1e-8)
     * @param weightDecay decoupled decay for matrices (0.05 in ARPG)
     * @param parent manager under which the moment buffers live
     */
    public AdamW(double beta1, double beta2, double eps, double weightDecay, NDManager parent) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.manager = parent.newSubManager();
    }

    /**
     * The ARPG recipe: betas (0.9, 0.95), eps 1e-8, weight decay 0.05.
     *
     * @param parent manager under which the moment buffers live
     * @return the optimizer
     */
    public static AdamW arpgRecipe(NDManager parent) {
        return new AdamW(0.9, 0.95, 1e-8, 0.05, parent);
    }

    /** @return the number of steps taken */
    public long steps() {
        return steps;
    }

    /**
     * The moment buffers by parameter name, {@code [m, v]}, for checkpoints.
     *
     * @return an unmodifiable view
     */
    public Map<String, NDArray[]> moments() {
        return java.util.Collections.unmodifiableMap(moments);
    }

    /**
     * Restores the state saved in a checkpoint.
     *
     * @param stepCount steps taken so far
     * @param saved first and second moments by parameter name
     */
    public void restore(long stepCount, Map<String, NDArray[]> saved) {
        moments.values().forEach(pair -> {
            pair[0].close();
            pair[1].close();
        });
        moments.clear();
        saved.forEach((name, pair) -> {
            NDArray m = pair[0].duplicate();
            NDArray v = pair[1].duplicate();
            m.attach(manager);
            v.attach(manager);
            moments.put(name, new NDArray[] {m, v});
        });
        steps = stepCount;
    }

    /**
     * Updates every parameter from its gradient.
     *
     * @param params parameters by name
     * @param lr the learning rate of this step
     * @throws IllegalArgumentException if a parameter or gradient is not a contiguous float32 CPU array
     */
    public void step(Map<String, NDArray> params, double lr) {
        steps++;
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float oneMinusB1 = (float) (1 - beta1);
        float oneMinusB2 = (float) (1 - beta2);
        float epsilon = (float) eps;
        float correction2 = (float) Math.sqrt(1 - Math.pow(beta2, steps));
        float stepSize = (float) (lr / (1 - Math.pow(beta1, steps)));
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            String name = e.getKey();
            NDArray p = e.getValue();
            NDArray[] mv = moments.computeIfAbsent(name, k -> new NDArray[] {
                manager.zeros(p.getShape()), manager.zeros(p.getShape())});
            float decay = p.getShape().dimension() >= 2 && weightDecay != 0 ? (float) (1 - lr * weightDecay) : 1f;
            try (NDArray gradient = p.getGradient()) {
                FloatBuffer w = InPlaceFloats.of(p, "parameter " + name);
                FloatBuffer g = InPlaceFloats.of(gradient, "gradient of " + name);
                FloatBuffer m = InPlaceFloats.of(mv[0], "first moment of " + name);
                FloatBuffer v = InPlaceFloats.of(mv[1], "second moment of " + name);
                int n = w.capacity();
                int blocks = (n + BLOCK - 1) / BLOCK;
                int tasks = Math.min(TASKS, blocks);
                IntStream.range(0, tasks).parallel().forEach(task -> {
                    float[][] blocksOfTask = scratch(task);
                    float[] wb = blocksOfTask[0];
                    float[] gb = blocksOfTask[1];
                    float[] mb = blocksOfTask[2];
                    float[] vb = blocksOfTask[3];
                    for (int block = blocks * task / tasks; block < blocks * (task + 1) / tasks; block++) {
                        int at = block * BLOCK;
                        int count = Math.min(BLOCK, n - at);
                        w.get(at, wb, 0, count);
                        g.get(at, gb, 0, count);
                        m.get(at, mb, 0, count);
                        v.get(at, vb, 0, count);
                        for (int i = 0; i < count; i++) {
                            float gi = gb[i];
                            float mi = mb[i] * b1 + gi * oneMinusB1;
                            float vi = vb[i] * b2 + gi * gi * oneMinusB2;
                            mb[i] = mi;
                            vb[i] = vi;
                            float denominator = (float) Math.sqrt(vi) / correction2 + epsilon;
                            wb[i] = wb[i] * decay - mi / denominator * stepSize;
                        }
                        w.put(at, wb, 0, count);
                        m.put(at, mb, 0, count);
                        v.put(at, vb, 0, count);
                    }
                });
            }
        }
    }

    /** Task {@code task}'s scratch blocks; tasks of one parameter run at once, parameters one after another. */
    private float[][] scratch(int task) {
        if (scratch[task] == null) {
            scratch[task] = new float[4][BLOCK];
        }
        return scratch[task];
    }

    /** @return arrays held by the optimizer (two moments per parameter once stepped): a leak check */
    int liveArrays() {
        return manager.getManagedArrays().size();
    }

    /** Frees the moment buffers. */
    @Override
    public void close() {
        manager.close();
    }
}
