package dev.arpg.core.train;

/**
 * Training examples by index. Implementations must be deterministic (the same index gives the same
 * sample) and thread-safe; a procedural dataset may be practically infinite.
 */
public interface TrainingDataset {
    /** @return number of samples */
    long size();

    /**
     * One sample.
     *
     * @param index in [0, size)
     * @return the sample
     */
    TrainingSample sample(long index);
}
