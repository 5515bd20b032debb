package dev.arpg.api;

/** Told after every decoding step, on the generating thread. */
@FunctionalInterface
public interface ProgressListener {
    /** Listens to nothing. */
    ProgressListener NONE = p -> { };

    /**
     * Called after each step.
     *
     * @param progress the state after the step
     */
    void onStep(Progress progress);
}
