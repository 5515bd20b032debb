package dev.arpg.core.weights;

import dev.arpg.api.ModelLoadException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A bounds-checked cursor over pickle bytes: every read, and every length field before anything
 * is allocated, is checked against the bytes that remain.
 */
final class PickleInput {
    private final byte[] data;
    private final String source;
    private int position;

    PickleInput(byte[] data, String source) {
        this.data = data;
        this.source = source;
    }

    int position() {
        return position;
    }

    int u8() {
        require(1);
        return data[position++] & 0xFF;
    }

    int u16() {
        return u8() | (u8() << 8);
    }

    int i32() {
        return u16() | (u16() << 16);
    }

    long u32() {
        return i32() & 0xFFFFFFFFL;
    }

    long u64() {
        return u32() | (u32() << 32);
    }

    /**
     * Reads {@code length} bytes; a length beyond the remaining data (including a negative one
     * from a signed field) is an error, so a lying length never causes a large allocation.
     */
    byte[] bytes(long length) {
        if (length < 0) {
            throw new ModelLoadException("corrupt pickle in " + source + ": negative length " + length
                    + " at offset " + position);
        }
        require(length);
        byte[] out = Arrays.copyOfRange(data, position, position + (int) length);
        position += (int) length;
        return out;
    }

    /** Reads a newline-terminated ASCII line (the operands of GLOBAL), without the newline. */
    String line() {
        for (int end = position; end < data.length; end++) {
            if (data[end] == '\n') {
                String text = new String(data, position, end - position, StandardCharsets.UTF_8);
                position = end + 1;
                return text;
            }
        }
        throw truncated();
    }

    private void require(long length) {
        if (length > data.length - position) {
            throw truncated();
        }
    }

    private ModelLoadException truncated() {
        return new ModelLoadException("truncated pickle in " + source + ": unexpected end of data at offset "
                + position + " of " + data.length);
    }
}
