package dev.arpg.api;

/**
 * How many tokens each decoding step decides. The schedule gives the fraction of tokens still
 * masked after step {@code s}; ARPG decides few tokens first and many at the end.
 */
public enum SampleSchedule {
    /** {@code acos((s+1)/S) / (pi/2)}: the reference default. */
    ARCCOS,
    /** {@code cos(pi/2 * (s+1)/S)}. */
    COSINE;

    /**
     * Fraction of the tokens still masked after a step, computed in double precision exactly as
     * the reference does (a rearranged formula floors differently for some token counts).
     *
     * @param step the 0-based step index
     * @param steps the number of steps
     * @return the masked fraction, in [0, 1]
     */
    public double maskRatio(int step, int steps) {
        double t = (step + 1.0) / steps;
        return switch (this) {
            case ARCCOS -> Math.acos(t) / (Math.PI * 0.5);
            case COSINE -> Math.cos(Math.PI / 2.0 * t);
        };
    }
}
