package dev.arpg.conditions.depth;

import java.awt.image.BufferedImage;
import java.util.Map;

/**
 * Computes a depth map from an RGB image (monocular depth estimation). Implement it to plug any
 * model in; {@link dev.arpg.conditions.depth.torchscript.TorchScriptDepthEstimator} runs a
 * user-supplied TorchScript model. Use one with {@link EstimatedDepthCondition}, or call it and pass
 * {@link DepthMaps#toImage} of the result as the control image of the {@code depth} condition.
 */
public interface DepthEstimator extends AutoCloseable {
    /**
     * Estimates depth.
     *
     * @param image an RGB image, any {@link BufferedImage} type (alpha composited on white)
     * @return the raw map in the estimator's convention (MiDaS-style estimators: relative inverse
     *     depth, near = large), any size
     * @throws dev.arpg.api.InvalidRequestException if the image cannot be used
     */
    DepthMap estimate(BufferedImage image);

    /** @return settings to report with the condition's parameters (none by default) */
    default Map<String, String> parameters() {
        return Map.of();
    }

    /** Releases the estimator's resources; the default does nothing. */
    @Override
    default void close() {
    }
}
