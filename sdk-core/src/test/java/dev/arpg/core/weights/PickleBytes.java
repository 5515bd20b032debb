package dev.arpg.core.weights;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Test helper that emits pickle opcodes. In protocol-2 style strings are BINUNICODE and globals
 * GLOBAL; in protocol-4 style strings are SHORT_BINUNICODE + MEMOIZE and globals STACK_GLOBAL.
 */
final class PickleBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final boolean protocol4;

    PickleBytes(boolean protocol4) {
        this.protocol4 = protocol4;
        op(0x80).op(protocol4 ? 4 : 2);
    }

    PickleBytes op(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    PickleBytes str(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (protocol4) {
            op(0x8c, utf8.length).raw(utf8).op(0x94);
        } else {
            op('X').raw(le(utf8.length, 4)).raw(utf8);
        }
        return this;
    }

    PickleBytes global(String module, String name) {
        if (protocol4) {
            return str(module).str(name).op(0x93, 0x94);
        }
        return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    }

    PickleBytes integer(long v) {
        if (v >= 0 && v < 256) {
            return op('K', (int) v);
        }
        if (v >= 0 && v < 65536) {
            return op('M').raw(le(v, 2));
        }
        if (v == (int) v) {
            return op('J').raw(le(v, 4));
        }
        return op(0x8a, 8).raw(le(v, 8));
    }

    PickleBytes tuple(long... values) {
        op('(');
        for (long v : values) {
            integer(v);
        }
        return op('t');
    }

    PickleBytes mark() {
        return op('(');
    }

    PickleBytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    /** Ends the pickle; protocol 4 wraps everything after PROTO in one FRAME, as Python does. */
    byte[] stop() {
        op('.');
        byte[] body = out.toByteArray();
        if (!protocol4) {
            return body;
        }
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        framed.write(body, 0, 2);
        framed.write(0x95);
        framed.writeBytes(le(body.length - 2, 8));
        framed.write(body, 2, body.length - 2);
        return framed.toByteArray();
    }

    static byte[] le(long v, int n) {
        byte[] eight = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
        return Arrays.copyOf(eight, n);
    }
}
