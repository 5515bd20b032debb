package dev.arpg.samples.cli;

import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.arpg.api.CancellationToken;
import dev.arpg.api.CfgSchedule;
import dev.arpg.api.SampleSchedule;
import dev.arpg.api.SamplingSettings;
import dev.arpg.core.decode.DecodeResult;
import dev.arpg.core.decode.DecodeTask;
import dev.arpg.core.decode.ParallelDecoder;
import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.model.ArpgTransformer;
import dev.arpg.core.weights.StateDict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code arpg generate}: class-conditional generation. Writes the token grids and every setting
 * used, the seed included, as JSON. (Decoding tokens to pixels arrives with the VQ tokenizer.)
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate token grids for class labels with an ARPG checkpoint.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--arpg-ckpt", required = true, paramLabel = "FILE",
            description = "ARPG weights: a torch.save .pt checkpoint or a .safetensors file.")
    Path checkpoint;

    @Option(names = "--preset", paramLabel = "NAME",
            description = "Model sizes (ARPG-L, ARPG-XL, ARPG-XXL) for files that record no config.")
    String preset;

    @Option(names = "--class", split = ",", paramLabel = "LABEL", defaultValue = "0",
            description = "Class label(s), comma-separated; one image each. Default: ${DEFAULT-VALUE}.")
    int[] classes;

    @Option(names = "--steps", defaultValue = "64", description = "Decoding steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--guidance", defaultValue = "4.0", description = "CFG scale. Default: ${DEFAULT-VALUE}.")
    double guidance;

    @Option(names = "--cfg-schedule", defaultValue = "CONSTANT",
            description = "CONSTANT or LINEAR. Default: ${DEFAULT-VALUE}.")
    CfgSchedule cfgSchedule;

    @Option(names = "--sample-schedule", defaultValue = "ARCCOS",
            description = "ARCCOS or COSINE. Default: ${DEFAULT-VALUE}.")
    SampleSchedule sampleSchedule;

    @Option(names = "--temperature", defaultValue = "1.0", description = "Default: ${DEFAULT-VALUE}.")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "0 disables. Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", description = "1 disables. Default: ${DEFAULT-VALUE}.")
    double topP;

    @Option(names = "--greedy", description = "Take the most likely token instead of drawing.")
    boolean greedy;

    @Option(names = "--seed", description = "Seed of the order and the draws (default: a fresh one).")
    Long seed;

    @Option(names = "--out", defaultValue = "out", paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        SamplingSettings.Builder b = SamplingSettings.builder().steps(steps).guidance(guidance)
                .cfgSchedule(cfgSchedule).sampleSchedule(sampleSchedule).temperature(temperature)
                .topK(topK).topP(topP).greedy(greedy);
        if (seed != null) {
            b.seed(seed);
        }
        SamplingSettings settings = b.build();
        StateDict weights = StateDict.read(checkpoint);
        ArpgConfig config = preset != null ? ArpgConfig.preset(preset) : ArpgConfig.recordedIn(weights);
        long start = System.nanoTime();
        DecodeResult result;
        try (NDManager root = NDManager.newBaseManager();
                ArpgTransformer model = ArpgTransformer.load(config, weights, root)) {
            result = new ParallelDecoder(model).decode(DecodeTask.classes(settings, classes),
                    p -> System.err.printf("step %d/%d: %d/%d tokens%n", p.step() + 1, p.steps(), p.decided(),
                            config.blockSize()),
                    new CancellationToken());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Files.createDirectories(out);
        Path file = out.resolve("tokens-" + result.seed() + ".json");
        Files.writeString(file, new GsonBuilder().setPrettyPrinting().create().toJson(sidecar(settings, result, seconds)));
        System.out.printf("%d token grid(s) of %dx%d in %.2f s (seed %d) -> %s%n", classes.length,
                config.gridSize(), config.gridSize(), seconds, result.seed(), file);
        return 0;
    }

    private JsonObject sidecar(SamplingSettings settings, DecodeResult result, double seconds) {
        JsonObject json = new JsonObject();
        json.addProperty("checkpoint", checkpoint.toString());
        json.addProperty("seed", result.seed());
        json.addProperty("settings", settings.toString());
        json.addProperty("seconds", seconds);
        JsonArray labels = new JsonArray();
        JsonArray grids = new JsonArray();
        for (int i = 0; i < classes.length; i++) {
            labels.add(classes[i]);
            JsonArray grid = new JsonArray();
            for (int t : result.tokens()[i]) {
                grid.add(t);
            }
            grids.add(grid);
        }
        json.add("classes", labels);
        json.add("tokens", grids);
        return json;
    }
}
