package dev.arpg.core.decode;

/**
 * The outcome of one generation.
 *
 * @param tokens generated tokens in raster order, {@code [images][tokens]}
 * @param order raster position decided j-th
 * @param seed the seed actually used
 * @param plan tokens and guidance scale per step
 */
public record DecodeResult(int[][] tokens, int[] order, long seed, DecodePlan plan) {
}
