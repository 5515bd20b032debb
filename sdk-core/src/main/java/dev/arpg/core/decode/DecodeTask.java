package dev.arpg.core.decode;

import dev.arpg.api.InvalidRequestException;
import dev.arpg.api.SamplingSettings;
import dev.arpg.core.control.ControlQueries;
import java.util.Objects;

/**
 * What the {@link ParallelDecoder} generates: one token grid per class label, the sampling settings,
 * optionally known tokens that are fed first and kept (zero-shot editing), and optionally control
 * queries with their own guidance.
 *
 * @param classLabels class label per image; {@link #UNCONDITIONAL} for an image without class
 * @param knownTokens per grid cell the token to keep, or -1 to generate; null to generate all
 * @param settings sampling settings
 * @param control the position queries (conditions), {@link ControlQueries#none()} without control
 * @param controlGuidance when positive, a third batch runs without control and the logits move by
 *     {@code controlGuidance * (controlled - uncontrolled)}
 */
public record DecodeTask(int[] classLabels, int[] knownTokens, SamplingSettings settings, ControlQueries control,
        double controlGuidance) {
    /** The label of an image generated without class (the null class in both CFG halves). */
    public static final int UNCONDITIONAL = -1;

    /**
     * Checks the parts that do not depend on the model.
     *
     * @param classLabels class label per image; {@link #UNCONDITIONAL} for an image without class
     * @param knownTokens per grid cell the token to keep, or -1 to generate; null to generate all
     * @param settings sampling settings
     * @param control the position queries (conditions), {@link ControlQueries#none()} without control
     * @param controlGuidance when positive, a third batch runs without control and the logits move by
     *     {@code controlGuidance * (controlled - uncontrolled)}
     */
    public DecodeTask {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(control, "control");
        if (classLabels == null || classLabels.length == 0) {
            throw new InvalidRequestException("the batch is empty: give at least one class label");
        }
        if (!(Double.isFinite(controlGuidance) && controlGuidance >= 0)) {
            throw new InvalidRequestException("controlGuidance must be finite and >= 0, got " + controlGuidance);
        }
        classLabels = classLabels.clone();
        knownTokens = knownTokens == null ? null : knownTokens.clone();
    }

    /**
     * Plain class-conditional generation.
     *
     * @param settings sampling settings
     * @param classLabels one label per image
     * @return the task
     */
    public static DecodeTask classes(SamplingSettings settings, int... classLabels) {
        return new DecodeTask(classLabels, null, settings, ControlQueries.none(), 0);
    }
}
