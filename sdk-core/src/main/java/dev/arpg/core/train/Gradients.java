package dev.arpg.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.Collection;

/**
 * Gradient housekeeping that DJL leaves to the caller: PyTorch accumulates gradients across
 * backward passes, so a training step clears them first; clipping scales all gradients together as
 * {@code torch.nn.utils.clip_grad_norm_} does. Call these outside a {@code GradientCollector}.
 */
public final class Gradients {
    private static final NDIndex ALL = new NDIndex("...");

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
                    g.set(ALL, 0);
                }
            }
        }
    }

    /**
     * L2 norm of all gradients taken together.
     *
     * @param params parameters with gradients
     * @return the total norm
     */
    public static double totalNorm(Collection<NDArray> params) {
        double squares = 0;
        for (NDArray p : params) {
            try (NDArray g = p.getGradient(); NDArray sq = g.square(); NDArray sum = sq.sum()) {
                squares += sum.getFloat();
            }
        }
        return Math.sqrt(squares);
    }

    /**
     * Scales all gradients by {@code min(1, maxNorm / (norm + 1e-6))}.
     *
     * @param params parameters with gradients
     * @param maxNorm the largest total norm allowed
     * @return the total norm before clipping
     */
    public static double clip(Collection<NDArray> params, double maxNorm) {
        double norm = totalNorm(params);
        double coefficient = Math.min(1.0, maxNorm / (norm + 1e-6));
        for (NDArray p : params) {
            try (NDArray g = p.getGradient()) {
                g.muli((float) coefficient);
            }
        }
        return norm;
    }
}
