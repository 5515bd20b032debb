package dev.arpg.samples.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.arpg.api.ConditionRegistry;
import dev.arpg.api.GenerationRequest;
import dev.arpg.api.GenerationResult;
import dev.arpg.api.Generator;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.core.Arpg;
import dev.arpg.core.inject.ArpgModule;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two built-in plugins and the sample plugin, found on the class path through ServiceLoader
 * (wired by Guice), each steering a generation of the tiny golden model.
 */
class PluginGenerationTest {
    @TempDir
    Path tmp;

    /** A 64x64 picture: a white disc on a red-to-blue background. */
    private static BufferedImage picture() {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        for (int x = 0; x < 64; x++) {
            g.setColor(new Color(255 - 4 * x, 0, 4 * x));
            g.drawLine(x, 0, x, 63);
        }
        g.setColor(Color.WHITE);
        g.fillOval(16, 16, 32, 32);
        g.dispose();
        return image;
    }

    /** A 16-bit depth map: near (bright) at the top, far at the bottom. */
    private static BufferedImage depth() {
        BufferedImage image = new BufferedImage(40, 40, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 40; x++) {
                image.getRaster().setSample(x, y, 0, 65535 - y * 1600);
            }
        }
        return image;
    }

    private static GenerationResult generate(Generator generator, String name, BufferedImage image,
            Map<String, String> parameters, double scale) {
        return generator.generate(GenerationRequest.builder().classLabel(3)
                .condition(name, image, c -> c.scale(scale).parameters(parameters))
                .sampling(s -> s.steps(4).seed(1)).build());
    }

    @Test
    void guiceFindsAllThreePluginsAndEachSteersAGeneration() {
        PluginBundle.create(tmp.resolve("b"));
        Injector injector = Guice.createInjector(new ArpgModule(tmp.resolve("b")));
        try (Generator generator = injector.getInstance(Generator.class)) {
            assertThat(injector.getInstance(ConditionRegistry.class).names()).contains("canny", "depth", "color");
            int[] plain = generator.generate(GenerationRequest.builder().classLabel(3)
                    .sampling(s -> s.steps(4).seed(1)).build()).tokens().get(0);

            Map<String, BufferedImage> images = Map.of("canny", picture(), "depth", depth(), "color", picture());
            Map<String, Map<String, String>> parameters = Map.of("canny", Map.of("low", "50"),
                    "depth", Map.of("clipHigh", "99"), "color", Map.of("blockCells", "2"));
            Map<String, Map<String, String>> reported = Map.of(
                    "canny", Map.of("low", "50", "high", "200", "aperture", "3", "l2", "false", "blur", "0",
                            "resolution", "grid"),
                    "depth", Map.of("invert", "false", "clipLow", "0", "clipHigh", "99", "nonFinite", "reject"),
                    "color", Map.of("blockCells", "2"));
            for (String name : new String[] {"canny", "depth", "color"}) {
                GenerationResult controlled = generate(generator, name, images.get(name), parameters.get(name), 5.0);
                assertThat(controlled.images()).hasSize(1);
                assertThat(controlled.images().get(0).getWidth()).isEqualTo(32);
                assertThat(controlled.conditions()).hasSize(1);
                assertThat(controlled.conditions().get(0).name()).isEqualTo(name);
                assertThat(controlled.conditions().get(0).parameters()).isEqualTo(reported.get(name));
                assertThat(Arrays.equals(controlled.tokens().get(0), plain))
                        .as("condition %s changes the tokens", name).isFalse();
                // Scale 0 switches the condition off: the unconditioned tokens come back.
                assertThat(generate(generator, name, images.get(name), parameters.get(name), 0.0).tokens().get(0))
                        .as("condition %s at scale 0", name).containsExactly(plain);
            }
            assertThatThrownBy(() -> generate(generator, "canny", picture(), Map.of("low", "300"), 1.0))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("above high threshold");
            BufferedImage flat = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
            assertThatThrownBy(() -> generate(generator, "depth", flat, Map.of(), 1.0))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("constant");
        } finally {
            injector.getInstance(NDManager.class).close();
        }
    }

    @Test
    void theFacadeFindsThePluginsToo() {
        PluginBundle.create(tmp.resolve("b"));
        try (Generator generator = Arpg.load(tmp.resolve("b"))) {
            GenerationResult result = generate(generator, "color", picture(), Map.of(), 1.0);
            assertThat(result.conditions().get(0).parameters()).containsEntry("blockCells", "4");
        }
    }
}
