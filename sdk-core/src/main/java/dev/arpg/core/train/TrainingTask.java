package dev.arpg.core.train;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One model being trained: what a {@link TrainingLoop} needs to run steps and checkpoints.
 */
public interface TrainingTask {
    /**
     * The trainable parameters by state-dict name (they require gradients).
     *
     * @return name to parameter
     */
    Map<String, NDArray> parameters();

    /**
     * Computes the loss of one batch and backpropagates it. Runs inside a gradient collector that
     * the loop opens; the loop clips, steps the optimizer and zeroes the gradients.
     *
     * @param random the step's own generator (derived from the seed and the step, so a resumed run
     *     draws the same batches)
     * @param collector the open gradient collector
     * @return the losses of the step by name; {@code loss} is the one optimised
     */
    Map<String, Double> step(SplittableRandom random, ai.djl.training.GradientCollector collector);

    /** @return samples per step, for the samples/s figure */
    int batchSize();
}
