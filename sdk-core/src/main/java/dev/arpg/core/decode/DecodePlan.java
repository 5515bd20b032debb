package dev.arpg.core.decode;

import dev.arpg.api.InvalidRequestException;
import dev.arpg.api.SamplingSettings;

/**
 * How many tokens each step decides and the guidance scale of each step (ARPG-SPEC section 6),
 * computed in double precision exactly as the reference does. A step may decide zero tokens when
 * the schedule has already finished all but the last token before the last step.
 */
public final class DecodePlan {
    private final int tokens;
    private final int[] counts;
    private final int[] starts;
    private final double[] cfgScales;

    private DecodePlan(int tokens, int[] counts, int[] starts, double[] cfgScales) {
        this.tokens = tokens;
        this.counts = counts;
        this.starts = starts;
        this.cfgScales = cfgScales;
    }

    /**
     * Plans a generation.
     *
     * @param tokens tokens per image
     * @param settings steps, schedules and guidance
     * @return the plan
     * @throws InvalidRequestException if the steps are more than the tokens
     */
    public static DecodePlan of(int tokens, SamplingSettings settings) {
        int steps = settings.steps();
        if (steps > tokens) {
            throw new InvalidRequestException(
                    "steps must be between 1 and the " + tokens + " tokens of an image, got " + steps);
        }
        int[] counts = new int[steps];
        int[] starts = new int[steps];
        double[] scales = new double[steps];
        int done = 0;
        for (int s = 0; s < steps; s++) {
            double ratio = settings.sampleSchedule().maskRatio(s, steps);
            int masked = Math.max(1, Math.min(tokens - done - 1, (int) Math.floor(tokens * ratio)));
            int k = s == steps - 1 ? tokens - done : Math.max(0, tokens - done - masked);
            starts[s] = done;
            counts[s] = k;
            done += k;
            scales[s] = settings.cfgSchedule().scale(settings.guidance(), done, tokens);
        }
        return new DecodePlan(tokens, counts, starts, scales);
    }

    /** @return tokens per image */
    public int tokens() {
        return tokens;
    }

    /** @return number of steps */
    public int steps() {
        return counts.length;
    }

    /**
     * @param step 0-based step
     * @return tokens decided at that step
     */
    public int count(int step) {
        return counts[step];
    }

    /**
     * @param step 0-based step
     * @return tokens decided before that step
     */
    public int start(int step) {
        return starts[step];
    }

    /**
     * @param step 0-based step
     * @return the guidance scale of that step
     */
    public double cfgScale(int step) {
        return cfgScales[step];
    }

    /** @return tokens decided at every step (a copy) */
    public int[] counts() {
        return counts.clone();
    }
}
