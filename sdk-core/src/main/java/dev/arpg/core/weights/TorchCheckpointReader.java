package dev.arpg.core.weights;

import dev.arpg.api.ModelLoadException;
import dev.arpg.core.weights.SafeUnpickler.StorageRef;
import dev.arpg.core.weights.SafeUnpickler.TensorRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads the state dict of a {@code torch.save} checkpoint (torch &ge; 1.6 zip format: {@code
 * <prefix>/data.pkl} plus one {@code <prefix>/data/<key>} entry per storage) as safely as {@code
 * torch.load(weights_only=True)}: the pickle is run by {@link SafeUnpickler}, which only knows an
 * allow-list of globals and executes nothing.
 *
 * <p>The state dict is the unpickled top-level dict if it holds tensors, else the first of its
 * {@code model}, {@code module}, {@code state_dict} or {@code ema} entries that is a dict holding
 * tensors; non-tensor entries are skipped. Only the pickle is read here: each tensor's bytes are
 * read from its storage's entry when the tensor is used, so loading a model does not hold its
 * weights twice (once as the checkpoint's storages, once as the model's).
 */
public final class TorchCheckpointReader {
    private static final String PICKLE_NAME = "data.pkl";
    private static final int MAX_PICKLE_BYTES = 512 * 1024 * 1024;
    private static final int MAX_STORAGE_BYTES = Integer.MAX_VALUE - 8;
    private static final List<String> NESTED_KEYS = List.of("model", "module", "state_dict", "ema");

    private final Path file;
    private final TensorBytes.WeightFile weightFile;
    private final ZipFile zip;
    private final String prefix;

    private TorchCheckpointReader(TensorBytes.WeightFile weightFile, ZipFile zip, String prefix) {
        this.file = weightFile.path();
        this.weightFile = weightFile;
        this.zip = zip;
        this.prefix = prefix;
    }

    /**
     * Reads the tensors of a checkpoint.
     *
     * @param file a {@code torch.save} zip file
     * @return its state dict in pickle order, with empty metadata
     * @throws ModelLoadException naming the file and the problem if it is not a readable zip,
     *     lacks {@code data.pkl} or a storage, has a corrupt pickle, references a global outside
     *     the allow-list or holds no tensors
     */
    public static StateDict read(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pickle = findPickle(file, zip);
            String name = pickle.getName();
            String prefix = name.substring(0, name.length() - PICKLE_NAME.length());
            if (pickle.getSize() > MAX_PICKLE_BYTES) {
                throw new ModelLoadException("cannot read torch checkpoint " + file + ": " + name + " has "
                        + pickle.getSize() + " bytes, more than the limit of " + MAX_PICKLE_BYTES);
            }
            byte[] pickleBytes = readEntry(zip, pickle, MAX_PICKLE_BYTES);
            Object top = SafeUnpickler.load(pickleBytes, file.toString());
            return new TorchCheckpointReader(TensorBytes.WeightFile.of(file), zip, prefix).toStateDict(top);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read torch checkpoint " + file
                    + ": not a readable zip archive (" + e.getMessage() + ")", e);
        }
    }

    private static ZipEntry findPickle(Path file, ZipFile zip) {
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry entry = entries.nextElement();
            if (entry.getName().equals(PICKLE_NAME) || entry.getName().endsWith("/" + PICKLE_NAME)) {
                return entry;
            }
        }
        throw new ModelLoadException("cannot read torch checkpoint " + file + ": the zip has no "
                + PICKLE_NAME + " entry");
    }

    private StateDict toStateDict(Object top) {
        Map<?, ?> dict = findStateDict(top);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : dict.entrySet()) {
            if (entry.getValue() instanceof TensorRef ref) {
                if (!(entry.getKey() instanceof String name)) {
                    throw new ModelLoadException("corrupt checkpoint " + file + ": a tensor has the non-string key "
                            + entry.getKey());
                }
                tensors.put(name, materialise(name, ref));
            }
        }
        return new StateDict(file, tensors, Map.of());
    }

    private Map<?, ?> findStateDict(Object top) {
        if (!(top instanceof Map<?, ?> map)) {
            throw new ModelLoadException("no state dict in " + file + ": the pickle holds "
                    + (top == null ? "None" : "a " + top.getClass().getSimpleName()) + ", not a dict");
        }
        if (holdsTensors(map)) {
            return map;
        }
        for (String key : NESTED_KEYS) {
            if (map.get(key) instanceof Map<?, ?> nested && holdsTensors(nested)) {
                return nested;
            }
        }
        throw new ModelLoadException("no tensors found in " + file + "; top-level keys: " + map.keySet());
    }

    private static boolean holdsTensors(Map<?, ?> map) {
        return map.values().stream().anyMatch(TensorRef.class::isInstance);
    }

    private HostTensor materialise(String name, TensorRef ref) {
        String where = "tensor '" + name + "' in " + file;
        TensorBytes storage = storage(where, ref.storage());
        return StorageView.materialise(where, storage, ref.storage().type(), ref.offset(), ref.size(), ref.stride());
    }

    /** The storage's bytes, read from its zip entry when used; an entry shorter than it is refused now. */
    private TensorBytes storage(String where, StorageRef ref) {
        String entryName = prefix + "data/" + ref.key();
        ZipEntry entry = zip.getEntry(entryName);
        if (entry == null) {
            throw new ModelLoadException("corrupt checkpoint: storage '" + ref.key() + "' of " + where
                    + " is missing (no zip entry " + entryName + ")");
        }
        long expected = ref.numel() * ref.type().byteSize();
        if (ref.numel() > MAX_STORAGE_BYTES || expected > MAX_STORAGE_BYTES) {
            throw new ModelLoadException("cannot load " + where + ": its storage of " + ref.numel()
                    + " elements exceeds 2 GiB");
        }
        if (entry.getSize() >= 0 && entry.getSize() < expected) {
            throw new ModelLoadException("corrupt checkpoint: storage entry " + entryName + " of " + where
                    + " has " + entry.getSize() + " bytes, expected " + expected);
        }
        return TensorBytes.zipEntry(weightFile, where, entryName, expected);
    }

    /**
     * Reads up to {@code limit} bytes of an entry, growing the buffer as bytes arrive: neither the
     * limit nor a length field decides what is allocated.
     */
    private static byte[] readEntry(ZipFile zip, ZipEntry entry, int limit) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readNBytes(limit);
        }
    }
}
