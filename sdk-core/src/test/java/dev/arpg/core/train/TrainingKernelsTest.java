package dev.arpg.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrainingKernelsTest {
    @Test
    void expIsWithinAnUlpOfMathExp() {
        double worst = 0;
        for (int i = 0; i <= 2_000_000; i++) {
            float x = -87f + 175f * i / 2_000_000f;
            double expected = Math.exp(x);
            double relative = Math.abs(TrainingKernels.exp(x) - expected) / expected;
            worst = Math.max(worst, relative);
        }
        System.out.printf("TrainingKernels.exp: worst relative error %.3g on [-87, 88]%n", worst);
        assertThat(worst).isLessThan(2e-7);
        assertThat(TrainingKernels.exp(0f)).isEqualTo(1f);
        assertThat(TrainingKernels.exp(-100f)).isZero();
        assertThat(TrainingKernels.exp(Float.NEGATIVE_INFINITY)).isZero();
        assertThat(TrainingKernels.exp(Float.NaN)).isNaN();
    }

    @Test
    void swigluAndItsDerivativeMatchTheFormulas() {
        int rows = 5;
        int hidden = 21;
        SplittableRandom random = new SplittableRandom(3);
        float[] gateUp = values(random, rows * 2 * hidden, 6);
        float[] dOut = values(random, rows * hidden, 1);
        float[] sigmoid = new float[rows * hidden];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < hidden; i++) {
                sigmoid[r * hidden + i] = (float) (1 / (1 + Math.exp(-gateUp[r * 2 * hidden + i])));
            }
        }
        float[] out = new float[rows * hidden];
        float[] dGateUp = new float[rows * 2 * hidden];
        TrainingKernels.swiglu(FloatBuffer.wrap(gateUp), FloatBuffer.wrap(sigmoid), FloatBuffer.wrap(out), rows,
                hidden);
        TrainingKernels.swigluBackward(FloatBuffer.wrap(dOut), FloatBuffer.wrap(gateUp), FloatBuffer.wrap(sigmoid),
                FloatBuffer.wrap(dGateUp), rows, hidden);
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < hidden; i++) {
                double g = gateUp[r * 2 * hidden + i];
                double u = gateUp[r * 2 * hidden + hidden + i];
                double d = dOut[r * hidden + i];
                double s = 1 / (1 + Math.exp(-g));
                assertThat(out[r * hidden + i]).isCloseTo((float) (g * s * u), within(1e-5f));
                assertThat(dGateUp[r * 2 * hidden + i]).isCloseTo((float) (d * u * s * (1 + g * (1 - s))),
                        within(1e-5f));
                assertThat(dGateUp[r * 2 * hidden + hidden + i]).isCloseTo((float) (d * g * s), within(1e-5f));
            }
        }
    }

    @Test
    void causalSoftmaxAndCrossEntropyMatchTheFormulas() {
        int n = 19;
        int groups = 2;
        float scale = 0.25f;
        SplittableRandom random = new SplittableRandom(4);
        float[] scores = values(random, groups * n * n, 20);
        float[] probs = new float[scores.length];
        TrainingKernels.causalSoftmax(FloatBuffer.wrap(scores), FloatBuffer.wrap(probs), groups * n, n, n, scale);
        for (int r = 0; r < groups * n; r++) {
            double[] expected = softmax(scores, r * n, r % n + 1, scale);
            for (int j = 0; j < n; j++) {
                assertThat(probs[r * n + j]).isCloseTo(j <= r % n ? (float) expected[j] : 0f, within(1e-6f));
            }
        }

        int rows = 3;
        float[] logits = values(random, rows * n, 30);
        int[] targets = {0, n - 1, 5};
        float[] dLogits = new float[logits.length];
        double loss = TrainingKernels.crossEntropy(FloatBuffer.wrap(logits), targets, FloatBuffer.wrap(dLogits), n,
                0.5f);
        double expectedLoss = 0;
        for (int r = 0; r < rows; r++) {
            double[] p = softmax(logits, r * n, n, 1f);
            expectedLoss -= Math.log(p[targets[r]]);
            for (int j = 0; j < n; j++) {
                double expected = 0.5 * (p[j] - (j == targets[r] ? 1 : 0));
                assertThat(dLogits[r * n + j]).isCloseTo((float) expected, within(1e-6f));
            }
        }
        assertThat(loss).isCloseTo(expectedLoss, within(1e-4));
    }

    /** Softmax in double precision of {@code scale} times the first {@code count} values from {@code offset}. */
    private static double[] softmax(float[] values, int offset, int count, float scale) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < count; j++) {
            max = Math.max(max, scale * values[offset + j]);
        }
        double[] out = new double[count];
        double sum = 0;
        for (int j = 0; j < count; j++) {
            out[j] = Math.exp(scale * values[offset + j] - max);
            sum += out[j];
        }
        for (int j = 0; j < count; j++) {
            out[j] /= sum;
        }
        return out;
    }

    private static float[] values(SplittableRandom random, int n, double range) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) ((random.nextDouble() * 2 - 1) * range);
        }
        return out;
    }
}
