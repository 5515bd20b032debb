package dev.arpg.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Element-wise comparisons that report the worst difference and where it is; every comparison also
 * prints its worst difference, so the test log doubles as a parity report.
 */
public final class Tensors {
    private Tensors() {
    }

    /**
     * Asserts that two arrays have the same length and differ by at most {@code tolerance}.
     *
     * @param what name of the compared tensor, for the message
     * @param actual computed values
     * @param expected reference values
     * @param tolerance largest allowed absolute difference
     * @return the largest absolute difference seen
     */
    public static double assertClose(String what, float[] actual, float[] expected, double tolerance) {
        assertThat(actual).as(what + " length").hasSameSizeAs(expected);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs((double) actual[i] - expected[i]);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        System.out.printf("parity %s: max |diff| %.3g over %d values (tolerance %.1g)%n", what, worst,
                actual.length, tolerance);
        double seen = worst;
        int index = at;
        assertThat(seen).as(() -> what + ": max |diff| " + seen + " at flat index " + index + " (actual "
                + actual[index] + ", expected " + expected[index] + ")").isLessThanOrEqualTo(tolerance);
        return worst;
    }
}
