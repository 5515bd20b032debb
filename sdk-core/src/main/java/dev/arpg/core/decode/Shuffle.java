package dev.arpg.core.decode;

import java.util.SplittableRandom;

/**
 * The one Fisher-Yates shuffle of the SDK, shared by the decoding order and the training orders so
 * both draw permutations the same way from a seeded generator.
 */
public final class Shuffle {
    private Shuffle() {
    }

    /**
     * Shuffles a copy of the values uniformly at random.
     *
     * @param values the values to permute
     * @param random the generator
     * @return a new array holding the values in random order
     */
    public static int[] of(int[] values, SplittableRandom random) {
        int[] p = values.clone();
        for (int i = p.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
