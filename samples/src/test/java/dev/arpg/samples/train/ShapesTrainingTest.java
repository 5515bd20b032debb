package dev.arpg.samples.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arpg.core.bundle.ModelBundle;
import dev.arpg.samples.cli.ArpgCli;
import dev.arpg.samples.eval.ImageMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training commands on a few steps: every stage runs, logs a loss that goes down, writes its
 * weights, and the bundle they make generates images. (CI never trains the full model.)
 */
class ShapesTrainingTest {
    @TempDir
    Path tmp;

    /** What one command did: its exit code and what it wrote to the error stream. */
    private record Outcome(int exitCode, String errors) {
    }

    private static Outcome run(String... args) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        try {
            return new Outcome(ArpgCli.run(args), captured.toString());
        } finally {
            System.setErr(err);
        }
    }

    private static void succeeds(String... args) {
        Outcome outcome = run(args);
        String errors = outcome.errors();
        assertThat(outcome.exitCode()).as("exit code of 'arpg %s'; the end of its error output:%n%s",
                String.join(" ", args), errors.substring(Math.max(0, errors.length() - 3000))).isZero();
    }

    private static double loss(String csvLine) {
        return Double.parseDouble(csvLine.split(",")[1]);
    }

    @Test
    void everyStageTrainsAndTheBundleGenerates() throws Exception {
        String work = tmp.resolve("work").toString();
        succeeds("train", "vq", "--work", work, "--steps", "12", "--batch", "8", "--lr", "3e-3");
        List<String> vqLog = Files.readAllLines(tmp.resolve("work/vq-loss.csv"));
        assertThat(loss(vqLog.get(vqLog.size() - 1))).isLessThan(loss(vqLog.get(1)));
        succeeds("train", "arpg", "--work", work, "--steps", "12", "--batch", "8", "--images", "24",
                "--lr", "3e-3", "--ema", "0.9");
        assertThat(Files.readAllBytes(tmp.resolve("work/arpg.safetensors")))
                .as("with --ema the averaged weights differ from the last ones")
                .isNotEqualTo(Files.readAllBytes(tmp.resolve("work/arpg-last.safetensors")));
        List<String> arpgLog = Files.readAllLines(tmp.resolve("work/arpg-loss.csv"));
        assertThat(loss(arpgLog.get(arpgLog.size() - 1))).isLessThan(loss(arpgLog.get(1)));
        succeeds("train", "control", "--condition", "depth", "--work", work, "--steps", "3", "--batch", "4",
                "--images", "8");
        Path bundle = tmp.resolve("bundle");
        succeeds("train", "bundle", "--work", work, "--bundle-out", bundle.toString());
        assertThat(ModelBundle.read(bundle).controls()).containsOnlyKeys("depth");
        succeeds("generate", "--bundle", bundle.toString(), "--class", "1", "--seed", "3", "--out",
                tmp.resolve("out").toString());
        assertThat(tmp.resolve("out/arpg-3-00.png")).isRegularFile();
        assertThat(run("train", "control", "--condition", "sketch", "--work", work).exitCode()).isEqualTo(1);
    }

    @Test
    void theClassFidelityJudgeRecognisesRealShapes() {
        dev.arpg.samples.eval.ShapeClassifier judge = dev.arpg.samples.eval.ShapeClassifier.fit(
                new dev.arpg.samples.shapes.ShapesDataset(10, 32), 600);
        dev.arpg.samples.shapes.ShapesDataset test = new dev.arpg.samples.shapes.ShapesDataset(11, 32);
        int right = 0;
        for (int i = 0; i < 60; i++) {
            right += judge.predict(test.sample(i).image(), 6) == test.sample(i).label() ? 1 : 0;
        }
        assertThat(right).isGreaterThanOrEqualTo(48);
    }

    @Test
    void metricsBehave() {
        float[] edges = {1, 1, 0, 0};
        assertThat(ImageMetrics.f1(edges, edges)).isEqualTo(1.0);
        assertThat(ImageMetrics.f1(new float[] {1, 0, 0, 0}, edges)).isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(ImageMetrics.iou(new boolean[] {true, true, false}, new boolean[] {true, false, false})).isEqualTo(0.5);
        java.awt.image.BufferedImage a = new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB);
        assertThat(ImageMetrics.psnr(a, a)).isEqualTo(100);
        java.awt.image.BufferedImage b = new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB);
        b.setRGB(0, 0, 0xffffff);
        assertThat(ImageMetrics.psnr(a, b)).isCloseTo(10 * Math.log10(16), org.assertj.core.data.Offset.offset(1e-6));
        a.setRGB(1, 1, 0xff0000);
        assertThat(ImageMetrics.foreground(a, 60)).containsExactly(false, false, false, false, false, true, false, false,
                false, false, false, false, false, false, false, false);
    }
}
