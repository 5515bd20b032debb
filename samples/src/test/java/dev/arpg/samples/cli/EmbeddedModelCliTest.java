package dev.arpg.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every generating subcommand, eval and info on the embedded default model, with short settings. */
class EmbeddedModelCliTest {
    private static final Path BUNDLE = Path.of("src/main/resources/models/shapes");
    private static final Path EXAMPLES = Path.of("src/main/resources/examples");

    @TempDir
    Path tmp;

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true));
        System.setErr(new PrintStream(e, true));
        try {
            return new Run(ArpgCli.run(args), o.toString(), e.toString());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private JsonObject sidecar(long seed) throws Exception {
        return JsonParser.parseString(Files.readString(tmp.resolve("arpg-" + seed + ".json"))).getAsJsonObject();
    }

    @Test
    void everySubcommandRunsOnTheEmbeddedModel() throws Exception {
        String bundle = BUNDLE.toString();
        String out = tmp.toString();
        Run generate = run("generate", "--bundle", bundle, "--class", "circle,STAR,1", "--seed", "1", "--out", out);
        assertThat(generate.status()).as(generate.err()).isZero();
        assertThat(ImageIO.read(tmp.resolve("arpg-1-01.png").toFile()).getWidth()).isEqualTo(32);
        assertThat(sidecar(1).getAsJsonArray("classes").toString()).isEqualTo("[0,5,1]");
        assertThat(sidecar(1).get("sampling").getAsString()).contains("order=outside-in");
        Run random = run("generate", "--bundle", bundle, "--order", "random", "--steps", "8", "--seed", "5", "--out", out);
        assertThat(random.status()).as(random.err()).isZero();
        assertThat(sidecar(5).get("sampling").getAsString()).contains("order=random");
        Run spiral = run("generate", "--bundle", bundle, "--order", "spiral", "--out", out);
        assertThat(spiral.status()).isEqualTo(1);
        assertThat(spiral.err()).contains("unknown name 'spiral'");
        Run unknown = run("generate", "--bundle", bundle, "--class", "squircle", "--out", out);
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.err()).contains("unknown class 'squircle'")
                .contains("circle, square, triangle, ring, cross, star");

        Run control = run("control", "--bundle", bundle, "--class", "5", "--seed", "2", "--out", out, "--condition",
                "canny=" + EXAMPLES.resolve("star.png") + ",scale=1.0,low=90", "--condition",
                "depth=" + EXAMPLES.resolve("star-depth.png") + ",end=0.5");
        assertThat(control.status()).as(control.err()).isZero();
        JsonObject used = sidecar(2);
        assertThat(used.getAsJsonArray("conditions")).hasSize(2);
        assertThat(used.getAsJsonArray("conditions").get(0).getAsJsonObject().getAsJsonObject("parameters")
                .get("low").getAsString()).isEqualTo("90");
        assertThat(used.getAsJsonArray("conditions").get(1).getAsJsonObject().get("guidanceEnd").getAsDouble())
                .isEqualTo(0.5);

        BufferedImage mask = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        mask.getGraphics().fillRect(0, 0, 16, 32);
        ImageIO.write(mask, "png", tmp.resolve("mask.png").toFile());
        assertThat(run("inpaint", "--bundle", bundle, "--image", EXAMPLES.resolve("star.png").toString(), "--mask",
                tmp.resolve("mask.png").toString(), "--class", "5", "--seed", "3", "--out", out).status()).isZero();
        assertThat(sidecar(3).getAsJsonObject("edit").get("kind").getAsString()).isEqualTo("inpaint");
        // The bundle recommends 64 steps for a whole image; the 32 masked cells take one per step.
        assertThat(sidecar(3).get("sampling").getAsString()).contains("steps=32,");
        ImageIO.write(ImageIO.read(EXAMPLES.resolve("circle.png").toFile()).getSubimage(8, 0, 16, 32), "png",
                tmp.resolve("half.png").toFile());
        assertThat(run("outpaint", "--bundle", bundle, "--image", tmp.resolve("half.png").toString(), "--x", "0",
                "--class", "0", "--seed", "4", "--out", out).status()).isZero();
        assertThat(sidecar(4).getAsJsonObject("edit").get("x").getAsInt()).isZero();

        Run info = run("info", "--bundle", bundle);
        assertThat(info.out()).contains("control canny").contains("control depth").contains("star");
        Run eval = run("eval", "--bundle", bundle, "--images", "2", "--per-class", "1");
        assertThat(eval.status()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("tokenizer PSNR").contains("class fidelity").contains("canny F1")
                .contains("depth IoU").contains("over 6 requests, each with its own decoding order")
                .containsPattern("foreground layout: generated area .* of 6 empty; real held-out area .* 0 of 6 empty");
        Run controlOnly = run("eval", "--bundle", bundle, "--images", "2", "--per-class", "0", "--control-scale", "2",
                "--steps", "4");
        assertThat(controlOnly.status()).as(controlOnly.err()).isZero();
        assertThat(controlOnly.out()).doesNotContain("class fidelity").contains("canny F1").contains("depth IoU");
    }
}
