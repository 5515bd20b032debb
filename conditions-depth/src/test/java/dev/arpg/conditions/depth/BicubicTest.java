package dev.arpg.conditions.depth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BicubicTest {
    @Test
    void theKernelIsKeysWithAMinusAHalf() {
        assertThat(Bicubic.kernel(0)).isEqualTo(1.0);
        assertThat(Bicubic.kernel(1)).isEqualTo(0.0, within(1e-12));
        assertThat(Bicubic.kernel(0.5)).isEqualTo(0.5625, within(1e-12));
        assertThat(Bicubic.kernel(1.5)).isEqualTo(-0.0625, within(1e-12));
        assertThat(Bicubic.kernel(2.5)).isEqualTo(0.0);
    }

    @Test
    void enlargingReproducesALinearRampAwayFromTheBorders() {
        float[] ramp = new float[8];
        for (int x = 0; x < 8; x++) {
            ramp[x] = x;
        }
        float[] out = Bicubic.resize(ramp, 8, 1, 16, 1);
        for (int i = 4; i < 12; i++) {
            // Output pixel i covers input position (i + 0.5) / 2 - 0.5 in pixel-centre coordinates.
            assertThat(out[i]).isCloseTo((i + 0.5f) / 2 - 0.5f, within(1e-5f));
        }
    }

    @Test
    void shrinkingAveragesAwayAFinePattern() {
        float[] stripes = new float[32 * 2];
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = i % 2;
        }
        float[] out = Bicubic.resize(stripes, 32, 2, 4, 1);
        for (float v : out) {
            assertThat(v).isCloseTo(0.5f, within(0.02f));
        }
    }

    @Test
    void aConstantStaysConstant() {
        float[] flat = new float[5 * 7];
        java.util.Arrays.fill(flat, 0.3f);
        for (float v : Bicubic.resize(flat, 5, 7, 13, 3)) {
            assertThat(v).isCloseTo(0.3f, within(1e-6f));
        }
    }
}
