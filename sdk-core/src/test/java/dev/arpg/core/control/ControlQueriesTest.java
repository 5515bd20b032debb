package dev.arpg.core.control;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arpg.api.ConditionInput;
import dev.arpg.core.engine.Engines;
import java.awt.image.BufferedImage;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ControlQueriesTest {
    private static final BufferedImage IMAGE = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);

    private static ConditionInput input(Consumer<ConditionInput.Builder> settings) {
        ConditionInput.Builder b = ConditionInput.named("test", IMAGE);
        settings.accept(b);
        return b.build();
    }

    /** offsets[cell][d] = 100 * cell + d, for 6 cells of width 3. */
    private static NDArray offsets(NDManager m, float factor) {
        float[] v = new float[18];
        for (int c = 0; c < 6; c++) {
            for (int d = 0; d < 3; d++) {
                v[c * 3 + d] = factor * (100 * c + d);
            }
        }
        return m.create(v, new Shape(6, 3));
    }

    @Test
    void offsetsReachTheQueriesOfTheirTargetPositionsOnly() {
        try (NDManager m = Engines.newRootManager()) {
            NDArray mask = m.create(new float[] {1, 2, 3});
            ControlQueries q = ControlQueries.none().with(offsets(m, 1), input(c -> c.scale(0.5)));
            NDArray queries = q.queries(mask, 0, 4, new int[] {4, 1}, 2, 1, m);
            assertThat(queries.getShape()).isEqualTo(new Shape(3, 2, 3));
            float[] v = queries.toFloatArray();
            float[] controlled = {1 + 200f, 2 + 200.5f, 3 + 201f, 1 + 50f, 2 + 50.5f, 3 + 51f};
            for (int row = 0; row < 2; row++) {
                for (int i = 0; i < 6; i++) {
                    assertThat(v[row * 6 + i]).as("controlled row " + row + " value " + i).isEqualTo(controlled[i]);
                }
            }
            assertThat(new float[] {v[12], v[13], v[14], v[15], v[16], v[17]}).as("plain row")
                    .containsExactly(1, 2, 3, 1, 2, 3);
        }
    }

    @Test
    void severalConditionsAddTheirScaledOffsets() {
        try (NDManager m = Engines.newRootManager()) {
            ControlQueries q = ControlQueries.none()
                    .with(offsets(m, 1), input(c -> c.scale(1)))
                    .with(offsets(m, -1), input(c -> c.scale(2)));
            float[] sum = q.offsets(0, 1, new int[] {2}, m).toFloatArray();
            assertThat(sum).containsExactly(-200, -201, -202);
        }
    }

    @Test
    void guidanceWindowSwitchesOffsetsOnExactlyTheExpectedSteps() {
        try (NDManager m = Engines.newRootManager()) {
            ControlQueries q = ControlQueries.none().with(offsets(m, 1), input(c -> c.guidance(0.25, 0.75)));
            StringBuilder active = new StringBuilder();
            for (int s = 0; s < 8; s++) {
                active.append(q.offsets(s, 8, new int[] {1}, m) == null ? '.' : 'x');
            }
            assertThat(active).hasToString("..xxxx..");
            ControlQueries zero = ControlQueries.none().with(offsets(m, 1), input(c -> c.scale(0)));
            assertThat(zero.offsets(0, 8, new int[] {1}, m)).isNull();
        }
    }
}
