package dev.arpg.conditions.depth;

import dev.arpg.api.InvalidRequestException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads a grey ({@code Pf}) Portable Float Map: rows stored bottom to top, byte order from the scale's sign. */
final class Pfm {
    private Pfm() {
    }

    static DepthMap read(byte[] bytes, String source) {
        int[] pos = {0};
        String magic = token(bytes, pos, source);
        if (magic.equals("PF")) {
            throw new InvalidRequestException("depth file " + source + " is a colour PFM (PF); a depth map must be"
                    + " a grey PFM (Pf)");
        }
        if (!magic.equals("Pf")) {
            throw new InvalidRequestException("depth file " + source + " is not a PFM file (magic '" + magic + "')");
        }
        int width;
        int height;
        double scale;
        try {
            width = Integer.parseInt(token(bytes, pos, source));
            height = Integer.parseInt(token(bytes, pos, source));
            scale = Double.parseDouble(token(bytes, pos, source));
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("depth file " + source + ": malformed PFM header");
        }
        if (width <= 0 || height <= 0 || scale == 0 || Double.isNaN(scale)) {
            throw new InvalidRequestException("depth file " + source + ": bad PFM header " + width + "x" + height
                    + " scale " + scale);
        }
        int start = pos[0] + 1; // exactly one whitespace byte after the scale
        long need = 4L * width * height;
        if (bytes.length - start < need) {
            throw new InvalidRequestException("depth file " + source + ": expected " + need + " bytes of PFM data,"
                    + " the file is truncated");
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, start, (int) need).slice()
                .order(scale < 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        float[] values = new float[width * height];
        for (int row = 0; row < height; row++) {
            int y = height - 1 - row;
            for (int x = 0; x < width; x++) {
                values[y * width + x] = data.getFloat(4 * (row * width + x));
            }
        }
        return new DepthMap(width, height, values);
    }

    private static String token(byte[] bytes, int[] pos, String source) {
        int i = pos[0];
        while (i < bytes.length && Character.isWhitespace(bytes[i])) {
            i++;
        }
        int start = i;
        while (i < bytes.length && !Character.isWhitespace(bytes[i]) && i - start < 32) {
            i++;
        }
        if (i == start || i >= bytes.length) {
            throw new InvalidRequestException("depth file " + source + ": truncated PFM header");
        }
        pos[0] = i;
        return new String(bytes, start, i - start, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
