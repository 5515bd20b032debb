package dev.arpg.core.autograd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Element-wise operations with a constant that stay correct when autograd records them.
 *
 * <p>DJL's {@code NDArray.mul(Number)} (and every other {@code Number} overload) wraps the number in
 * a tensor over a Java direct buffer, runs the op and closes that tensor. PyTorch's autograd keeps
 * the tensor for the backward pass (the gradient of {@code x * c} is {@code grad * c}), but nothing
 * keeps the Java buffer: once the garbage collector frees it, the backward pass reads freed memory
 * and multiplies gradients by whatever is there (on this SDK's VQ training: gradient norms of 1e7 to
 * 1e35, or zeros, at one step in fifty, depending on when the collector ran). Under autograd these
 * methods use a constant that the engine allocates and owns; outside it they are DJL's plain ops.
 * Ops whose backward does not read the constant ({@code add}, {@code sub}) are safe with a
 * {@code Number} as they are.
 */
public final class Autograd {
    private Autograd() {}

    /**
     * Whether autograd records ops now (inside a {@code GradientCollector}); then an op's inputs may
     * be kept for the backward pass and no intermediate may be overwritten in place. Asked of the
     * engine's grad mode, because DJL's {@code hasGradient()} is false for recorded intermediates.
     *
     * @return true while autograd records
     */
    public static boolean isRecording() {
        return JniUtils.isGradMode();
    }

    /**
     * {@code x * factor}; the result belongs to {@code x}'s manager.
     *
     * @param x the array
     * @param factor the factor
     * @return the product
     */
    public static NDArray scale(NDArray x, float factor) {
        return isRecording() ? x.mul(constant(x, factor)) : x.mul(factor);
    }

    /**
     * {@code max(x, floor)} element-wise; the result belongs to {@code x}'s manager.
     *
     * @param x the array
     * @param floor the smallest value kept
     * @return the clamped array
     */
    public static NDArray atLeast(NDArray x, float floor) {
        return isRecording() ? x.maximum(constant(x, floor)) : x.maximum(floor);
    }

    /** A scalar in engine-allocated memory, in {@code x}'s manager and data type. */
    private static NDArray constant(NDArray x, float value) {
        return x.getManager().full(new Shape(), value, x.getDataType());
    }
}
