package dev.arpg.core.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arpg.api.CancellationToken;
import dev.arpg.api.ConditionInput;
import dev.arpg.api.ControlMap;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.api.SamplingSettings;
import dev.arpg.core.decode.DecodeListener;
import dev.arpg.core.decode.DecodeTask;
import dev.arpg.core.testing.TinyBundle;
import dev.arpg.core.testing.TinyModel;
import dev.arpg.core.weights.SafetensorsWriter;
import dev.arpg.core.weights.StateDict;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Control on the tiny model: zero offsets change nothing, real offsets steer the tokens. */
class ControlledDecodingTest {
    @RegisterExtension
    static final TinyModel TINY = new TinyModel();

    private static final ControlEncoderConfig CONFIG = new ControlEncoderConfig(1, 8, 1, 4, 64);
    private static final BufferedImage IMAGE = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);

    @TempDir
    static Path tmp;

    private static SamplingSettings settings() {
        return SamplingSettings.builder().steps(8).seed(11).build();
    }

    /** An encoder whose projection is not zero, as after training. */
    private static ControlEncoder trainedLike() {
        Path file = tmp.resolve("control.safetensors");
        SafetensorsWriter.write(file, TinyBundle.gaussian(CONFIG.parameterShapes(), 3), Map.of());
        return ControlEncoder.load("test", CONFIG, StateDict.read(file), TINY.manager());
    }

    private static ControlMap map(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[32 * 32];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextBoolean() ? 1 : 0;
        }
        return new ControlMap(1, 32, 32, v);
    }

    private static int[][] generate(NDManager m, ControlEncoder encoder, ControlMap map, double scale, double controlGuidance) {
        NDArray offsets = encoder.encode(map, m);
        ConditionInput input = ConditionInput.named("test", IMAGE).scale(scale).build();
        DecodeTask task = new DecodeTask(new int[] {3, 7}, null, settings(),
                ControlQueries.none().with(offsets, input), controlGuidance);
        return TINY.decoder().decode(task, DecodeListener.NONE, new CancellationToken()).tokens();
    }

    private static int[][] unconditioned() {
        return TINY.decoder().decode(DecodeTask.classes(settings(), 3, 7), DecodeListener.NONE,
                new CancellationToken()).tokens();
    }

    @Test
    void anUntrainedEncoderReproducesTheBaseModelExactly() {
        try (NDManager m = TINY.manager().newSubManager();
                ControlEncoder fresh = ControlEncoder.initialized(CONFIG, 5, TINY.manager())) {
            assertThat(fresh.encode(map(1), m).abs().max().getFloat()).isZero();
            assertThat(generate(m, fresh, map(1), 1.0, 0)).isDeepEqualTo(unconditioned());
        }
    }

    @Test
    void scaleZeroReproducesTheBaseModelExactly() {
        try (NDManager m = TINY.manager().newSubManager(); ControlEncoder encoder = trainedLike()) {
            assertThat(generate(m, encoder, map(1), 0.0, 0)).isDeepEqualTo(unconditioned());
        }
    }

    @Test
    void differentControlMapsChangeTheOutput() {
        try (NDManager m = TINY.manager().newSubManager(); ControlEncoder encoder = trainedLike()) {
            int[][] a = generate(m, encoder, map(1), 1.0, 0);
            int[][] b = generate(m, encoder, map(2), 1.0, 0);
            assertThat(java.util.Arrays.deepEquals(a, unconditioned())).isFalse();
            assertThat(java.util.Arrays.deepEquals(a, b)).isFalse();
            assertThat(generate(m, encoder, map(1), 1.0, 0)).isDeepEqualTo(a);
        }
    }

    @Test
    void controlGuidanceAddsABranchThatChangesTheOutput() {
        try (NDManager m = TINY.manager().newSubManager(); ControlEncoder encoder = trainedLike()) {
            int[][] plain = generate(m, encoder, map(1), 0.3, 0);
            int[][] guided = generate(m, encoder, map(1), 0.3, 3.0);
            assertThat(java.util.Arrays.deepEquals(guided, plain)).isFalse();
        }
    }

    @Test
    void controlMapsThatDoNotFitTheEncoderAreRejected() {
        try (NDManager m = TINY.manager().newSubManager();
                ControlEncoder encoder = ControlEncoder.initialized(CONFIG, 5, TINY.manager())) {
            assertThatThrownBy(() -> encoder.encode(new ControlMap(3, 32, 32, new float[3 * 32 * 32]), m))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("3 channels, the encoder expects 1");
            assertThatThrownBy(() -> encoder.encode(new ControlMap(1, 30, 32, new float[30 * 32]), m))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("not a whole number of 4 px cells");
            assertThatThrownBy(() -> new ControlMap(1, 2, 2, new float[] {0, Float.NaN, 0, 0}))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("must be finite");
            assertThatThrownBy(() -> ConditionInput.named("x", IMAGE).scale(Double.NaN).build())
                    .hasMessageContaining("conditioningScale must be finite");
            assertThatThrownBy(() -> ConditionInput.named("x", IMAGE).guidance(0.8, 0.2).build())
                    .hasMessageContaining("guidanceStart <= guidanceEnd");
        }
    }
}
