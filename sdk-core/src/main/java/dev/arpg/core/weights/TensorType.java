package dev.arpg.core.weights;

/**
 * Element type of a {@link HostTensor}. The constant names are the safetensors {@code dtype}
 * strings, so {@code TensorType.valueOf(dtype)} maps a safetensors header entry.
 */
public enum TensorType {
    /** IEEE 754 single precision. */
    F32(4),
    /** IEEE 754 half precision. */
    F16(2),
    /** bfloat16: the upper 16 bits of an F32. */
    BF16(2),
    /** IEEE 754 double precision. */
    F64(8),
    /** Signed 64-bit integer. */
    I64(8),
    /** Signed 32-bit integer. */
    I32(4),
    /** Signed 8-bit integer. */
    I8(1),
    /** Unsigned 8-bit integer. */
    U8(1),
    /** Boolean stored as one byte, 0 or 1. */
    BOOL(1);

    private final int byteSize;

    TensorType(int byteSize) {
        this.byteSize = byteSize;
    }

    /**
     * Returns the size of one element.
     *
     * @return bytes per element
     */
    public int byteSize() {
        return byteSize;
    }

    /**
     * Tells whether this is a floating-point type.
     *
     * @return true for F32, F16, BF16 and F64
     */
    public boolean isFloatingPoint() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }
}
