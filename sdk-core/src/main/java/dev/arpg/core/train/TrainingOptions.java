package dev.arpg.core.train;

import dev.arpg.api.InvalidRequestException;
import java.nio.file.Path;

/**
 * Settings of a training run.
 *
 * @param steps total optimiser steps
 * @param schedule learning rate per step
 * @param weightDecay AdamW decay on matrices
 * @param gradClip largest total gradient norm (0 disables clipping)
 * @param emaDecay decay of the exponential moving average of the weights (0 disables it)
 * @param seed seed of every random draw of the run
 * @param checkpointEvery steps between checkpoints (0: only at the end)
 * @param checkpoint checkpoint file (written atomically; a run resumes from it when it exists)
 * @param lossLog CSV file of the losses, appended to (null for none)
 */
public record TrainingOptions(int steps, LearningRateSchedule schedule, double weightDecay, double gradClip,
        double emaDecay, long seed, int checkpointEvery, Path checkpoint, Path lossLog) {
    /**
     * Checks the values.
     *
     * @param steps total optimiser steps
     * @param schedule learning rate per step
     * @param weightDecay AdamW decay on matrices
     * @param gradClip largest total gradient norm (0 disables clipping)
     * @param emaDecay decay of the exponential moving average of the weights (0 disables it)
     * @param seed seed of every random draw of the run
     * @param checkpointEvery steps between checkpoints (0: only at the end)
     * @param checkpoint checkpoint file (written atomically; a run resumes from it when it exists)
     * @param lossLog CSV file of the losses, appended to (null for none)
     */
    public TrainingOptions {
        if (steps < 1) {
            throw new InvalidRequestException("training steps must be >= 1, got " + steps);
        }
        if (gradClip < 0 || weightDecay < 0 || emaDecay < 0 || emaDecay >= 1 || checkpointEvery < 0) {
            throw new InvalidRequestException("training options out of range: gradClip " + gradClip + ", weightDecay "
                    + weightDecay + ", emaDecay " + emaDecay + ", checkpointEvery " + checkpointEvery);
        }
    }
}
