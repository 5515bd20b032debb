package dev.arpg.core.vq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.core.autograd.Autograd;
import dev.arpg.core.model.ActivationRecorder;
import dev.arpg.core.weights.HostTensor;
import dev.arpg.core.weights.StateDict;
import dev.arpg.core.weights.WeightBinding;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * LlamaGen's VQ tokenizer (ARPG-SPEC section 7) on DJL, float32: encoder, {@code quant_conv},
 * nearest-neighbour search in the L2-normalised codebook, {@code post_quant_conv} and decoder.
 * Parameters carry the PyTorch state-dict names, so published checkpoints load as they are;
 * weights stored in 16- or 64-bit floats are converted to float32.
 *
 * <p>The model is immutable once loaded and may be shared by concurrent requests. Every array a
 * call returns or records belongs to the manager of the caller's input array; each block's
 * temporaries live in a sub-manager of it that is closed when the block ends.
 */
public final class VqModel implements AutoCloseable {
    private static final float NORMALIZE_EPS = 1e-12f;

    private final VqConfig config;
    private final NDManager manager;
    private final VqLayers layers;
    private final Map<String, NDArray> params;
    /** Normalised codebook {@code [V, D]}, its transpose and its squared row norms {@code [V]}. */
    private final NDArray codebook;
    private final NDArray codebookT;
    private final NDArray codebookSquares;

    /**
     * The result of {@link #encode}.
     *
     * @param indices I64 {@code [B, grid²]}: nearest codebook entry per latent, raster order
     * @param quant float32 {@code [B, D, grid, grid]}: the normalised latent moved onto its code
     *     vector ({@code z + (code - z)}, the reference's {@code encode()[0]})
     */
    public record Encoding(NDArray indices, NDArray quant) {
    }

    private VqModel(VqConfig config, NDManager manager, Map<String, NDArray> params) {
        this.config = config;
        this.manager = manager;
        this.layers = new VqLayers(params);
        this.params = Collections.unmodifiableMap(params);
        this.codebook = l2Normalize(params.get("quantize.embedding.weight"));
        this.codebookT = codebook.transpose();
        this.codebookSquares = codebook.square().sum(new int[] {1});
    }

    /**
     * Loads a model from a state dict, checking every name and shape first. The unused {@code
     * quantize.codebook_used} buffer may be present or not.
     *
     * @param config the model sizes
     * @param weights the state dict ({@code vq_ds16_c2i.pt}, safetensors, ...)
     * @param parent manager under which the model's own manager is created
     * @return the model; close it to free its weights
     * @throws dev.arpg.api.ModelLoadException listing every missing key and shape mismatch
     */
    public static VqModel load(VqConfig config, StateDict weights, NDManager parent) {
        Map<String, long[]> shapes = config.parameterShapes();
        WeightBinding.check("VQ tokenizer " + config, shapes, weights);
        NDManager manager = parent.newSubManager();
        try {
            Map<String, NDArray> params = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                // Always float32, whatever the file stores (F16, BF16, F64).
                params.put(e.getKey(), HostTensor.float32(List.of(weights.get(e.getKey())),
                        storedShape(e.getKey(), e.getValue()), manager));
            }
            return new VqModel(config, manager, params);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** GroupNorm gains and biases are kept as {@code [C, 1, 1]} so they broadcast over feature maps. */
    private static Shape storedShape(String name, long[] shape) {
        boolean groupNormAffine = name.contains("norm") && shape.length == 1;
        return groupNormAffine ? new Shape(shape[0], 1, 1) : new Shape(shape);
    }

    /**
     * A new model to train: convolution weights and biases uniform in +-1/sqrt(fan in) (PyTorch's
     * default scale), GroupNorm gains one and biases zero, the codebook uniform in +-1/V (the
     * reference's init). Drawn in Java from the seed.
     *
     * @param config the model sizes
     * @param seed the seed
     * @param parent manager under which the model's own manager is created
     * @return the model
     */
    public static VqModel initialized(VqConfig config, long seed, NDManager parent) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        Map<String, Long> fanIn = new HashMap<>();
        config.parameterShapes().forEach((name, shape) -> {
            long count = 1;
            for (long d : shape) {
                count *= d;
            }
            float[] v = new float[Math.toIntExact(count)];
            if (name.equals("quantize.embedding.weight")) {
                fill(v, random, 1.0 / shape[0]);
            } else if (shape.length == 1 && name.contains("norm")) {
                if (name.endsWith(".weight")) {
                    Arrays.fill(v, 1f);
                }
            } else if (name.endsWith(".weight")) {
                fanIn.put(name.substring(0, name.length() - ".weight".length()), count / shape[0]);
                fill(v, random, 1.0 / Math.sqrt(count / shape[0]));
            } else {
                fill(v, random, 1.0 / Math.sqrt(fanIn.get(name.substring(0, name.length() - ".bias".length()))));
            }
            tensors.put(name, HostTensor.ofFloats(shape, v));
        });
        return load(config, StateDict.inMemory("new VQ model (seed " + seed + ")", tensors, Map.of()), parent);
    }

    private static void fill(float[] v, SplittableRandom random, double bound) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
    }

    /**
     * The parameters by state-dict name, for training (GroupNorm affines shaped {@code [C, 1, 1]}).
     * After training, export with {@link #stateDict()} and load a new model: the normalised codebook
     * used by {@link #encode} and {@link #decodeCode} is computed once at load.
     *
     * @return name to parameter
     */
    public Map<String, NDArray> parameters() {
        return params;
    }

    /**
     * The weights as a state dict with the reference's names and shapes.
     *
     * @return name to tensor, in state-dict order
     */
    public Map<String, HostTensor> stateDict() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        config.parameterShapes().forEach((name, shape) -> out.put(name, HostTensor.ofFloats(shape,
                params.get(name).toFloatArray())));
        return out;
    }

    /**
     * What a training step needs from one forward pass.
     *
     * @param reconstruction decoded images {@code [B, 3, S, S]}
     * @param codebookLoss mean squared distance of the chosen codes to the (fixed) latents: moves the codebook
     * @param commitmentLoss mean squared distance of the latents to the (fixed) codes: moves the encoder
     */
    public record TrainingOutput(NDArray reconstruction, NDArray codebookLoss, NDArray commitmentLoss) {
    }

    /**
     * A differentiable forward pass: encoder, L2-normalised codebook search on the current weights,
     * straight-through quantisation ({@code z + sg(code - z)}), decoder.
     *
     * @param images float32 {@code [B, 3, S, S]} in [-1, 1]
     * @return reconstruction and the two codebook losses
     */
    public TrainingOutput trainingForward(NDArray images) {
        int size = config.imageSize();
        requireShape(images, "images", 3, size, size);
        NDManager m = images.getManager();
        NDArray latent = layers.conv(encoder(images, ActivationRecorder.NONE), "quant_conv");
        long b = latent.getShape().get(0);
        int d = config.codebookDim();
        int g = config.gridSize();
        NDArray z = smoothNormalize(latent.transpose(0, 2, 3, 1).reshape(-1, d));
        NDArray codes = smoothNormalize(params.get("quantize.embedding.weight").get(m, new NDIndex(":")));
        NDArray fixedZ = z.stopGradient();
        NDArray fixedCodes = codes.stopGradient();
        NDArray indices = fixedZ.matMul(fixedCodes.transpose()).mul(-2f)
                .add(fixedCodes.square().sum(new int[] {1})).argMin(1);
        NDArray q = codes.get(m, new NDIndex("{}", indices));
        NDArray codebookLoss = q.sub(fixedZ).square().mean();
        NDArray commitmentLoss = z.sub(q.stopGradient()).square().mean();
        NDArray straightThrough = z.add(q.sub(z).stopGradient()).reshape(b, g, g, d).transpose(0, 3, 1, 2);
        return new TrainingOutput(decode(straightThrough, ActivationRecorder.NONE), codebookLoss, commitmentLoss);
    }

    /** @return the model sizes */
    public VqConfig config() {
        return config;
    }

    /** @return the manager that owns the weights; requests may create sub-managers of it */
    public NDManager manager() {
        return manager;
    }

    /**
     * The L2-normalised codebook the search and lookups use.
     *
     * @return float32 {@code [V, D]}, owned by the model: do not close or modify it
     */
    public NDArray normalizedCodebook() {
        return codebook;
    }

    /**
     * Encodes images to codebook indices.
     *
     * @param images float32 {@code [B, 3, S, S]} in [-1, 1], S = {@link VqConfig#imageSize()}
     * @param recorder receives {@code encoder.*} block outputs (as {@link #decode}'s names) and
     *     {@code quant_conv} (the latent before quantisation)
     * @return the indices and the quantised latent
     * @throws InvalidRequestException if the images have another shape
     */
    public Encoding encode(NDArray images, ActivationRecorder recorder) {
        int size = config.imageSize();
        requireShape(images, "images", 3, size, size);
        NDArray latent = layers.conv(encoder(images, recorder), "quant_conv");
        recorder.record("quant_conv", latent);
        return quantize(latent);
    }

    private Encoding quantize(NDArray latent) {
        long b = latent.getShape().get(0);
        int d = config.codebookDim();
        int g = config.gridSize();
        NDArray z = l2Normalize(latent.transpose(0, 2, 3, 1).reshape(-1, d));
        NDArray distances = z.square().sum(new int[] {1}, true).add(codebookSquares)
                .sub(z.matMul(codebookT).mul(2f));
        NDArray indices = distances.argMin(1);
        NDArray code = codebook.get(latent.getManager(), new NDIndex("{}", indices));
        NDArray quant = z.add(code.sub(z)).reshape(b, g, g, d).transpose(0, 3, 1, 2);
        return new Encoding(indices.reshape(b, (long) g * g), quant);
    }

    /**
     * Decodes token grids, as the reference's {@code decode_code}.
     *
     * @param codes integer {@code [B, grid²]} codebook indices in raster order
     * @param recorder receives {@code post_quant_conv} and the {@code decoder.*} module outputs
     * @return float32 {@code [B, 3, S, S]}, roughly in [-1, 1], unclamped
     * @throws InvalidRequestException if the shape is wrong or a code is outside [0, V)
     */
    public NDArray decodeCode(NDArray codes, ActivationRecorder recorder) {
        int g = config.gridSize();
        requireShape(codes, "codes", (long) g * g);
        if (codes.getDataType().isFloating()) {
            throw new InvalidRequestException("codes must be integers, got " + codes.getDataType());
        }
        long min = codes.min().toType(DataType.INT64, false).getLong();
        long max = codes.max().toType(DataType.INT64, false).getLong();
        if (min < 0 || max >= config.codebookSize()) {
            throw new InvalidRequestException("codes must lie in [0, " + config.codebookSize()
                    + "), got values from " + min + " to " + max);
        }
        long b = codes.getShape().get(0);
        NDArray vectors = codebook.get(codes.getManager(), new NDIndex("{}", codes.reshape(-1)));
        NDArray quant = vectors.reshape(b, g, g, config.codebookDim()).transpose(0, 3, 1, 2);
        return decode(quant, recorder);
    }

    /**
     * Decodes quantised latents, as the reference's {@code decode}.
     *
     * @param quant float32 {@code [B, D, grid, grid]}
     * @param recorder receives {@code post_quant_conv} and the {@code decoder.*} module outputs
     * @return float32 {@code [B, 3, S, S]}, unclamped
     */
    public NDArray decode(NDArray quant, ActivationRecorder recorder) {
        int g = config.gridSize();
        requireShape(quant, "quant", config.codebookDim(), g, g);
        NDArray h = layers.conv(quant, "post_quant_conv");
        recorder.record("post_quant_conv", h);
        return decoder(h, recorder);
    }

    private NDArray encoder(NDArray x, ActivationRecorder recorder) {
        NDArray h = record(recorder, "encoder.conv_in", layers.conv(x, "encoder.conv_in"));
        int top = config.levels() - 1;
        for (int level = 0; level <= top; level++) {
            String p = "encoder.conv_blocks." + level + ".";
            h = level(h, p, config.encoderResBlocks(), level == top, recorder);
            if (level != top) {
                h = record(recorder, p + "downsample", VqLayers.consumed(h, v -> layers.downsample(v, p + "downsample.")));
            }
        }
        h = middle(h, "encoder.mid.", recorder);
        return tail(h, "encoder.", recorder);
    }

    private NDArray decoder(NDArray z, ActivationRecorder recorder) {
        NDArray h = record(recorder, "decoder.conv_in", VqLayers.consumed(z, v -> layers.conv(v, "decoder.conv_in")));
        h = middle(h, "decoder.mid.", recorder);
        int top = config.levels() - 1;
        for (int i = 0; i <= top; i++) {
            String p = "decoder.conv_blocks." + i + ".";
            h = level(h, p, config.decoderResBlocks(), i == 0, recorder);
            if (i != top) {
                h = record(recorder, p + "upsample", VqLayers.consumed(h, v -> layers.upsample(v, p + "upsample.")));
            }
        }
        return tail(h, "decoder.", recorder);
    }

    /** ResNet blocks of one level, each followed by its attention block where the level has them. */
    private NDArray level(NDArray h, String prefix, int blocks, boolean attention, ActivationRecorder recorder) {
        for (int j = 0; j < blocks; j++) {
            String res = prefix + "res." + j;
            h = record(recorder, res, VqLayers.consumed(h, v -> layers.resBlock(v, res + ".")));
            if (attention) {
                String attn = prefix + "attn." + j;
                h = record(recorder, attn, VqLayers.consumed(h, v -> layers.attnBlock(v, attn + ".")));
            }
        }
        return h;
    }

    private NDArray middle(NDArray h, String prefix, ActivationRecorder recorder) {
        h = record(recorder, prefix + "0", VqLayers.consumed(h, v -> layers.resBlock(v, prefix + "0.")));
        h = record(recorder, prefix + "1", VqLayers.consumed(h, v -> layers.attnBlock(v, prefix + "1.")));
        return record(recorder, prefix + "2", VqLayers.consumed(h, v -> layers.resBlock(v, prefix + "2.")));
    }

    /** {@code norm_out} (recorded before the swish), swish, {@code conv_out}. */
    private NDArray tail(NDArray h, String prefix, ActivationRecorder recorder) {
        NDArray normed = record(recorder, prefix + "norm_out",
                VqLayers.consumed(h, v -> layers.groupNormInPlace(v, prefix + "norm_out")));
        return record(recorder, prefix + "conv_out",
                VqLayers.consumed(normed, v -> layers.conv(VqLayers.swish(v), prefix + "conv_out")));
    }

    private static NDArray record(ActivationRecorder recorder, String name, NDArray value) {
        recorder.record(name, value);
        return value;
    }

    /** {@code F.normalize(x, dim=-1)}: rows divided by max(L2 norm, 1e-12). */
    private static NDArray l2Normalize(NDArray x) {
        return x.div(Autograd.atLeast(x.square().sum(new int[] {-1}, true).sqrt(), NORMALIZE_EPS));
    }

    /**
     * Rows divided by {@code sqrt(|x|^2 + 1e-12)}: equal to {@link #l2Normalize} for non-degenerate
     * rows, and differentiable at zero (training would otherwise turn a zero row into NaN gradients).
     */
    private static NDArray smoothNormalize(NDArray x) {
        return x.div(x.square().sum(new int[] {-1}, true).add(1e-12f).sqrt());
    }

    /** Checks {@code [B, perItem...]} with B &gt; 0. */
    private static void requireShape(NDArray array, String what, long... perItem) {
        Shape s = array.getShape();
        boolean ok = s.dimension() == perItem.length + 1 && s.get(0) > 0
                && s.slice(1).equals(new Shape(perItem));
        if (!ok) {
            throw new InvalidRequestException(what + " must have shape [B, " + new Shape(perItem)
                    .toString().replaceAll("[()]", "") + "] with B > 0, got " + s);
        }
    }

    /** Frees the weights. */
    @Override
    public void close() {
        manager.close();
    }
}
