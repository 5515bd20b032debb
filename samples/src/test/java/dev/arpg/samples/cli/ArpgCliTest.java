package dev.arpg.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArpgCliTest {
    @TempDir
    Path tmp;

    private static String golden(String file) {
        String dir = System.getProperty("arpg.golden.dir");
        assertThat(dir).as("system property arpg.golden.dir (set by the build)").isNotNull();
        Path path = Path.of(dir, file);
        assertThat(path).as("golden file").isRegularFile();
        return path.toString();
    }

    private record Run(int status, String err) {
    }

    private static Run run(String... args) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        try {
            return new Run(ArpgCli.run(args), captured.toString());
        } finally {
            System.setErr(err);
        }
    }

    @Test
    void generateWritesPngsAndASidecarWithTheSeed() throws Exception {
        Run r = run("generate", "--arpg-ckpt", golden("arpg-tiny/state_dict.safetensors"), "--vq-ckpt",
                golden("vq-tiny/state_dict.safetensors"), "--class", "3,9", "--steps", "8", "--seed", "5",
                "--cfg-schedule", "linear", "--sample-schedule", "Arccos", "--out", tmp.toString());
        assertThat(r.status()).as(r.err()).isZero();
        for (String png : new String[] {"arpg-5-00.png", "arpg-5-01.png"}) {
            assertThat(ImageIO.read(tmp.resolve(png).toFile()).getWidth()).isEqualTo(32);
        }
        JsonObject sidecar = JsonParser.parseString(Files.readString(tmp.resolve("arpg-5.json"))).getAsJsonObject();
        assertThat(sidecar.get("seed").getAsLong()).isEqualTo(5);
        assertThat(sidecar.getAsJsonArray("tokens")).hasSize(2);
        assertThat(sidecar.getAsJsonArray("tokens").get(0).getAsJsonArray()).hasSize(64);
        assertThat(r.err()).contains("loading [").contains("] 2/2 in ")
                .contains("decoding [##############################] 8/8 64/64 tokens");
    }

    private String[] tiny(String... more) {
        List<String> args = new ArrayList<>(List.of(more));
        args.addAll(List.of("--arpg-ckpt", golden("arpg-tiny/state_dict.safetensors"), "--vq-ckpt",
                golden("vq-tiny/state_dict.safetensors"), "--steps", "4", "--out", tmp.toString()));
        return args.toArray(String[]::new);
    }

    @Test
    void editingCommandsPreviewsGridAndInfo() throws Exception {
        assertThat(run(tiny("generate", "--class", "1", "--n", "3", "--seed", "8", "--grid", "--preview-dir",
                tmp.resolve("preview").toString())).status()).isZero();
        assertThat(ImageIO.read(tmp.resolve("arpg-8-grid.png").toFile()).getWidth()).isEqualTo(64);
        assertThat(tmp.resolve("preview/step-000.png")).isRegularFile();
        assertThat(tmp.resolve("preview/step-003.png")).isRegularFile();

        BufferedImage mask = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        mask.getGraphics().fillRect(8, 8, 8, 8);
        ImageIO.write(mask, "png", tmp.resolve("mask.png").toFile());
        Run inpaint = run(tiny("inpaint", "--image", tmp.resolve("arpg-8-00.png").toString(), "--mask",
                tmp.resolve("mask.png").toString(), "--seed", "9"));
        assertThat(inpaint.status()).as(inpaint.err()).isZero();
        JsonObject sidecar = JsonParser.parseString(Files.readString(tmp.resolve("arpg-9.json"))).getAsJsonObject();
        assertThat(sidecar.getAsJsonObject("edit").get("kind").getAsString()).isEqualTo("inpaint");

        ImageIO.write(ImageIO.read(tmp.resolve("arpg-8-00.png").toFile()).getSubimage(0, 0, 16, 32), "png",
                tmp.resolve("half.png").toFile());
        Run outpaint = run(tiny("outpaint", "--image", tmp.resolve("half.png").toString(), "--x", "16", "--seed", "10"));
        assertThat(outpaint.status()).as(outpaint.err()).isZero();
        assertThat(tmp.resolve("arpg-10-00.png")).isRegularFile();

        Run control = run(tiny("control", "--seed", "11"));
        assertThat(control.status()).isEqualTo(1);
        assertThat(control.err()).contains("control needs at least one --condition");

        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true));
        try {
            assertThat(ArpgCli.run("info", "--arpg-ckpt", golden("arpg-tiny/state_dict.safetensors"), "--vq-ckpt",
                    golden("vq-tiny/state_dict.safetensors"))).isZero();
        } finally {
            System.setOut(out);
        }
        assertThat(captured.toString()).contains("grid: 8x8 tokens of 4 px, 32 px images");
    }

    @Test
    void convertTurnsPublishedCheckpointsIntoABundle() throws Exception {
        Path bundle = tmp.resolve("converted");
        Path arpgConfig = tmp.resolve("arpg.json");
        Files.writeString(arpgConfig, dev.arpg.core.weights.StateDict.read(Path.of(golden("arpg-tiny/state_dict.safetensors")))
                .metadata().get("config"));
        Path vqConfig = tmp.resolve("vq.json");
        Files.writeString(vqConfig, dev.arpg.core.weights.StateDict.read(Path.of(golden("vq-tiny/state_dict.safetensors")))
                .metadata().get("config"));
        Run convert = run("convert", "--arpg-ckpt", golden("arpg-tiny/model.pt"), "--arpg-config", arpgConfig.toString(),
                "--vq-ckpt", golden("vq-tiny/model.pt"), "--vq-config", vqConfig.toString(), "--to", bundle.toString());
        assertThat(convert.status()).as(convert.err()).isZero();
        assertThat(bundle.resolve("bundle.json")).isRegularFile();
        assertThat(run("generate", "--bundle", bundle.toString(), "--steps", "4", "--seed", "12", "--out",
                tmp.toString()).status()).isZero();
        assertThat(tmp.resolve("arpg-12-00.png")).isRegularFile();
    }

    @Test
    void badArgumentsAndFilesGiveOneLineAndANonZeroStatus() {
        Run badNumber = run("generate", "--steps", "x");
        assertThat(badNumber.status()).isEqualTo(2);
        assertThat(badNumber.err()).contains("Invalid value for option '--steps'");
        Run missing = run("generate", "--arpg-ckpt", tmp.resolve("nope.pt").toString(), "--vq-ckpt", "x.pt");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).startsWith("arpg: ").contains("nope.pt").doesNotContain("\tat ");
        Run halfModel = run("generate", "--arpg-ckpt", golden("arpg-tiny/state_dict.safetensors"));
        assertThat(halfModel.status()).isEqualTo(1);
        assertThat(halfModel.err()).contains("name a model: --bundle DIR, or --arpg-ckpt FILE with --vq-ckpt FILE");
        Run unnamed = run(tiny("generate", "--class", "cat"));
        assertThat(unnamed.status()).isEqualTo(1);
        assertThat(unnamed.err()).contains("unknown class 'cat': this model has no class names, give a number");
        Run badCondition = run("generate", "--arpg-ckpt", golden("arpg-tiny/state_dict.safetensors"), "--vq-ckpt",
                golden("vq-tiny/state_dict.safetensors"), "--condition", "canny");
        assertThat(badCondition.status()).isEqualTo(1);
        assertThat(badCondition.err()).contains("--condition must look like NAME=IMAGE");
        Run missingImage = run("generate", "--arpg-ckpt", golden("arpg-tiny/state_dict.safetensors"), "--vq-ckpt",
                golden("vq-tiny/state_dict.safetensors"), "--condition", "canny=" + tmp.resolve("none.png"));
        assertThat(missingImage.err()).contains("cannot read the control image").contains("(no such file)");
        Run badClass = run("generate", "--arpg-ckpt", golden("arpg-tiny/state_dict.safetensors"), "--vq-ckpt",
                golden("vq-tiny/state_dict.safetensors"), "--class", "12", "--verbose");
        assertThat(badClass.status()).isEqualTo(1);
        assertThat(badClass.err()).contains("class label 12 is outside [0, 10)").contains("\tat ");
    }

    @Test
    void aBadRequestStopsBeforeTheModelLoads() {
        String[][] requests = {
            {"generate", "--steps", "0"},
            {"generate", "--class", "6"},
            {"generate", "--guidance", "-1"},
            {"generate", "--n", "0"},
            {"control", "--condition", "canny=" + tmp.resolve("none.png")},
            {"inpaint", "--image", tmp.resolve("none.png").toString(), "--mask", tmp.resolve("none.png").toString()},
        };
        String[] messages = {"steps must be >= 1, got 0", "class label 6 is outside [0, 6)",
            "guidance must be finite and >= 0, got -1.0", "imagesPerLabel must be >= 1, got 0",
            "cannot read the control image", "cannot read the image"};
        for (int i = 0; i < requests.length; i++) {
            Run r = run(requests[i]);
            assertThat(r.status()).as(String.join(" ", requests[i])).isEqualTo(1);
            assertThat(r.err()).as(String.join(" ", requests[i])).contains(messages[i]).doesNotContain("loading [");
        }
    }
}
