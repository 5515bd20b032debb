package dev.arpg.core.weights;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.arpg.api.ModelLoadException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads safetensors files: a u64 little-endian header length, a UTF-8 JSON header and the data
 * block. Only the header is read here: each tensor's bytes are read from its range of the file
 * when the tensor is used (through a small buffer, never a memory map, so loading a model does not
 * hold its weights twice), so files of any size and tensors of up to 2 GiB each are supported.
 * Every length and offset is checked against the file before anything is allocated.
 */
public final class SafetensorsReader {
    /** Largest accepted JSON header, as in the reference implementation. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    static final String METADATA_KEY = "__metadata__";

    private SafetensorsReader() {}

    /**
     * Reads all tensors and the metadata of a safetensors file.
     *
     * @param file the file
     * @return its tensors in header order
     * @throws ModelLoadException naming the file and the problem if it is unreadable or malformed
     */
    public static StateDict read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            long headerLength = readHeaderLength(file, channel, fileSize);
            JsonObject header = parseHeader(file, channel, (int) headerLength);
            long dataStart = 8 + headerLength;
            TensorBytes.WeightFile weightFile = TensorBytes.WeightFile.of(file);
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> entry : header.entrySet()) {
                if (entry.getKey().equals(METADATA_KEY)) {
                    metadata.putAll(parseMetadata(file, entry.getValue()));
                } else {
                    tensors.put(entry.getKey(), tensor(weightFile, entry.getKey(),
                            entry.getValue(), dataStart, fileSize - dataStart));
                }
            }
            return new StateDict(file, tensors, metadata);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read safetensors file " + file + ": " + e, e);
        }
    }

    private static long readHeaderLength(Path file, FileChannel channel, long fileSize)
            throws IOException {
        if (fileSize < 8) {
            throw new ModelLoadException("not a safetensors file: " + file + " has " + fileSize
                    + " bytes, too short for the 8-byte header length");
        }
        ByteBuffer lengthBytes = readFully(channel, 0, 8);
        long headerLength = lengthBytes.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
            throw new ModelLoadException("not a safetensors file: " + file + " declares a header length of "
                    + Long.toUnsignedString(headerLength) + " bytes (allowed 2 to " + MAX_HEADER_BYTES + ")");
        }
        if (headerLength > fileSize - 8) {
            throw new ModelLoadException("truncated safetensors file " + file + ": header length "
                    + headerLength + " exceeds the " + (fileSize - 8) + " bytes after the length field");
        }
        return headerLength;
    }

    private static JsonObject parseHeader(Path file, FileChannel channel, int headerLength)
            throws IOException {
        ByteBuffer raw = readFully(channel, 8, headerLength);
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(raw).toString();
        } catch (CharacterCodingException e) {
            throw new ModelLoadException("corrupt safetensors header in " + file + ": not valid UTF-8", e);
        }
        try {
            JsonElement parsed = JsonParser.parseString(json);
            if (!parsed.isJsonObject()) {
                throw new ModelLoadException("corrupt safetensors header in " + file + ": not a JSON object");
            }
            return parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new ModelLoadException("corrupt safetensors header in " + file + ": invalid JSON ("
                    + e.getMessage() + ")", e);
        }
    }

    private static Map<String, String> parseMetadata(Path file, JsonElement element) {
        if (!element.isJsonObject()) {
            throw new ModelLoadException("corrupt safetensors header in " + file + ": " + METADATA_KEY
                    + " is not an object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : element.getAsJsonObject().entrySet()) {
            JsonElement value = e.getValue();
            if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
                throw new ModelLoadException("corrupt safetensors header in " + file + ": metadata value '"
                        + e.getKey() + "' is not a string");
            }
            metadata.put(e.getKey(), value.getAsString());
        }
        return metadata;
    }

    private static HostTensor tensor(TensorBytes.WeightFile weightFile, String name, JsonElement element,
            long dataStart, long dataLength) {
        Path file = weightFile.path();
        String where = "tensor '" + name + "' in " + file;
        if (!element.isJsonObject()) {
            throw new ModelLoadException("corrupt safetensors header: " + where + " is not an object");
        }
        JsonObject info = element.getAsJsonObject();
        TensorType type = parseType(where, info.get("dtype"));
        long[] shape = longArray(where, info.get("shape"), "shape", -1);
        long[] offsets = longArray(where, info.get("data_offsets"), "data_offsets", 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end || end > dataLength) {
            throw new ModelLoadException("corrupt safetensors file: " + where + " has data_offsets ["
                    + begin + ", " + end + "] outside the data block of " + dataLength + " bytes");
        }
        long expected;
        try {
            expected = Math.multiplyExact(HostTensor.elementCount(shape), (long) type.byteSize());
        } catch (ArithmeticException e) {
            throw new ModelLoadException("corrupt safetensors file: " + where + " has an overflowing shape", e);
        }
        if (end - begin != expected) {
            throw new ModelLoadException("corrupt safetensors file: " + where + " has " + (end - begin)
                    + " bytes of data but its shape and dtype need " + expected);
        }
        if (expected > Integer.MAX_VALUE) {
            throw new ModelLoadException("cannot load " + where + ": " + expected
                    + " bytes exceeds the 2 GiB limit for one tensor");
        }
        return HostTensor.read(type, shape, TensorBytes.fileRange(weightFile, where, dataStart + begin, expected));
    }

    private static TensorType parseType(String where, JsonElement dtype) {
        if (dtype == null || !dtype.isJsonPrimitive() || !dtype.getAsJsonPrimitive().isString()) {
            throw new ModelLoadException("corrupt safetensors header: " + where + " has no dtype string");
        }
        try {
            return TensorType.valueOf(dtype.getAsString());
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("unsupported dtype '" + dtype.getAsString() + "' for " + where, e);
        }
    }

    private static long[] longArray(String where, JsonElement element, String field, int requiredLength) {
        if (element == null || !element.isJsonArray()
                || (requiredLength >= 0 && element.getAsJsonArray().size() != requiredLength)) {
            throw new ModelLoadException("corrupt safetensors header: " + where + " has an invalid " + field);
        }
        JsonArray array = element.getAsJsonArray();
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            JsonElement item = array.get(i);
            try {
                BigDecimal number = item.getAsJsonPrimitive().getAsBigDecimal();
                values[i] = number.longValueExact();
            } catch (RuntimeException e) {
                throw new ModelLoadException("corrupt safetensors header: " + where + " has a non-integer "
                        + field + " entry '" + item + "'", e);
            }
            if (values[i] < 0) {
                throw new ModelLoadException("corrupt safetensors header: " + where + " has a negative "
                        + field + " entry " + values[i]);
            }
        }
        return values;
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of file at byte " + (position + buffer.position()));
            }
        }
        return buffer.flip();
    }
}
