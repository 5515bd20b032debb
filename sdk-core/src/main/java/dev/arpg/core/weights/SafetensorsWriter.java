package dev.arpg.core.weights;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.arpg.api.ArpgException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Writes safetensors files that {@link SafetensorsReader} and the Python {@code safetensors}
 * library read. Tensors are laid out in the map's iteration order; the header is padded with
 * spaces to a multiple of 8 bytes. The file is written to a temporary sibling and then moved into
 * place, so a crash never leaves a half-written file under the target name.
 */
public final class SafetensorsWriter {
    private static final int ALIGNMENT = 8;

    private SafetensorsWriter() {}

    /**
     * Writes tensors and string metadata to a safetensors file, replacing any existing file.
     *
     * @param file the target file
     * @param tensors name &rarr; tensor, in the order to store them
     * @param metadata string metadata stored as {@code __metadata__} (omitted when empty)
     * @throws IllegalArgumentException if a tensor is named {@code __metadata__}
     * @throws ArpgException naming the file if it cannot be written
     */
    public static void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata) {
        byte[] header = header(tensors, metadata);
        Path absolute = file.toAbsolutePath();
        Path temp = absolute.resolveSibling(absolute.getFileName() + ".tmp");
        try {
            Files.createDirectories(absolute.getParent());
        } catch (IOException e) {
            throw new ArpgException("cannot create the folder of " + file + ": " + e, e);
        }
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            writeFully(out, length.putLong(header.length).flip());
            writeFully(out, ByteBuffer.wrap(header));
            for (HostTensor tensor : tensors.values()) {
                try {
                    tensor.forEachChunk(chunk -> {
                        try {
                            writeFully(out, chunk);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
            }
            out.force(true);
            out.close();
            Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(temp, e);
            throw new ArpgException("cannot write safetensors file " + file + ": " + e, e);
        }
    }

    private static byte[] header(Map<String, HostTensor> tensors, Map<String, String> metadata) {
        JsonObject json = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            json.add(SafetensorsReader.METADATA_KEY, meta);
        }
        long offset = 0;
        for (Map.Entry<String, HostTensor> entry : tensors.entrySet()) {
            if (entry.getKey().equals(SafetensorsReader.METADATA_KEY)) {
                throw new IllegalArgumentException("a tensor cannot be named " + SafetensorsReader.METADATA_KEY);
            }
            HostTensor tensor = entry.getValue();
            JsonObject info = new JsonObject();
            info.addProperty("dtype", tensor.type().name());
            JsonArray shape = new JsonArray();
            for (long dim : tensor.shape()) {
                shape.add(dim);
            }
            info.add("shape", shape);
            long end = offset + tensor.byteCount();
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(end);
            info.add("data_offsets", offsets);
            json.add(entry.getKey(), info);
            offset = end;
        }
        byte[] text = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        byte[] header = new byte[padded];
        System.arraycopy(text, 0, header, 0, text.length);
        for (int i = text.length; i < padded; i++) {
            header[i] = ' ';
        }
        return header;
    }

    private static void deleteQuietly(Path temp, IOException failure) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }
}
