package dev.arpg.core.weights;

import dev.arpg.api.ModelLoadException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An ordered name &rarr; tensor map read from a weight file, plus its string metadata (the
 * safetensors {@code __metadata__}; empty for torch checkpoints). Reading a file reads its header
 * (or pickle) only: each tensor's bytes are read from the file when the tensor is used, typically
 * once, when a model loads it. Keep the file unchanged until then; a tensor whose file has changed
 * since (another size, modification time or file) throws {@link ModelLoadException} instead of
 * reading other values.
 */
public final class StateDict {
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    private static final int PICKLE_PROTO = 0x80;

    private final Path source;
    private final Map<String, HostTensor> tensors;
    private final Map<String, String> metadata;

    StateDict(Path source, Map<String, HostTensor> tensors, Map<String, String> metadata) {
        this.source = source;
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * A state dict built in memory (fresh initialisations, converted weights).
     *
     * @param description what it is, used in messages in place of a file name
     * @param tensors the tensors, in order
     * @param metadata string metadata
     * @return the state dict
     */
    public static StateDict inMemory(String description, Map<String, HostTensor> tensors, Map<String, String> metadata) {
        return new StateDict(Path.of(description), tensors, metadata);
    }

    /**
     * Reads a weight file, choosing the format from its first bytes: a zip archive is read as a
     * {@code torch.save} checkpoint ({@link TorchCheckpointReader}), anything else as safetensors
     * ({@link SafetensorsReader}).
     *
     * @param file the weight file
     * @return its tensors, in file order
     * @throws ModelLoadException if the file cannot be read or is corrupt or unsafe
     */
    public static StateDict read(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(ZIP_MAGIC.length);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read weight file " + file + ": " + e, e);
        }
        if (head.length == ZIP_MAGIC.length && Arrays.equals(head, ZIP_MAGIC)) {
            return TorchCheckpointReader.read(file);
        }
        if (head.length > 0 && (head[0] & 0xFF) == PICKLE_PROTO) {
            throw new ModelLoadException("cannot load " + file
                    + ": legacy (pre-1.6, non-zip) torch.save format is not supported;"
                    + " re-save it with a current torch or convert it to safetensors");
        }
        return SafetensorsReader.read(file);
    }

    /**
     * Returns the tensor names in file order.
     *
     * @return an unmodifiable, ordered set
     */
    public Set<String> names() {
        return tensors.keySet();
    }

    /**
     * Returns a tensor by name.
     *
     * @param name the state-dict key, e.g. {@code embeddings.weight}
     * @return the tensor
     * @throws ModelLoadException naming the key and file if there is no such tensor
     */
    public HostTensor get(String name) {
        HostTensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new ModelLoadException("no tensor '" + name + "' in " + source);
        }
        return tensor;
    }

    /**
     * Tells whether a tensor exists.
     *
     * @param name the state-dict key
     * @return true if present
     */
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /**
     * Returns the string metadata of the file.
     *
     * @return an unmodifiable map; empty for torch checkpoints
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Returns the file the tensors were read from.
     *
     * @return the path given to the reader
     */
    public Path source() {
        return source;
    }

    /**
     * Returns the number of tensors.
     *
     * @return the tensor count
     */
    public int size() {
        return tensors.size();
    }

    @Override
    public String toString() {
        return "StateDict[" + source + ", " + tensors.size() + " tensors]";
    }
}
