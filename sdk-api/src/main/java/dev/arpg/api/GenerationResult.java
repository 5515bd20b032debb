package dev.arpg.api;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a generation: images, their token grids, and every setting actually used, so a
 * result can be reproduced and reported.
 *
 * @param images the generated images
 * @param tokens token grid per image, raster order
 * @param classLabels class label per image (-1 for unconditional)
 * @param sampling the sampling settings used, with the seed actually used
 * @param conditions each condition with the parameters it used
 * @param timings time per stage ({@code conditions}, {@code encode}, {@code decode-tokens}, {@code decode-images}, {@code total})
 */
public record GenerationResult(List<BufferedImage> images, List<int[]> tokens, int[] classLabels,
        SamplingSettings sampling, List<UsedCondition> conditions, Map<String, Duration> timings) {

    /**
     * A condition as it was applied.
     *
     * @param name condition name
     * @param parameters every parameter it used, defaults included
     * @param conditioningScale its scale
     * @param guidanceStart start of its active window
     * @param guidanceEnd end of its active window
     */
    public record UsedCondition(String name, Map<String, String> parameters, double conditioningScale,
            double guidanceStart, double guidanceEnd) {
    }

    /** @return the seed used */
    public long seed() {
        return sampling.seed().orElseThrow();
    }
}
