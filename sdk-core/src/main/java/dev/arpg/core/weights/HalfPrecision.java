package dev.arpg.core.weights;

/** Exact widening of 16-bit floats (IEEE half and bfloat16) to {@code float}. */
final class HalfPrecision {
    private HalfPrecision() {}

    /**
     * Widens an IEEE 754 half-precision value; every half value, subnormals, infinities and NaN
     * payloads included, is exactly representable as a float.
     *
     * @param bits the 16 bits of the half value
     * @return the same value as a float
     */
    static float f16ToFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0) {
            float magnitude = Math.scalb((float) mantissa, -24);
            return sign == 0 ? magnitude : -magnitude;
        }
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /**
     * Widens a bfloat16 value (the upper half of a float).
     *
     * @param bits the 16 bits of the bfloat16 value
     * @return the same value as a float
     */
    static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }
}
