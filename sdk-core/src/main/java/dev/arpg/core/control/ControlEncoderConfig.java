package dev.arpg.core.control;

import dev.arpg.api.InvalidRequestException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sizes of a {@link ControlEncoder}.
 *
 * @param inChannels channels of the condition's control map
 * @param hidden channels inside the encoder
 * @param blocks residual blocks
 * @param downsampling pixels per token-grid cell (the tokenizer's downsampling; the stem's kernel and stride)
 * @param dim the transformer width (size of each query offset)
 */
public record ControlEncoderConfig(int inChannels, int hidden, int blocks, int downsampling, int dim) {
    /**
     * Checks the sizes.
     *
     * @param inChannels channels of the condition's control map
     * @param hidden channels inside the encoder
     * @param blocks residual blocks
     * @param downsampling pixels per token-grid cell (the tokenizer's downsampling; the stem's kernel and stride)
     * @param dim the transformer width (size of each query offset)
     */
    public ControlEncoderConfig {
        if (inChannels <= 0 || hidden <= 0 || blocks < 0 || downsampling <= 0 || dim <= 0) {
            throw new InvalidRequestException("ControlEncoderConfig: sizes must be positive (blocks >= 0), got "
                    + inChannels + ", " + hidden + ", " + blocks + ", " + downsampling + ", " + dim);
        }
    }

    /**
     * Every state-dict entry of the encoder with its shape, in order.
     *
     * @return name to shape
     */
    public Map<String, long[]> parameterShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("stem.weight", new long[] {hidden, inChannels, downsampling, downsampling});
        shapes.put("stem.bias", new long[] {hidden});
        for (int i = 0; i < blocks; i++) {
            for (String conv : new String[] {"conv1", "conv2"}) {
                shapes.put("blocks." + i + "." + conv + ".weight", new long[] {hidden, hidden, 3, 3});
                shapes.put("blocks." + i + "." + conv + ".bias", new long[] {hidden});
            }
        }
        shapes.put("proj.weight", new long[] {dim, hidden, 1, 1});
        shapes.put("proj.bias", new long[] {dim});
        return shapes;
    }
}
