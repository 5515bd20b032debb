package dev.arpg.samples.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ClusteredProportionTest {

    @Test
    void clustersThatAllAgreeWithTheMeanGiveNoSpread() {
        ClusteredProportion p = new ClusteredProportion();
        p.add(1, 2);
        p.add(4, 8);
        assertThat(p.proportion()).isEqualTo(0.5);
        assertThat(p.halfWidth95()).isZero();
        assertThat(p.clusters()).isEqualTo(2);
    }

    @Test
    void clustersThatDisagreeWidenTheIntervalBeyondTheBinomialOne() {
        ClusteredProportion p = new ClusteredProportion();
        p.add(2, 2);
        p.add(0, 2);
        // residuals +1 and -1: variance 2 / 1 * 2 / 16 = 0.25
        assertThat(p.halfWidth95()).isCloseTo(1.959964 * 0.5, within(1e-6));
        double binomial = 1.959964 * Math.sqrt(0.25 / 4);
        assertThat(p.halfWidth95()).isGreaterThan(binomial);
    }

    @Test
    void independentTrialsGiveAboutTheBinomialInterval() {
        ClusteredProportion p = new ClusteredProportion();
        for (int i = 0; i < 1000; i++) {
            p.add(i % 4 == 0 ? 0 : 1, 1);
        }
        double binomial = 1.959964 * Math.sqrt(0.75 * 0.25 / 1000);
        assertThat(p.proportion()).isEqualTo(0.75);
        assertThat(p.halfWidth95()).isCloseTo(binomial, within(binomial * 0.001));
    }

    @Test
    void impossibleCountsAndEmptyMeasurementsAreRejected() {
        ClusteredProportion p = new ClusteredProportion();
        assertThatThrownBy(p::proportion).isInstanceOf(IllegalStateException.class).hasMessageContaining("no trials");
        assertThatThrownBy(() -> p.add(3, 2)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 of 2");
        assertThatThrownBy(() -> p.add(0, 0)).isInstanceOf(IllegalArgumentException.class);
        p.add(1, 1);
        assertThat(p.halfWidth95()).isZero();
    }
}
