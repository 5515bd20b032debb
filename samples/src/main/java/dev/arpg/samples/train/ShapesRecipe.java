package dev.arpg.samples.train;

import dev.arpg.core.bundle.ModelBundle;
import dev.arpg.core.control.ControlEncoderConfig;
import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.vq.VqConfig;
import dev.arpg.samples.shapes.ShapeKind;
import java.util.List;
import java.util.Map;

/**
 * The sizes of the embedded default model ("shapes"): 32x32 images, an 8x8 token grid, sized to
 * train on a 2-core CPU. See {@code samples/MODEL_CARD.md}.
 */
public final class ShapesRecipe {
    /** Image side in pixels. */
    public static final int IMAGE_SIZE = 32;
    /** The tokenizer: 32 px to 8x8 tokens of 512 codes. */
    public static final VqConfig VQ = new VqConfig(32, List.of(1, 2, 2), 32, 512, 8, IMAGE_SIZE, 1, 2);
    /**
     * The transformer: 192 wide, 3 self + 3 cross blocks, 4 heads, one class per shape kind, one
     * vocabulary entry per tokenizer code and one position per grid cell.
     */
    public static final ArpgConfig ARPG = new ArpgConfig(192, 6, 4, VQ.codebookSize(), ShapeKind.values().length,
            VQ.gridSize() * VQ.gridSize(), 10000, 1e-5, 0.1);
    /** Control encoders by condition name (both single-channel maps). */
    public static final Map<String, ControlEncoderConfig> CONTROLS = Map.of(
            "canny", new ControlEncoderConfig(1, 32, 2, VQ.downsampling(), ARPG.dim()),
            "depth", new ControlEncoderConfig(1, 32, 2, VQ.downsampling(), ARPG.dim()));
    /**
     * The sampling the bundle recommends: 64 steps (one token per step), constant guidance 2,
     * temperature 1, no top-k, top-p 0.8, outside-in order (chosen on class fidelity with held-out
     * seed 5, confirmed on seed 6; see the model card).
     */
    public static final ModelBundle.Sampling SAMPLING = new ModelBundle.Sampling(64, 2.0, "constant", "arccos", 1.0, 0,
            0.8, "outside-in");

    private ShapesRecipe() {
    }
}
