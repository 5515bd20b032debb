package dev.arpg.core.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.arpg.api.Condition;
import dev.arpg.api.ConditionRegistry;
import dev.arpg.api.ConditionInput;
import dev.arpg.api.ControlMap;
import dev.arpg.api.Edit;
import dev.arpg.api.GenerationRequest;
import dev.arpg.api.GenerationResult;
import dev.arpg.api.Generator;
import dev.arpg.api.GridSpec;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.api.Progress;
import dev.arpg.api.UnknownConditionException;
import dev.arpg.core.Arpg;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.testing.TinyBundle;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline on the tiny bundle: conditions, decoding, editing, images. */
class ArpgGeneratorTest {
    @TempDir
    static Path tmp;
    private static NDManager root;
    private static ArpgGenerator generator;
    private static final List<String> LOADED = new ArrayList<>();

    @BeforeAll
    static void open() {
        root = Engines.newRootManager();
        generator = ArpgGenerator.open(TinyBundle.create(tmp.resolve("bundle")), root,
                ConditionRegistry.discover(ArpgGeneratorTest.class.getClassLoader()),
                (part, done, total) -> LOADED.add(part + " " + done + "/" + total));
    }

    @Test
    void reportsEveryPartAsItLoads() {
        assertThat(LOADED).containsExactly("arpg.safetensors 1/3", "vq.safetensors 2/3", "control-luma.safetensors 3/3");
    }

    @AfterAll
    static void close() {
        generator.close();
        root.close();
    }

    @Test
    void theFacadeOpensABundleWithThePluginsOnTheClassPath() {
        try (Generator facade = Arpg.load(tmp.resolve("bundle"))) {
            assertThat(facade.conditions()).containsExactly("luma");
            assertThat(facade.generate(request().classLabel(0).build()).images()).hasSize(1);
        }
    }

    private static BufferedImage halves(Color left, Color right) {
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(left);
        g.fillRect(0, 0, 16, 32);
        g.setColor(right);
        g.fillRect(16, 0, 16, 32);
        g.dispose();
        return image;
    }

    private static GenerationRequest.Builder request() {
        return GenerationRequest.builder().sampling(generator.recommendedSampling()).sampling(s -> s.seed(21));
    }

    @Test
    void generatesImagesTokensAndReportsEverySettingUsed() {
        GenerationResult r = generator.generate(request().classLabels(3, 7).imagesPerLabel(2).build());
        assertThat(r.images()).hasSize(4).allSatisfy(img -> {
            assertThat(img.getWidth()).isEqualTo(32);
            assertThat(img.getHeight()).isEqualTo(32);
        });
        assertThat(r.tokens()).hasSize(4).allSatisfy(t -> assertThat(t).hasSize(64));
        assertThat(r.classLabels()).containsExactly(3, 3, 7, 7);
        assertThat(r.seed()).isEqualTo(21);
        assertThat(r.sampling().steps()).isEqualTo(8);
        assertThat(r.sampling().guidance()).isEqualTo(3.0);
        assertThat(r.timings()).containsKeys("conditions", "encode", "decode-tokens", "decode-images", "total");
        GenerationResult again = generator.generate(request().classLabels(3, 7).imagesPerLabel(2).build());
        for (int i = 0; i < 4; i++) {
            assertThat(again.tokens().get(i)).containsExactly(r.tokens().get(i));
        }
        assertThat(generator.grid()).isEqualTo(new GridSpec(8, 8, 4));
        assertThat(generator.conditions()).containsExactly("luma");
    }

    @Test
    void aPluginFoundByServiceLoaderControlsTheGeneration() {
        int[] plain = generator.generate(request().classLabel(4).build()).tokens().get(0);
        GenerationResult dark = generator.generate(request().classLabel(4)
                .condition("luma", halves(Color.BLACK, Color.WHITE), c -> c.scale(1.0)).build());
        GenerationResult light = generator.generate(request().classLabel(4)
                .condition("luma", halves(Color.WHITE, Color.BLACK), c -> c.scale(1.0).parameter("invert", "true")).build());
        int[] off = generator.generate(request().classLabel(4)
                .condition("luma", halves(Color.BLACK, Color.WHITE), c -> c.scale(0.0)).build()).tokens().get(0);
        assertThat(off).containsExactly(plain);
        assertThat(dark.tokens().get(0)).isNotEqualTo(plain);
        assertThat(light.conditions()).singleElement().satisfies(u -> {
            assertThat(u.name()).isEqualTo("luma");
            assertThat(u.parameters()).containsEntry("invert", "true");
        });
        assertThat(dark.conditions().get(0).parameters()).containsEntry("invert", "false");
        // inverting the inverted image gives the same control map, so the same tokens
        assertThat(light.tokens().get(0)).containsExactly(dark.tokens().get(0));
    }

    @Test
    void progressReportsEveryStepWithAPreview() {
        List<Progress> seen = new ArrayList<>();
        generator.generate(request().classLabel(1).build(), seen::add, new dev.arpg.api.CancellationToken());
        assertThat(seen).hasSize(8);
        assertThat(seen.get(7).tokensDone()).isEqualTo(64);
        BufferedImage[] first = seen.get(0).preview();
        assertThat(first).hasSize(1);
        int grey = Color.GRAY.getRGB();
        long greyPixels = 0;
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                greyPixels += first[0].getRGB(x, y) == grey ? 1 : 0;
            }
        }
        assertThat(greyPixels).isEqualTo(16L * (64 - seen.get(0).tokensDone()));
    }

    @Test
    void inpaintingKeepsTheTokensOfUnmaskedCells() {
        BufferedImage source = generator.generate(request().classLabel(2).build()).images().get(0);
        BufferedImage mask = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = mask.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(8, 8, 12, 12);
        g.dispose();
        int[] sourceTokens = generator.tokenizer().encode(source)[0];
        GenerationResult r = generator.generate(request().classLabel(5).edit(Edit.inpaint(source, mask)).build());
        int[] tokens = r.tokens().get(0);
        for (int cell = 0; cell < 64; cell++) {
            int cx = cell % 8;
            int cy = cell / 8;
            boolean masked = cx >= 2 && cx <= 4 && cy >= 2 && cy <= 4;
            if (!masked) {
                assertThat(tokens[cell]).as("kept cell " + cell).isEqualTo(sourceTokens[cell]);
            }
        }
    }

    @Test
    void outpaintingKeepsTheTokensUnderThePlacedSource() {
        BufferedImage half = halves(Color.RED, Color.BLUE).getSubimage(0, 0, 16, 32);
        GenerationResult r = generator.generate(request().classLabel(6).edit(Edit.outpaint(half, 16, 0)).build());
        assertThat(r.tokens().get(0)).hasSize(64);
        assertThat(r.images()).hasSize(1);
    }

    @Test
    void badRequestsNameTheProblem() {
        BufferedImage image = halves(Color.BLACK, Color.WHITE);
        assertThatThrownBy(() -> generator.generate(request().classLabel(10).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("class label 10 is outside [0, 10)");
        assertThatThrownBy(() -> generator.generate(request().classLabel(1).condition("canny", image).build()))
                .isInstanceOf(UnknownConditionException.class)
                .hasMessageContaining("unknown condition 'canny'; this model has control encoders for: [luma]");
        assertThatThrownBy(() -> generator.generate(request().classLabel(1)
                .condition("luma", image, c -> c.parameter("gamma", "2")).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("unknown parameter(s) [gamma]");
        Condition wrongSize = new Condition() {
            @Override
            public String name() {
                return "luma";
            }

            @Override
            public ControlMap prepare(BufferedImage img, GridSpec grid) {
                return new ControlMap(1, 16, 16, new float[256]);
            }

            @Override
            public Map<String, String> parameters() {
                return Map.of();
            }
        };
        assertThatThrownBy(() -> generator.generate(request().classLabel(1)
                .condition(ConditionInput.of(wrongSize, image).build()).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("made a 16x16 px control map; the model needs 32x32");
        assertThatThrownBy(() -> generator.generate(request().classLabel(1)
                .edit(Edit.inpaint(image, new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB))).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("mask is 8x8 px but the image is 32x32");
        assertThatThrownBy(() -> request().classLabel(1).condition("luma", image, c -> c.guidance(0.9, 0.1)).build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("guidanceStart <= guidanceEnd");
        assertThatThrownBy(() -> request().classLabel(1).condition("luma", image, c -> c.scale(Double.NaN)).build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("conditioningScale must be finite");
    }
}
