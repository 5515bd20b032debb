package dev.arpg.core.vq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arpg.api.ImageTokenizer;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.core.image.ImageResize;
import dev.arpg.core.image.ImageTensors;
import dev.arpg.core.model.ActivationRecorder;
import dev.arpg.core.weights.StateDict;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link ImageTokenizer} backed by a {@link VqModel}. Batches are processed in chunks of at most
 * {@link #chunkSize()} images, each in its own sub-manager of the model's manager that is closed
 * before the next chunk starts; only Java arrays and images outlive a call.
 */
public final class VqTokenizer implements ImageTokenizer {
    /**
     * Images per chunk when none is given: one. VQ-16 at 256 px decoded four images in 1.0-1.2 s each
     * and 1.6-1.9 GB (each activation then 128 MiB, past glibc's mmap threshold, so every op maps and
     * clears fresh pages), one at a time in 0.67-1.1 s each and 1.0-1.3 GB (docs/benchmarks.md,
     * session 22).
     */
    public static final int DEFAULT_CHUNK_SIZE = 1;

    private final VqModel model;
    private final int chunkSize;

    /**
     * Wraps a loaded model; the tokenizer owns it from now on and closes it in {@link #close()}.
     *
     * @param model the model
     * @param chunkSize images encoded or decoded together, &gt; 0
     * @throws InvalidRequestException if {@code chunkSize} is not positive
     */
    public VqTokenizer(VqModel model, int chunkSize) {
        if (chunkSize <= 0) {
            throw new InvalidRequestException("chunkSize must be > 0, got " + chunkSize);
        }
        this.model = model;
        this.chunkSize = chunkSize;
    }

    /**
     * Loads a tokenizer from a weight file ({@code vq_ds16_c2i.pt} or safetensors) with the
     * default chunk size.
     *
     * @param config the model sizes, e.g. {@link VqConfig#VQ_16}
     * @param weights the weight file
     * @param parent manager under which the weights are held
     * @return the tokenizer; close it to free the weights
     * @throws dev.arpg.api.ModelLoadException if the file is unreadable or does not match the config
     */
    public static VqTokenizer load(VqConfig config, Path weights, NDManager parent) {
        return new VqTokenizer(VqModel.load(config, StateDict.read(weights), parent), DEFAULT_CHUNK_SIZE);
    }

    /** @return images encoded or decoded together */
    public int chunkSize() {
        return chunkSize;
    }

    @Override
    public int imageSize() {
        return model.config().imageSize();
    }

    @Override
    public int downsampling() {
        return model.config().downsampling();
    }

    @Override
    public int gridSize() {
        return model.config().gridSize();
    }

    @Override
    public int codebookSize() {
        return model.config().codebookSize();
    }

    @Override
    public int[][] encode(ResizePolicy policy, BufferedImage... images) {
        List<BufferedImage> prepared = prepare(policy, images);
        int[][] tokens = new int[prepared.size()][];
        for (int start = 0; start < prepared.size(); start += chunkSize) {
            List<BufferedImage> chunk = prepared.subList(start, Math.min(start + chunkSize, prepared.size()));
            try (NDManager m = model.manager().newSubManager()) {
                NDArray x = ImageTensors.toTensor(m, chunk, imageSize());
                long[] indices = model.encode(x, ActivationRecorder.NONE).indices().toLongArray();
                int n = gridSize() * gridSize();
                for (int i = 0; i < chunk.size(); i++) {
                    tokens[start + i] = new int[n];
                    for (int j = 0; j < n; j++) {
                        tokens[start + i][j] = (int) indices[i * n + j];
                    }
                }
            }
        }
        return tokens;
    }

    private List<BufferedImage> prepare(ResizePolicy policy, BufferedImage[] images) {
        if (policy == null) {
            throw new InvalidRequestException("resize policy is null");
        }
        if (images == null || images.length == 0) {
            throw new InvalidRequestException("no image given");
        }
        int size = imageSize();
        List<BufferedImage> out = new ArrayList<>(images.length);
        for (int i = 0; i < images.length; i++) {
            BufferedImage image = images[i];
            if (image == null) {
                throw new InvalidRequestException("image " + i + " is null");
            }
            boolean fits = image.getWidth() == size && image.getHeight() == size;
            if (!fits && policy == ResizePolicy.REJECT) {
                throw new InvalidRequestException("image " + i + " is " + image.getWidth() + "x"
                        + image.getHeight() + " pixels but the tokenizer takes " + size + "x" + size
                        + "; resize it or pass ResizePolicy.CENTER_CROP_AND_SCALE");
            }
            out.add(fits ? image : ImageResize.centerCropAndScale(image, size));
        }
        return out;
    }

    @Override
    public BufferedImage[] decode(int[][] tokens) {
        long[] flat = validate(tokens);
        int n = gridSize() * gridSize();
        BufferedImage[] images = new BufferedImage[tokens.length];
        for (int start = 0; start < tokens.length; start += chunkSize) {
            int count = Math.min(chunkSize, tokens.length - start);
            try (NDManager m = model.manager().newSubManager()) {
                NDArray codes = m.create(Arrays.copyOfRange(flat, start * n, (start + count) * n), new Shape(count, n));
                BufferedImage[] chunk = ImageTensors.fromTensor(model.decodeCode(codes, ActivationRecorder.NONE));
                System.arraycopy(chunk, 0, images, start, count);
            }
        }
        return images;
    }

    /** Checks every row and token, naming the first bad one; returns the tokens flattened. */
    private long[] validate(int[][] tokens) {
        if (tokens == null || tokens.length == 0) {
            throw new InvalidRequestException("no token grid given");
        }
        int n = gridSize() * gridSize();
        long[] flat = new long[tokens.length * n];
        for (int i = 0; i < tokens.length; i++) {
            int[] row = tokens[i];
            if (row == null || row.length != n) {
                throw new InvalidRequestException("token row " + i + " has " + (row == null ? "no" : row.length)
                        + " tokens, expected " + n + " (" + gridSize() + "x" + gridSize() + " grid)");
            }
            for (int j = 0; j < n; j++) {
                if (row[j] < 0 || row[j] >= codebookSize()) {
                    throw new InvalidRequestException("token " + j + " of row " + i + " is " + row[j]
                            + ", outside [0, " + codebookSize() + ")");
                }
                flat[i * n + j] = row[j];
            }
        }
        return flat;
    }

    /** Frees the model's weights. */
    @Override
    public void close() {
        model.close();
    }
}
