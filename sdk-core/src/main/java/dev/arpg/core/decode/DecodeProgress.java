package dev.arpg.core.decode;

/**
 * The state of a generation after one step.
 *
 * @param step 0-based step index
 * @param steps number of steps
 * @param positions raster positions decided at this step (may be empty)
 * @param cfgScale guidance scale used at this step
 * @param decided tokens decided so far, per image
 * @param tokens tokens so far in raster order, {@code [images][tokens]}, -1 where not yet decided
 */
public record DecodeProgress(int step, int steps, int[] positions, double cfgScale, int decided,
        int[][] tokens) {
}
