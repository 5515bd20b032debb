package dev.arpg.core.train;

/**
 * Linear warm-up to the peak rate, then cosine decay to the floor at the last step (the ARPG recipe:
 * warm-up, then cosine to 1e-5).
 *
 * @param peak learning rate after warm-up
 * @param floor learning rate at the last step
 * @param warmupSteps steps of linear warm-up
 * @param totalSteps steps of the whole run
 */
public record LearningRateSchedule(double peak, double floor, int warmupSteps, int totalSteps) {
    /**
     * The rate of a step.
     *
     * @param step 0-based step
     * @return the learning rate
     */
    public double at(long step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
        return floor + 0.5 * (peak - floor) * (1 + Math.cos(Math.PI * progress));
    }
}
