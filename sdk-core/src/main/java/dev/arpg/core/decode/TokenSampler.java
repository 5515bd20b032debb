package dev.arpg.core.decode;

import dev.arpg.api.ArpgException;
import dev.arpg.api.SamplingSettings;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws one token per row of guided logits, in Java, from the request's own seeded generator:
 * temperature, top-k and top-p filtering as the reference's {@code top_k_top_p_filtering}, then
 * one draw by inverse CDF (DJL has no multinomial op). Greedy mode takes the argmax instead.
 *
 * <p>Top-p is applied per row over the vocabulary (the reference's scatter along the wrong axis
 * for 3-D logits is not reproduced). Tokens tied in logit with the last kept one are kept too.
 */
final class TokenSampler {
    private final SamplingSettings settings;
    private final SplittableRandom random;
    /** Scaled logits of the row being drawn; reused across draws so decoding makes little garbage. */
    private double[] z;
    /** Scratch for the top-k threshold. */
    private double[] sorted;

    TokenSampler(SamplingSettings settings, SplittableRandom random) {
        this.settings = settings;
        this.random = random;
    }

    /**
     * Picks one token from each row.
     *
     * @param logits rows of {@code vocab} guided logits, concatenated
     * @param vocab row length
     * @param step the step, for error messages
     * @return one token per row
     */
    int[] pick(float[] logits, int vocab, int step) {
        int rows = logits.length / vocab;
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) {
            int from = r * vocab;
            for (int i = from; i < from + vocab; i++) {
                if (!Float.isFinite(logits[i])) {
                    throw new ArpgException("the model produced a non-finite logit (" + logits[i]
                            + ") at step " + step + ": the weights are broken or not float32 ARPG weights");
                }
            }
            out[r] = settings.greedy() ? argmax(logits, from, vocab) : draw(logits, from, vocab);
        }
        return out;
    }

    private static int argmax(float[] x, int from, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (x[from + i] > x[from + best]) {
                best = i;
            }
        }
        return best;
    }

    private int draw(float[] logits, int from, int n) {
        double temperature = Math.max(settings.temperature(), 1e-5);
        if (z == null || z.length != n) {
            z = new double[n];
            sorted = new double[n];
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            z[i] = logits[from + i] / temperature;
            max = Math.max(max, z[i]);
        }
        double threshold = Double.NEGATIVE_INFINITY;
        if (settings.topK() > 0 && settings.topK() < n) {
            threshold = kthLargest(settings.topK());
        }
        if (settings.topP() < 1.0) {
            threshold = Math.max(threshold, nucleusThreshold(z, threshold, max, settings.topP()));
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            z[i] = z[i] >= threshold ? Math.exp(z[i] - max) : 0;
            total += z[i];
        }
        double u = random.nextDouble() * total;
        double acc = 0;
        int last = 0;
        for (int i = 0; i < n; i++) {
            if (z[i] > 0) {
                acc += z[i];
                last = i;
                if (u < acc) {
                    return i;
                }
            }
        }
        return last;
    }

    private double kthLargest(int k) {
        System.arraycopy(z, 0, sorted, 0, z.length);
        Arrays.sort(sorted);
        return sorted[sorted.length - k];
    }

    /** Smallest logit kept by nucleus filtering among the logits at or above {@code floor}. */
    private static double nucleusThreshold(double[] z, double floor, double max, double topP) {
        double[] sorted = Arrays.stream(z).filter(v -> v >= floor).sorted().toArray();
        double total = 0;
        for (double v : sorted) {
            total += Math.exp(v - max);
        }
        double cumulative = 0;
        for (int i = sorted.length - 1; i >= 0; i--) {
            if (cumulative / total > topP) {
                return sorted[i + 1];
            }
            cumulative += Math.exp(sorted[i] - max);
        }
        return sorted[0];
    }
}
