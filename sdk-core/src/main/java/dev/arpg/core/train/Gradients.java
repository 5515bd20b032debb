package dev.arpg.core.train;

import ai.djl.ndarray.NDArray;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Gradient housekeeping that DJL leaves to the caller: PyTorch accumulates gradients across
 * backward passes, so a training step clears them first; clipping scales all gradients together as
 * {@code torch.nn.utils.clip_grad_norm_} does. Each runs as one Java pass over every gradient's
 * memory (see {@link InPlaceFloats}). Call these outside a {@code GradientCollector}.
 */
public final class Gradients {
    private Gradients() {
    }

    /**
     * Sets every gradient to zero.
     *
     * @param params parameters that require gradients
     */
    public static void zero(Collection<NDArray> params) {
        for (NDArray p : params) {
            if (p.hasGradient()) {
                try (NDArray g = p.getGradient()) {
                    FloatBuffer view = InPlaceFloats.of(g, "gradient");
                    for (int i = 0, n = view.capacity(); i < n; i++) {
                        view.put(i, 0f);
                    }
                }
            }
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
            for (FloatBuffer view : gradients) {
                for (int i = 0, n = view.capacity(); i < n; i++) {
                    view.put(i, view.get(i) * coefficient);
                }
            }
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
        double squares = 0;
        for (FloatBuffer view : gradients) {
            for (int i = 0, n = view.capacity(); i < n; i++) {
                double x = view.get(i);
                squares += x * x;
            }
        }
        return Math.sqrt(squares);
    }
}
