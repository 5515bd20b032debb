package dev.arpg.core.model;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.api.ModelLoadException;
import dev.arpg.core.weights.StateDict;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Sizes of an ARPG transformer. The presets match the published checkpoints (ARPG-SPEC section 2);
 * custom sizes are allowed for small models and tests.
 *
 * @param dim model width
 * @param layers total decoder layers (half self-attention, half cross-attention)
 * @param heads attention heads
 * @param vocabSize image tokens (codebook size)
 * @param numClasses class labels
 * @param blockSize tokens per image; a perfect square (the token grid)
 * @param ropeBase rotary base
 * @param normEps RMSNorm epsilon
 * @param classDropoutProb probability that training replaces the class with the null class
 */
public record ArpgConfig(
        int dim,
        int layers,
        int heads,
        int vocabSize,
        int numClasses,
        int blockSize,
        double ropeBase,
        double normEps,
        double classDropoutProb) {

    /** ARPG-L: 1024 wide, 24 layers, 16 heads (arpg_300m.pt). */
    public static final ArpgConfig ARPG_L = published(1024, 24, 16);
    /** ARPG-XL: 1280 wide, 36 layers, 20 heads (arpg_700m.pt). */
    public static final ArpgConfig ARPG_XL = published(1280, 36, 20);
    /** ARPG-XXL: 1536 wide, 48 layers, 24 heads (arpg_1b.pt). */
    public static final ArpgConfig ARPG_XXL = published(1536, 48, 24);

    /**
     * Checks that the sizes describe a buildable model.
     *
     * @param dim model width
     * @param layers total decoder layers (half self-attention, half cross-attention)
     * @param heads attention heads
     * @param vocabSize image tokens (codebook size)
     * @param numClasses class labels
     * @param blockSize tokens per image; a perfect square (the token grid)
     * @param ropeBase rotary base
     * @param normEps RMSNorm epsilon
     * @param classDropoutProb probability that training replaces the class with the null class
     */
    public ArpgConfig {
        require(dim > 0 && heads > 0 && dim % heads == 0, "dim must be a positive multiple of heads");
        require((dim / heads) % 4 == 0, "head dim (dim / heads) must be a multiple of 4 for 2D RoPE");
        require(layers >= 2 && layers % 2 == 0, "layers must be even and >= 2 (self + cross halves)");
        require(vocabSize > 0 && numClasses > 0, "vocabSize and numClasses must be > 0");
        int grid = (int) Math.round(Math.sqrt(blockSize));
        require(blockSize > 0 && grid * grid == blockSize, "blockSize must be a perfect square");
        require(ropeBase > 0 && normEps > 0, "ropeBase and normEps must be > 0");
        require(classDropoutProb >= 0 && classDropoutProb < 1, "classDropoutProb must be in [0, 1)");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new InvalidRequestException("ArpgConfig: " + message);
        }
    }

    private static ArpgConfig published(int dim, int layers, int heads) {
        return new ArpgConfig(dim, layers, heads, 16384, 1000, 256, 10000, 1e-5, 0.1);
    }

    /**
     * A preset by its published name.
     *
     * @param name {@code ARPG-L}, {@code ARPG-XL} or {@code ARPG-XXL} (case-insensitive)
     * @return the preset
     * @throws InvalidRequestException for another name
     */
    public static ArpgConfig preset(String name) {
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "ARPG-L" -> ARPG_L;
            case "ARPG-XL" -> ARPG_XL;
            case "ARPG-XXL" -> ARPG_XXL;
            default -> throw new InvalidRequestException(
                    "unknown ARPG preset '" + name + "' (known: ARPG-L, ARPG-XL, ARPG-XXL)");
        };
    }

    /**
     * Reads the reference implementation's config JSON ({@code dim}, {@code n_layer}, {@code
     * n_head}, {@code vocab_size}, {@code num_classes}, {@code block_size}, optional {@code
     * rope_base}, {@code norm_eps}, {@code class_dropout_prob}).
     *
     * @param json the JSON text
     * @return the config
     */
    public static ArpgConfig fromReferenceJson(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        return new ArpgConfig(
                o.get("dim").getAsInt(),
                o.get("n_layer").getAsInt(),
                o.get("n_head").getAsInt(),
                o.get("vocab_size").getAsInt(),
                o.get("num_classes").getAsInt(),
                o.get("block_size").getAsInt(),
                o.has("rope_base") ? o.get("rope_base").getAsDouble() : 10000,
                o.has("norm_eps") ? o.get("norm_eps").getAsDouble() : 1e-5,
                o.has("class_dropout_prob") ? o.get("class_dropout_prob").getAsDouble() : 0.1);
    }

    /**
     * The config recorded in a weight file's metadata (key {@code config}, the reference's JSON), as
     * written by the golden harness and by this SDK's own bundles. Published {@code .pt} checkpoints
     * carry none: use a {@link #preset(String)} for them.
     *
     * @param weights a loaded state dict
     * @return the recorded config
     * @throws ModelLoadException if the file records no config
     */
    public static ArpgConfig recordedIn(StateDict weights) {
        String json = weights.metadata().get("config");
        if (json == null) {
            throw new ModelLoadException(weights.source() + " records no model config: name a preset "
                    + "(ARPG-L, ARPG-XL, ARPG-XXL) for it");
        }
        return fromReferenceJson(json);
    }

    /** @return width of one attention head */
    public int headDim() {
        return dim / heads;
    }

    /** @return blocks in each of the self- and cross-attention stages */
    public int layersPerStage() {
        return layers / 2;
    }

    /** @return SwiGLU hidden width: {@code int(2 * 4 * dim / 3)} rounded up to a multiple of 256 */
    public int ffnHidden() {
        int hidden = (int) (2 * (4 * dim) / 3.0);
        return (hidden + 255) / 256 * 256;
    }

    /** @return side of the square token grid */
    public int gridSize() {
        return (int) Math.round(Math.sqrt(blockSize));
    }

    /** @return the id of the [MASK] token, which is the start of every position query */
    public int maskTokenId() {
        return vocabSize;
    }

    /**
     * The token id of a class label.
     *
     * @param classLabel 0-based class label
     * @return {@code vocabSize + 1 + classLabel}
     * @throws InvalidRequestException if the label is outside [0, numClasses)
     */
    public int classTokenId(int classLabel) {
        if (classLabel < 0 || classLabel >= numClasses) {
            throw new InvalidRequestException(
                    "class label " + classLabel + " is outside [0, " + numClasses + ")");
        }
        return vocabSize + 1 + classLabel;
    }

    /** @return the id of the null class used for classifier-free guidance */
    public int nullClassTokenId() {
        return vocabSize + numClasses + 1;
    }

    /** @return rows of the embedding table: image tokens, mask, classes, null class, one reserved */
    public int embeddingRows() {
        return vocabSize + numClasses + 3;
    }

    /**
     * Every state-dict entry of this model, in the order PyTorch writes them, with its shape.
     * Computed from the config alone: nothing is allocated.
     *
     * @return parameter name to shape
     */
    public Map<String, long[]> parameterShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        long d = dim;
        long h = ffnHidden();
        shapes.put("embeddings.weight", new long[] {embeddingRows(), d});
        for (int i = 0; i < layersPerStage(); i++) {
            String p = "layers.self_dec." + i + ".";
            for (String proj : new String[] {"to_q", "to_k", "to_v", "proj"}) {
                shapes.put(p + "attn." + proj + ".weight", new long[] {d, d});
            }
            putFeedForward(shapes, p, d, h);
        }
        for (int i = 0; i < layersPerStage(); i++) {
            String p = "layers.cross_dec." + i + ".";
            shapes.put(p + "attn.to_q.weight", new long[] {d, d});
            shapes.put(p + "attn.proj.weight", new long[] {d, d});
            putFeedForward(shapes, p, d, h);
        }
        shapes.put("layers.norm.weight", new long[] {d});
        shapes.put("layers.to_k.weight", new long[] {d, d});
        shapes.put("layers.to_v.weight", new long[] {d, d});
        shapes.put("norm.weight", new long[] {d});
        shapes.put("head.weight", new long[] {vocabSize, d});
        return shapes;
    }

    private static void putFeedForward(Map<String, long[]> shapes, String prefix, long d, long h) {
        shapes.put(prefix + "ffn.w1.weight", new long[] {h, d});
        shapes.put(prefix + "ffn.w3.weight", new long[] {h, d});
        shapes.put(prefix + "ffn.w2.weight", new long[] {d, h});
        shapes.put(prefix + "attn_norm.weight", new long[] {d});
        shapes.put(prefix + "ffn_norm.weight", new long[] {d});
    }
}
