package dev.arpg.core.weights;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Test helper that writes {@code torch.save}-style checkpoints: a zip with {@code
 * <prefix>/data.pkl}, {@code <prefix>/data/<key>} storages and {@code <prefix>/version}, the
 * pickle laid out as torch writes a state dict.
 */
final class CheckpointBuilder {
    /** One state-dict entry: a view of storage {@code key}. */
    record Tensor(String name, String storageClass, String key, long numel, long offset, long[] size,
            long[] stride, boolean parameter) {}

    private final List<Tensor> tensors = new ArrayList<>();
    private final Map<String, byte[]> storages = new LinkedHashMap<>();
    private boolean protocol4;
    private String nestUnder;
    private String prefix = "archive/";
    private boolean deflate;

    CheckpointBuilder storage(String key, byte[] littleEndianBytes) {
        storages.put(key, littleEndianBytes);
        return this;
    }

    CheckpointBuilder tensor(String name, String storageClass, String key, long numel, long offset,
            long[] size, long[] stride) {
        tensors.add(new Tensor(name, storageClass, key, numel, offset, size, stride, false));
        return this;
    }

    CheckpointBuilder parameter(String name, String storageClass, String key, long numel, long[] size) {
        tensors.add(new Tensor(name, storageClass, key, numel, 0, size, contiguous(size), true));
        return this;
    }

    CheckpointBuilder protocol4() {
        protocol4 = true;
        return this;
    }

    CheckpointBuilder nestUnder(String key) {
        nestUnder = key;
        return this;
    }

    CheckpointBuilder prefix(String folder) {
        prefix = folder;
        return this;
    }

    CheckpointBuilder deflate() {
        deflate = true;
        return this;
    }

    static long[] contiguous(long[] size) {
        long[] stride = new long[size.length];
        long step = 1;
        for (int d = size.length - 1; d >= 0; d--) {
            stride[d] = step;
            step *= size[d];
        }
        return stride;
    }

    /** Builds the pickle bytes for the configured state dict. */
    byte[] pickle() {
        PickleBytes p = new PickleBytes(protocol4);
        if (nestUnder != null) {
            p.op('}').str("epoch").integer(7).op('s').str(nestUnder);
        }
        p.global("collections", "OrderedDict").op(')', 'R').mark();
        for (Tensor t : tensors) {
            p.str(t.name());
            if (t.parameter()) {
                p.global("torch._utils", "_rebuild_parameter").mark();
            }
            p.global("torch._utils", "_rebuild_tensor_v2").mark();
            p.mark().str("storage").global("torch", t.storageClass()).str(t.key()).str("cpu")
                    .integer(t.numel()).op('t', 'Q');
            p.integer(t.offset()).tuple(t.size()).tuple(t.stride()).op(0x89);
            p.global("collections", "OrderedDict").op(')', 'R').op('t', 'R');
            if (t.parameter()) {
                p.op(0x89).global("collections", "OrderedDict").op(')', 'R').op('t', 'R');
            }
        }
        p.str("not_a_tensor").integer(42);
        p.op('u').op('}').op('b');
        if (nestUnder != null) {
            p.op('s');
        }
        return p.stop();
    }

    /** Writes the checkpoint with the configured pickle. */
    Path write(Path file) throws IOException {
        return writeZip(file, prefix, pickle(), storages, deflate);
    }

    /** Writes a checkpoint zip around any pickle bytes. */
    static Path writeZip(Path file, String prefix, byte[] pickle, Map<String, byte[]> storages, boolean deflate)
            throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            put(zip, prefix + "data.pkl", pickle, deflate);
            for (Map.Entry<String, byte[]> s : storages.entrySet()) {
                put(zip, prefix + "data/" + s.getKey(), s.getValue(), deflate);
            }
            put(zip, prefix + "version", "3\n".getBytes(), deflate);
        }
        return file;
    }

    private static void put(ZipOutputStream zip, String name, byte[] data, boolean deflate) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        if (!deflate) {
            CRC32 crc = new CRC32();
            crc.update(data);
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(data.length);
            entry.setCompressedSize(data.length);
            entry.setCrc(crc.getValue());
        }
        zip.putNextEntry(entry);
        zip.write(data);
        zip.closeEntry();
    }
}
