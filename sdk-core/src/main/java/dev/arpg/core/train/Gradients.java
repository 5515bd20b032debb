package dev.arpg.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.arpg.core.autograd.Autograd;
import dev.arpg.core.engine.Engines;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Gradient housekeeping that DJL leaves to the caller: PyTorch accumulates gradients across
 * backward passes, so a training step clears them first; clipping scales all gradients together as
 * {@code torch.nn.utils.clip_grad_norm_} does. Each runs as one Java pass over every gradient's
 * memory (see {@link InPlaceFloats}). Call these outside a {@code GradientCollector}.
 */
public final class Gradients {
    /** Written over gradients in blocks (also the block size of the other passes). */
    private static final float[] ZEROS = new float[4096];

    private Gradients() {
    }

    /**
     * Sets every gradient to zero, first creating the gradients that do not exist yet: PyTorch
     * allocates a parameter's gradient only in its first backward pass, and until then DJL's
     * {@code getGradient()} hands out a detached array of zeros, so anything written into it (by a
     * hand-written backward such as {@link TeacherForcingBackprop}) would be lost.
     *
     * @param params parameters that require gradients
     */
    public static void zero(Collection<NDArray> params) {
        List<NDArray> missing = new ArrayList<>();
        for (NDArray p : params) {
            if (!p.hasGradient()) {
                continue;
            }
            if (!exists(p)) {
                missing.add(p);
                continue;
            }
            try (NDArray g = p.getGradient()) {
                FloatBuffer view = InPlaceFloats.of(g, "gradient");
                for (int at = 0, n = view.capacity(); at < n; at += ZEROS.length) {
                    view.put(at, ZEROS, 0, Math.min(ZEROS.length, n - at));
                }
            }
        }
        if (!missing.isEmpty()) {
            create(missing);
        }
    }

    /**
     * Checks that every parameter's gradient exists, so that it can be accumulated in place.
     *
     * @param params parameters that require gradients
     * @throws IllegalStateException naming the first parameter whose gradient does not exist yet
     */
    public static void requireExisting(Map<String, NDArray> params) {
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            if (!e.getValue().hasGradient() || !exists(e.getValue())) {
                throw new IllegalStateException("parameter " + e.getKey() + " has no gradient to accumulate into: "
                        + "mark it as requiring one and call Gradients.zero first");
            }
        }
    }

    /** Whether a write through one {@code getGradient()} array is seen through another. */
    private static boolean exists(NDArray p) {
        try (NDArray a = p.getGradient(); NDArray b = p.getGradient()) {
            if (a.size() == 0) {
                return true;
            }
            FloatBuffer first = InPlaceFloats.of(a, "gradient");
            float original = first.get(0);
            float probe = Float.floatToRawIntBits(original) == Float.floatToRawIntBits(1f) ? 2f : 1f;
            first.put(0, probe);
            boolean shared = Float.floatToRawIntBits(InPlaceFloats.of(b, "gradient").get(0))
                    == Float.floatToRawIntBits(probe);
            first.put(0, original);
            return shared;
        }
    }

    /** Allocates zero gradients through one autograd pass of {@code sum(0 * p.sum())}. */
    private static void create(List<NDArray> params) {
        try (NDManager scope = params.get(0).getManager().newSubManager();
                GradientCollector collector = Engines.engine().newGradientCollector()) {
            NDArray total = null;
            for (NDArray p : params) {
                NDArray sum = p.sum();
                sum.attach(scope);
                NDArray zero = Autograd.scale(sum, 0f);
                total = total == null ? zero : total.add(zero);
            }
            collector.backward(total);
        }
    }

    /**
     * L2 norm of all gradients taken together (squares summed in double precision).
     *
     * @param params parameters with gradients
     * @return the total norm
     */
    public static double totalNorm(Collection<NDArray> params) {
        return norm(views(params));
    }

    /**
     * Scales all gradients by {@code min(1, maxNorm / (norm + 1e-6))}.
     *
     * @param params parameters with gradients
     * @param maxNorm the largest total norm allowed
     * @return the total norm before clipping
     */
    public static double clip(Collection<NDArray> params, double maxNorm) {
        List<FloatBuffer> gradients = views(params);
        double norm = norm(gradients);
        float coefficient = (float) Math.min(1.0, maxNorm / (norm + 1e-6));
        if (coefficient < 1f) {
            eachBlock(gradients, true, (block, count) -> {
                for (int i = 0; i < count; i++) {
                    block[i] *= coefficient;
                }
            });
        }
        return norm;
    }

    /** In-place views of every parameter's gradient (valid while the gradients live). */
    private static List<FloatBuffer> views(Collection<NDArray> params) {
        List<FloatBuffer> views = new ArrayList<>(params.size());
        for (NDArray p : params) {
            try (NDArray g = p.getGradient()) {
                views.add(InPlaceFloats.of(g, "gradient"));
            }
        }
        return views;
    }

    private static double norm(List<FloatBuffer> gradients) {
        double[] squares = {0};
        eachBlock(gradients, false, (block, count) -> {
            for (int i = 0; i < count; i++) {
                double x = block[i];
                squares[0] += x * x;
            }
        });
        return Math.sqrt(squares[0]);
    }

    /** Work on {@code block[0, count)}, the next values of a gradient. */
    @FunctionalInterface
    private interface BlockWork {
        void run(float[] block, int count);
    }

    /**
     * Copies every gradient block by block (in order) into a scratch array, runs {@code work} on
     * it and, if {@code writeBack}, copies it back.
     */
    private static void eachBlock(List<FloatBuffer> gradients, boolean writeBack, BlockWork work) {
        float[] block = new float[ZEROS.length];
        for (FloatBuffer view : gradients) {
            for (int at = 0, n = view.capacity(); at < n; at += block.length) {
                int count = Math.min(block.length, n - at);
                view.get(at, block, 0, count);
                work.run(block, count);
                if (writeBack) {
                    view.put(at, block, 0, count);
                }
            }
        }
    }
}
