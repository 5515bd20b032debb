package dev.arpg.api;

import java.awt.image.BufferedImage;
import java.util.function.Supplier;

/**
 * Where a generation stands after one decoding step.
 */
public final class Progress {
    private final int step;
    private final int steps;
    private final int tokensDone;
    private final int tokensTotal;
    private final Supplier<BufferedImage[]> preview;

    /**
     * Creates a progress report.
     *
     * @param step 0-based step just finished
     * @param steps number of steps
     * @param tokensDone tokens known per image (including kept tokens of an edit)
     * @param tokensTotal tokens per image
     * @param preview decodes the tokens known so far on demand
     */
    public Progress(int step, int steps, int tokensDone, int tokensTotal, Supplier<BufferedImage[]> preview) {
        this.step = step;
        this.steps = steps;
        this.tokensDone = tokensDone;
        this.tokensTotal = tokensTotal;
        this.preview = preview;
    }

    /** @return 0-based step just finished */
    public int step() {
        return step;
    }

    /** @return number of steps */
    public int steps() {
        return steps;
    }

    /** @return tokens known per image */
    public int tokensDone() {
        return tokensDone;
    }

    /** @return tokens per image */
    public int tokensTotal() {
        return tokensTotal;
    }

    /**
     * Decodes the tokens known so far into images, unknown cells shown grey. Costs one tokenizer
     * decode: call it only when a preview is wanted.
     *
     * @return one preview per image
     */
    public BufferedImage[] preview() {
        return preview.get();
    }
}
