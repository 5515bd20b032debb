package dev.arpg.conditions.depth;

import dev.arpg.api.InvalidRequestException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a NumPy {@code .npy} array of float32 or float64 with one image plane. */
final class Npy {
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    static DepthMap read(byte[] bytes, String source) {
        if (bytes.length < 10 || (bytes[0] & 0xff) != 0x93 || !new String(bytes, 1, 5, StandardCharsets.ISO_8859_1)
                .equals("NUMPY")) {
            throw new InvalidRequestException("depth file " + source + " is not a .npy file (no \\x93NUMPY magic)");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int major = bytes[6];
        int headerLength = major == 1 ? in.getShort(8) & 0xffff : in.getInt(8);
        int dataStart = (major == 1 ? 10 : 12) + headerLength;
        if (headerLength < 0 || dataStart > bytes.length) {
            throw new InvalidRequestException("depth file " + source + ": truncated .npy header");
        }
        String header = new String(bytes, major == 1 ? 10 : 12, headerLength, StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, source);
        if (group(FORTRAN, header, source).equals("True")) {
            throw new InvalidRequestException("depth file " + source + ": Fortran-order arrays are not supported;"
                    + " save with numpy.ascontiguousarray");
        }
        int[] hw = plane(group(SHAPE, header, source), source);
        int size = switch (descr.substring(1)) {
            case "f4" -> 4;
            case "f8" -> 8;
            default -> throw new InvalidRequestException("depth file " + source + ": unsupported dtype '" + descr
                    + "'; use float32 (or float64)");
        };
        ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        long count = (long) hw[0] * hw[1];
        if (bytes.length - dataStart < count * size) {
            throw new InvalidRequestException("depth file " + source + ": expected " + count + " values, the file is"
                    + " truncated");
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, bytes.length - dataStart).slice().order(order);
        float[] values = new float[(int) count];
        for (int i = 0; i < values.length; i++) {
            values[i] = size == 4 ? data.getFloat(4 * i) : (float) data.getDouble(8 * i);
        }
        return new DepthMap(hw[1], hw[0], values);
    }

    private static String group(Pattern p, String header, String source) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new InvalidRequestException("depth file " + source + ": malformed .npy header " + header.trim());
        }
        return m.group(1);
    }

    /** Shapes (H, W), (1, H, W), (H, W, 1), (1, 1, H, W) to {H, W}. */
    private static int[] plane(String shape, String source) {
        List<Integer> dims = new ArrayList<>();
        for (String s : shape.split(",")) {
            if (!s.isBlank()) {
                dims.add(Integer.parseInt(s.trim()));
            }
        }
        List<Integer> big = new ArrayList<>();
        for (int d : dims) {
            if (d != 1) {
                big.add(d);
            }
        }
        if (dims.size() < 2 || big.size() > 2 || dims.contains(0)) {
            throw new InvalidRequestException("depth file " + source + ": shape (" + shape + ") is not one image"
                    + " plane; expected (H, W), (1, H, W), (H, W, 1) or (1, 1, H, W)");
        }
        if (big.size() == 2) {
            return new int[] {big.get(0), big.get(1)};
        }
        // A 1-pixel-wide or -high plane: take the last two dimensions.
        return new int[] {dims.get(dims.size() - 2), dims.get(dims.size() - 1)};
    }
}
