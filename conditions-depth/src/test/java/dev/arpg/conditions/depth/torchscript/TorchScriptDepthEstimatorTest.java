package dev.arpg.conditions.depth.torchscript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.arpg.api.ControlMap;
import dev.arpg.api.GridSpec;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.api.ModelLoadException;
import dev.arpg.conditions.depth.DepthMap;
import dev.arpg.conditions.depth.DepthSettings;
import dev.arpg.conditions.depth.EstimatedDepthCondition;
import java.awt.image.BufferedImage;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code tiny_depth.pt} (made by {@code src/test/resources/torchscript/make_tiny_depth.py}):
 * output = 0.5 r + 0.25 g + 0.25 b + 1 on the normalised input, shape [1, H, W].
 */
class TorchScriptDepthEstimatorTest {
    private static final float[] ZERO = {0, 0, 0};
    private static final float[] ONE = {1, 1, 1};

    private static Path model() {
        try {
            return Path.of(TorchScriptDepthEstimatorTest.class.getResource("/torchscript/tiny_depth.pt").toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("tiny_depth.pt is missing from the test resources", e);
        }
    }

    /** Left half pure red, right half pure blue, 6x4. */
    private static BufferedImage redBlue() {
        BufferedImage image = new BufferedImage(6, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
                image.setRGB(x, y, x < 3 ? 0xff0000 : 0x0000ff);
            }
        }
        return image;
    }

    @Test
    void theModelSeesTheImageAtItsOwnSizeWithoutNormalisation() {
        try (TorchScriptDepthEstimator estimator = TorchScriptDepthEstimator.load(model(),
                new TorchScriptOptions(0, 0, ZERO, ONE))) {
            DepthMap depth = estimator.estimate(redBlue());
            assertThat(depth.width()).isEqualTo(6);
            assertThat(depth.height()).isEqualTo(4);
            assertThat(depth.get(0, 0)).isCloseTo(1.5f, within(1e-6f));  // 0.5 * 1 + 1
            assertThat(depth.get(5, 3)).isCloseTo(1.25f, within(1e-6f)); // 0.25 * 1 + 1
        }
    }

    @Test
    void greyImagesAreReadFromTheirSamples() {
        BufferedImage grey = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 102); // 0.4: output 0.4 + 1, where getRGB would brighten it
        try (TorchScriptDepthEstimator estimator = TorchScriptDepthEstimator.load(model(),
                new TorchScriptOptions(0, 0, ZERO, ONE))) {
            assertThat(estimator.estimate(grey).get(0, 0)).isCloseTo(1.4f, within(1e-6f));
        }
    }

    @Test
    void meanStdAndInputSizeAreApplied() {
        // Mean 0.5, std 0.5 maps [0, 1] to [-1, 1]: red gives 0.5 * 1 + 0.25 * (-1) + 0.25 * (-1) + 1 = 1.
        float[] half = {0.5f, 0.5f, 0.5f};
        BufferedImage red = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                red.setRGB(x, y, 0xff0000);
            }
        }
        try (TorchScriptDepthEstimator estimator = TorchScriptDepthEstimator.load(model(),
                new TorchScriptOptions(8, 16, half, half))) {
            DepthMap depth = estimator.estimate(red);
            assertThat(depth.width()).isEqualTo(8);
            assertThat(depth.height()).isEqualTo(16);
            for (float v : depth.values()) {
                assertThat(v).isCloseTo(1f, within(1e-5f));
            }
            assertThat(estimator.parameters()).containsEntry("model", "tiny_depth.pt").containsEntry("input", "8x16")
                    .containsEntry("mean", "0.5,0.5,0.5");
        }
    }

    @Test
    void anEstimatedDepthConditionPreparesAPhotoLikeAGivenDepthMap() {
        try (TorchScriptDepthEstimator estimator = TorchScriptDepthEstimator.load(model(),
                new TorchScriptOptions(0, 0, ZERO, ONE))) {
            EstimatedDepthCondition condition = new EstimatedDepthCondition(estimator, DepthSettings.DEFAULTS);
            assertThat(condition.name()).isEqualTo("depth");
            assertThat(condition.parameters()).containsEntry("invert", "false")
                    .containsEntry("estimator.model", "tiny_depth.pt");
            ControlMap map = condition.prepare(redBlue(), new GridSpec(4, 6, 1));
            assertThat(map.get(0, 0, 0)).isEqualTo(1f); // red: larger output = nearer = bright
            assertThat(map.get(0, 3, 5)).isEqualTo(0f);
        }
    }

    @Test
    void missingOrBrokenModelsAndBadOptionsAreClearErrors() {
        assertThatThrownBy(() -> TorchScriptDepthEstimator.load(Path.of("no/such/model.pt"), TorchScriptOptions.dpt()))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("does not exist");
        Path script = model().resolveSibling("make_tiny_depth.py");
        assertThatThrownBy(() -> TorchScriptDepthEstimator.load(script, TorchScriptOptions.midas()))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("cannot load TorchScript depth model");
        assertThatThrownBy(() -> new TorchScriptOptions(-1, 384, ZERO, ONE)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("input size must be positive");
        assertThatThrownBy(() -> new TorchScriptOptions(0, 0, ZERO, ZERO)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("std positive");
        assertThat(TorchScriptOptions.midas().mean()).containsExactly(0.485f, 0.456f, 0.406f);
    }
}
