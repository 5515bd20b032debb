package dev.arpg.samples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.arpg.api.InvalidRequestException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * Quick {@code bench} runs on the small models: the JSON has every field, with positive numbers; the
 * model names, bundles and the errors of a model that cannot be measured.
 */
class BenchCommandTest {
    /** One intra-op thread: the tiny model gains nothing from more, and tests share the cores. */
    @BeforeAll
    static void oneThread() {
        System.setProperty("ai.djl.pytorch.num_threads", "1");
    }

    @Test
    void writesEveryMeasurement(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bench.json");
        int status = new CommandLine(new BenchCommand()).execute("--model", "tiny", "--quick",
                "--batches", "1,2", "--train-steps", "1", "--train-warm-up", "1", "--vq-images", "0", "--out", out.toString());
        assertThat(status).isZero();

        JsonObject json = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        assertThat(json.get("model").getAsString()).isEqualTo("tiny");
        assertThat(json.get("weightBytes").getAsLong()).isPositive();
        JsonObject machine = json.getAsJsonObject("machine");
        assertThat(machine.get("matmulGflops").getAsDouble()).isPositive();
        assertThat(machine.get("intraOpThreads").getAsInt()).isPositive();

        JsonArray runs = json.getAsJsonArray("generation");
        assertThat(runs).hasSize(2);
        for (int i = 0; i < runs.size(); i++) {
            JsonObject run = runs.get(i).getAsJsonObject();
            assertThat(run.get("batch").getAsInt()).isEqualTo(i == 0 ? 1 : 2);
            assertThat(run.get("steps").getAsInt()).isEqualTo(64);
            for (String field : new String[] {"secondsPerImage", "imagesPerSecond", "msPerStep", "gflops",
                    "fractionOfMatmulPeak"}) {
                assertThat(run.get(field).getAsDouble()).as(field).isPositive();
            }
        }
        assertThat(json.getAsJsonObject("vqDecode").get("measured").getAsBoolean()).isFalse();
        JsonObject training = json.getAsJsonObject("training");
        assertThat(training.get("samplesPerSecond").getAsDouble()).isPositive();
        assertThat(training.get("warmUpSteps").getAsInt()).isEqualTo(1);
        assertThat(training.get("timedSteps").getAsInt()).isEqualTo(1);
        JsonObject memory = json.getAsJsonObject("memory");
        assertThat(memory.get("peakRssBatch1Bytes").getAsLong()).isPositive();
        assertThat(memory.get("peakRssBytes").getAsLong()).isGreaterThanOrEqualTo(
                memory.get("peakRssBatch1Bytes").getAsLong());
    }

    @Test
    void saysHowManyTimesAsFastAsOneTokenPerStepEachBatchDecodes(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bench.json");
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        int status;
        try {
            status = new CommandLine(new BenchCommand()).execute("--model", "tiny", "--quick", "--batches", "1",
                    "--steps-list", "4,all", "--repeats", "2", "--train-steps", "0", "--vq-images", "0",
                    "--out", out.toString());
        } finally {
            System.setOut(stdout);
        }
        assertThat(status).isZero();

        JsonObject json = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        JsonArray runs = json.getAsJsonArray("generation");
        JsonObject parallel = runs.get(0).getAsJsonObject();
        JsonObject oneToken = runs.get(1).getAsJsonObject();
        assertThat(oneToken.get("oneTokenPerStep").getAsBoolean()).isTrue();
        assertThat(parallel.getAsJsonArray("seconds")).hasSize(2);
        assertThat(oneToken.getAsJsonArray("seconds")).hasSize(2);
        assertThat(oneToken.has("speedUpOverOneTokenPerStep")).isFalse();
        double speedUp = parallel.get("speedUpOverOneTokenPerStep").getAsDouble();
        assertThat(speedUp).isCloseTo(oneToken.get("secondsPerImage").getAsDouble()
                / parallel.get("secondsPerImage").getAsDouble(), within(1e-9));
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains(String.format(
                Locale.ROOT, "batch 1, 4 steps: %.2fx as fast as one token per step", speedUp));
        JsonObject memory = json.getAsJsonObject("memory");
        assertThat(memory.get("peakRssBatch1OverWeightsBytes").getAsLong()).isEqualTo(
                memory.get("peakRssBatch1Bytes").getAsLong() - json.get("weightBytes").getAsLong());
    }

    @Test
    void measuresTheEmbeddedModelByDefaultWithoutTheGoldenFiles(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bench.json");
        int status = withGoldenDir(dir.resolve("no-golden-files"), () -> new CommandLine(new BenchCommand()).execute(
                "--quick", "--batches", "1", "--steps-list", "4", "--train-steps", "0", "--vq-images", "0",
                "--out", out.toString()));
        assertThat(status).isZero();

        JsonObject json = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        assertThat(json.get("model").getAsString()).isEqualTo("embedded");
        JsonObject config = json.getAsJsonObject("config");
        assertThat(config.get("dim").getAsInt()).isEqualTo(192);
        assertThat(config.get("vocabSize").getAsInt()).isEqualTo(512);
        assertThat(json.getAsJsonArray("generation").get(0).getAsJsonObject().get("secondsPerImage").getAsDouble())
                .isPositive();
    }

    @Test
    void measuresABundleDirectory(@TempDir Path dir) throws Exception {
        Path bundle = Path.of(getClass().getClassLoader().getResource("models/shapes/bundle.json").toURI()).getParent();
        Path out = dir.resolve("bench.json");
        int status = new CommandLine(new BenchCommand()).execute("--model", bundle.toString(), "--quick",
                "--batches", "1", "--steps-list", "4", "--train-steps", "0", "--vq-images", "0", "--out", out.toString());
        assertThat(status).isZero();

        JsonObject json = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
        assertThat(json.get("model").getAsString()).isEqualTo(bundle.toString());
        assertThat(json.getAsJsonObject("config").get("layers").getAsInt()).isEqualTo(6);
    }

    @Test
    void tinyWithoutTheGoldenFilesSaysWhereItLookedAndWhatComesWithTheSdk(@TempDir Path dir) {
        Path golden = dir.resolve("no-golden-files");
        BenchCommand bench = new BenchCommand();
        new CommandLine(bench).parseArgs("--model", "tiny", "--quick", "--out", dir.resolve("bench.json").toString());

        assertThatThrownBy(() -> withGoldenDir(golden, bench::call)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining(golden.resolve("arpg-tiny").resolve("state_dict.safetensors").toString())
                .hasMessageContaining("--model embedded");
    }

    @Test
    void aPresetForAModelThatBringsItsOwnSizesIsRefused(@TempDir Path dir) {
        BenchCommand bench = new BenchCommand();
        new CommandLine(bench).parseArgs("--preset", "ARPG-L", "--quick", "--out", dir.resolve("bench.json").toString());

        assertThatThrownBy(bench::call).isInstanceOf(InvalidRequestException.class)
                .hasMessage("--preset names the sizes of a weight file that records none; embedded brings its own");
    }

    private static <T> T withGoldenDir(Path dir, java.util.concurrent.Callable<T> call) throws Exception {
        String before = System.getProperty("arpg.golden.dir");
        System.setProperty("arpg.golden.dir", dir.toString());
        try {
            return call.call();
        } finally {
            if (before == null) {
                System.clearProperty("arpg.golden.dir");
            } else {
                System.setProperty("arpg.golden.dir", before);
            }
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "--train-warm-up|-1|--train-warm-up must be >= 0, got -1",
        "--repeats|0|--repeats must be >= 1, got 0",
        "--train-steps|-2|--train-steps must be >= 0, got -2",
        "--vq-images|-1|--vq-images must be >= 0, got -1",
        "--batches|1,0|--batches must be >= 1, got 0",
        "--steps-list|64,abc|--steps-list takes positive step counts or 'all', got 'abc'",
        "--steps-list|0|--steps-list takes positive step counts or 'all', got '0'"})
    void rejectsCountsItCannotMeasureBeforeLoadingAnything(String option, String value, String message,
            @TempDir Path dir) {
        Path out = dir.resolve("bench.json");
        BenchCommand bench = new BenchCommand();
        new CommandLine(bench).parseArgs("--model", "missing.safetensors", option, value, "--out", out.toString());

        assertThatThrownBy(bench::call).isInstanceOf(InvalidRequestException.class).hasMessage(message);
        assertThat(out).doesNotExist();
    }
}
