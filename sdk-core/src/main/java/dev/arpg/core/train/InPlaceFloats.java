package dev.arpg.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A float view of an array's own memory, so an optimizer can update parameters, gradients and
 * moments in one pass from Java instead of a dozen engine ops per tensor (each a full pass over
 * memory). DJL hands out such a view only for contiguous CPU arrays and a detached copy otherwise;
 * {@link #of} checks that a write through the view reaches the array, so an update never lands in
 * a copy silently.
 */
final class InPlaceFloats {
    private InPlaceFloats() {
    }

    /**
     * The view.
     *
     * @param array a float32 array
     * @param role what the array is, for the error message
     * @return a view of its memory in row-major order
     * @throws IllegalArgumentException if the array is not float32 or its memory cannot be written
     *     in place (not contiguous, or not on the CPU)
     */
    static FloatBuffer of(NDArray array, String role) {
        if (array.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException(role + " must be float32, not " + array.getDataType());
        }
        FloatBuffer view = array.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
        if (view.capacity() != array.size() || !writesThrough(array, view)) {
            throw new IllegalArgumentException(role + " " + array.getShape()
                    + " cannot be updated in place: it must be a contiguous CPU array");
        }
        return view;
    }

    /** Writes a different value into the first element through the view and reads it back. */
    private static boolean writesThrough(NDArray array, FloatBuffer view) {
        if (view.capacity() == 0) {
            return true;
        }
        float original = view.get(0);
        float probe = Float.floatToRawIntBits(original) == Float.floatToRawIntBits(1f) ? 2f : 1f;
        view.put(0, probe);
        try (NDArray flat = array.reshape(-1); NDArray first = flat.get(0)) {
            return Float.floatToRawIntBits(first.getFloat()) == Float.floatToRawIntBits(probe);
        } finally {
            view.put(0, original);
        }
    }
}
