package dev.arpg.core.train;

import static org.assertj.core.api.Assertions.assertThat;

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
}
