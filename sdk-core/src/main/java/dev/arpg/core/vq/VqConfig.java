package dev.arpg.core.vq;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.arpg.api.InvalidRequestException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sizes of a LlamaGen VQ tokenizer (ARPG-SPEC section 7): a convolutional encoder and decoder
 * around an L2-normalised codebook. GroupNorm always uses {@value #NORM_GROUPS} groups.
 *
 * @param baseChannels channels of the first encoder level ({@code ch}, 128 in the published model)
 * @param channelMultipliers per-level channel multipliers ({@code ch_mult}); the image is halved
 *     between consecutive levels
 * @param zChannels encoder output / decoder input channels
 * @param codebookSize number of codebook entries (tokens)
 * @param codebookDim width of a codebook entry
 * @param imageSize side of the square input/output image, in pixels
 * @param encoderResBlocks ResNet blocks per encoder level (2 in the reference)
 * @param decoderResBlocks ResNet blocks per decoder level (3 = 2 + 1 in the reference)
 */
public record VqConfig(
        int baseChannels,
        List<Integer> channelMultipliers,
        int zChannels,
        int codebookSize,
        int codebookDim,
        int imageSize,
        int encoderResBlocks,
        int decoderResBlocks) {

    /** GroupNorm groups of every normalisation layer. */
    public static final int NORM_GROUPS = 32;
    /** GroupNorm epsilon of every normalisation layer. */
    public static final double NORM_EPS = 1e-6;
    /** Length of the {@code quantize.codebook_used} buffer (fixed in the reference, unused here). */
    public static final long CODEBOOK_USED_LENGTH = 65536;

    /** LlamaGen VQ-16 ({@code vq_ds16_c2i.pt}): 256 px images to 16 x 16 tokens of 16384. */
    public static final VqConfig VQ_16 = new VqConfig(128, List.of(1, 1, 2, 2, 4), 256, 16384, 8, 256, 2, 3);

    /**
     * Checks that the sizes describe a buildable model.
     *
     * @param baseChannels channels of the first encoder level ({@code ch}, 128 in the published model)
     * @param channelMultipliers per-level channel multipliers ({@code ch_mult}); the image is halved
     *     between consecutive levels
     * @param zChannels encoder output / decoder input channels
     * @param codebookSize number of codebook entries (tokens)
     * @param codebookDim width of a codebook entry
     * @param imageSize side of the square input/output image, in pixels
     * @param encoderResBlocks ResNet blocks per encoder level (2 in the reference)
     * @param decoderResBlocks ResNet blocks per decoder level (3 = 2 + 1 in the reference)
     */
    public VqConfig {
        channelMultipliers = List.copyOf(channelMultipliers);
        require(!channelMultipliers.isEmpty(), "channelMultipliers must not be empty");
        require(baseChannels > 0, "baseChannels must be > 0");
        for (int mult : channelMultipliers) {
            require(mult > 0 && baseChannels * mult % NORM_GROUPS == 0,
                    "every level's channels (baseChannels * multiplier) must be a positive multiple of "
                            + NORM_GROUPS + " (GroupNorm groups)");
        }
        require(zChannels > 0 && codebookSize > 0 && codebookDim > 0,
                "zChannels, codebookSize and codebookDim must be > 0");
        int factor = 1 << (channelMultipliers.size() - 1);
        require(imageSize > 0 && imageSize % factor == 0,
                "imageSize must be a positive multiple of the downsampling factor " + factor);
        require(encoderResBlocks > 0 && decoderResBlocks > 0, "res blocks per level must be > 0");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new InvalidRequestException("VqConfig: " + message);
        }
    }

    /**
     * Reads the reference config JSON as stored in the golden files' {@code config} metadata
     * ({@code encoder_decoder_ch}, {@code encoder_ch_mult}, {@code z_channels}, {@code
     * codebook_size}, {@code codebook_embed_dim}, {@code num_res_blocks_used}). The image size is
     * not part of it.
     *
     * @param json the JSON text
     * @param imageSize side of the images, in pixels
     * @return the config
     */
    public static VqConfig fromReferenceJson(String json, int imageSize) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        if (!o.get("encoder_ch_mult").equals(o.get("decoder_ch_mult"))) {
            throw new InvalidRequestException("VqConfig: encoder and decoder ch_mult differ: " + json);
        }
        JsonArray mult = o.getAsJsonArray("encoder_ch_mult");
        List<Integer> multipliers = new ArrayList<>();
        mult.forEach(e -> multipliers.add(e.getAsInt()));
        int resBlocks = o.get("num_res_blocks_used").getAsInt();
        return new VqConfig(o.get("encoder_decoder_ch").getAsInt(), multipliers,
                o.get("z_channels").getAsInt(), o.get("codebook_size").getAsInt(),
                o.get("codebook_embed_dim").getAsInt(), imageSize, resBlocks, resBlocks + 1);
    }

    /** @return number of resolution levels */
    public int levels() {
        return channelMultipliers.size();
    }

    /** @return pixels per token along each axis: 2^(levels - 1) */
    public int downsampling() {
        return 1 << (levels() - 1);
    }

    /** @return tokens along each axis of the grid */
    public int gridSize() {
        return imageSize / downsampling();
    }

    /** @return channels at a level */
    int channels(int level) {
        return baseChannels * channelMultipliers.get(level);
    }

    /**
     * The learnable parameters, in state-dict order, with their shapes: every key the model
     * needs to load. Computed from the config alone; nothing is allocated.
     *
     * @return parameter name to shape
     */
    public Map<String, long[]> parameterShapes() {
        Map<String, long[]> shapes = stateDictShapes();
        shapes.remove("quantize.codebook_used");
        return shapes;
    }

    /**
     * The full state dict as the reference writes it: {@link #parameterShapes()} plus the unused
     * {@code quantize.codebook_used} buffer, in state-dict order.
     *
     * @return key to shape
     */
    public Map<String, long[]> stateDictShapes() {
        Map<String, long[]> s = new LinkedHashMap<>();
        int top = levels() - 1;
        conv(s, "encoder.conv_in", baseChannels, 3, 3);
        int in = baseChannels;
        for (int level = 0; level <= top; level++) {
            String p = "encoder.conv_blocks." + level + ".";
            in = levelShapes(s, p, in, channels(level), encoderResBlocks, level == top);
            if (level != top) {
                conv(s, p + "downsample.conv", in, in, 3);
            }
        }
        middle(s, "encoder.mid.", in);
        norm(s, "encoder.norm_out", in);
        conv(s, "encoder.conv_out", zChannels, in, 3);

        in = channels(top);
        conv(s, "decoder.conv_in", in, zChannels, 3);
        middle(s, "decoder.mid.", in);
        for (int i = 0; i <= top; i++) {
            String p = "decoder.conv_blocks." + i + ".";
            in = levelShapes(s, p, in, channels(top - i), decoderResBlocks, i == 0);
            if (i != top) {
                conv(s, p + "upsample.conv", in, in, 3);
            }
        }
        norm(s, "decoder.norm_out", in);
        conv(s, "decoder.conv_out", 3, in, 3);

        s.put("quantize.codebook_used", new long[] {CODEBOOK_USED_LENGTH});
        s.put("quantize.embedding.weight", new long[] {codebookSize, codebookDim});
        conv(s, "quant_conv", codebookDim, zChannels, 1);
        conv(s, "post_quant_conv", zChannels, codebookDim, 1);
        return s;
    }

    private static int levelShapes(Map<String, long[]> s, String prefix, int in, int out, int blocks,
            boolean attention) {
        for (int j = 0; j < blocks; j++) {
            resBlock(s, prefix + "res." + j + ".", j == 0 ? in : out, out);
        }
        if (attention) {
            for (int j = 0; j < blocks; j++) {
                attnBlock(s, prefix + "attn." + j + ".", out);
            }
        }
        return out;
    }

    private static void middle(Map<String, long[]> s, String prefix, int c) {
        resBlock(s, prefix + "0.", c, c);
        attnBlock(s, prefix + "1.", c);
        resBlock(s, prefix + "2.", c, c);
    }

    private static void resBlock(Map<String, long[]> s, String prefix, int in, int out) {
        norm(s, prefix + "norm1", in);
        conv(s, prefix + "conv1", out, in, 3);
        norm(s, prefix + "norm2", out);
        conv(s, prefix + "conv2", out, out, 3);
        if (in != out) {
            conv(s, prefix + "nin_shortcut", out, in, 1);
        }
    }

    private static void attnBlock(Map<String, long[]> s, String prefix, int c) {
        norm(s, prefix + "norm", c);
        for (String proj : new String[] {"q", "k", "v", "proj_out"}) {
            conv(s, prefix + proj, c, c, 1);
        }
    }

    private static void norm(Map<String, long[]> s, String name, int c) {
        s.put(name + ".weight", new long[] {c});
        s.put(name + ".bias", new long[] {c});
    }

    private static void conv(Map<String, long[]> s, String name, int out, int in, int kernel) {
        s.put(name + ".weight", new long[] {out, in, kernel, kernel});
        s.put(name + ".bias", new long[] {out});
    }
}
