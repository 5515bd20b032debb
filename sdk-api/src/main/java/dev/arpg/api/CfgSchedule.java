package dev.arpg.api;

/** How the classifier-free guidance scale evolves over the decoding steps. */
public enum CfgSchedule {
    /** The scale is the guidance value at every step. */
    CONSTANT,
    /** The scale grows from 1 to the guidance value with the fraction of tokens decided. */
    LINEAR;

    /**
     * The guidance scale of a step.
     *
     * @param guidance the requested guidance value
     * @param decided tokens decided once this step is done (including this step's)
     * @param total tokens per image
     * @return the scale multiplied into {@code cond - uncond}
     */
    public double scale(double guidance, int decided, int total) {
        return switch (this) {
            case CONSTANT -> guidance;
            case LINEAR -> 1.0 + (guidance - 1.0) * decided / total;
        };
    }
}
