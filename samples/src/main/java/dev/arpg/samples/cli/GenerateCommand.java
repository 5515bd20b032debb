package dev.arpg.samples.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.arpg.api.CfgSchedule;
import dev.arpg.api.GenerationRequest;
import dev.arpg.api.GenerationResult;
import dev.arpg.api.Generator;
import dev.arpg.api.SampleSchedule;
import dev.arpg.api.SamplingSettings;
import dev.arpg.core.Arpg;
import dev.arpg.core.bundle.ModelBundle;
import dev.arpg.core.image.PngImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code arpg generate}: class-conditional generation, optionally controlled by conditions. Writes
 * one PNG per image and a JSON sidecar with every setting used, the seed and condition parameters
 * included, the token grids and the timings.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate images for class labels.")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--class", split = ",", paramLabel = "LABEL", defaultValue = "0",
            description = "Class label(s), comma-separated. Default: ${DEFAULT-VALUE}.")
    int[] classes;

    @Option(names = "--n", defaultValue = "1", description = "Images per label. Default: ${DEFAULT-VALUE}.")
    int perLabel;

    @Option(names = "--condition", paramLabel = "NAME=IMAGE[,scale=S][,start=A][,end=B][,KEY=VALUE]",
            description = "A condition with its control image (repeatable), e.g. canny=edges.png,scale=0.8,low=50.")
    java.util.List<String> conditions = new java.util.ArrayList<>();

    @Option(names = "--steps", description = "Decoding steps (default: the model's recommendation, else 64).")
    Integer steps;

    @Option(names = "--guidance", description = "CFG scale (default: the model's recommendation, else 4.0).")
    Double guidance;

    @Option(names = "--cfg-schedule", description = "CONSTANT or LINEAR.")
    CfgSchedule cfgSchedule;

    @Option(names = "--sample-schedule", description = "ARCCOS or COSINE.")
    SampleSchedule sampleSchedule;

    @Option(names = "--temperature", description = "Softmax temperature.")
    Double temperature;

    @Option(names = "--top-k", description = "Keep the k most likely tokens; 0 disables.")
    Integer topK;

    @Option(names = "--top-p", description = "Nucleus threshold; 1 disables.")
    Double topP;

    @Option(names = "--greedy", description = "Take the most likely token instead of drawing.")
    boolean greedy;

    @Option(names = "--seed", description = "Seed of the order and the draws (default: a fresh one).")
    Long seed;

    @Option(names = "--out", defaultValue = "out", paramLabel = "DIR", description = "Output folder. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        try (Generator generator = Arpg.load(model.bundle(), model.device)) {
            GenerationRequest.Builder builder = GenerationRequest.builder().classLabels(classes)
                    .imagesPerLabel(perLabel).sampling(settings(generator.recommendedSampling()));
            conditions.forEach(spec -> builder.condition(ConditionOption.parse(spec)));
            GenerationRequest request = builder.build();
            GenerationResult result = generator.generate(request, p -> System.err.printf("step %d/%d: %d/%d tokens%n",
                    p.step() + 1, p.steps(), p.tokensDone(), p.tokensTotal()), new dev.arpg.api.CancellationToken());
            Files.createDirectories(out);
            for (int i = 0; i < result.images().size(); i++) {
                Path png = out.resolve(String.format("arpg-%d-%02d.png", result.seed(), i));
                PngImages.write(result.images().get(i), png);
                System.out.println(png);
            }
            Path json = out.resolve("arpg-" + result.seed() + ".json");
            Files.writeString(json, new GsonBuilder().setPrettyPrinting().create().toJson(sidecar(result)));
            System.out.printf("%d image(s) in %.2f s (seed %d) -> %s%n", result.images().size(),
                    result.timings().get("total").toNanos() / 1e9, result.seed(), json);
        }
        return 0;
    }

    private SamplingSettings settings(SamplingSettings recommended) {
        SamplingSettings.Builder b = new ModelBundle.Sampling(steps, guidance,
                cfgSchedule == null ? null : cfgSchedule.name(), sampleSchedule == null ? null : sampleSchedule.name(),
                temperature, topK, topP).applyTo(recommended.toBuilder()).greedy(greedy);
        if (seed != null) {
            b.seed(seed);
        }
        return b.build();
    }

    private static JsonObject sidecar(GenerationResult result) {
        JsonObject json = new JsonObject();
        json.addProperty("seed", result.seed());
        JsonArray used = new JsonArray();
        result.conditions().forEach(c -> {
            JsonObject o = new JsonObject();
            o.addProperty("name", c.name());
            o.addProperty("conditioningScale", c.conditioningScale());
            o.addProperty("guidanceStart", c.guidanceStart());
            o.addProperty("guidanceEnd", c.guidanceEnd());
            JsonObject params = new JsonObject();
            c.parameters().forEach(params::addProperty);
            o.add("parameters", params);
            used.add(o);
        });
        json.add("conditions", used);
        json.addProperty("sampling", result.sampling().toString());
        JsonArray labels = new JsonArray();
        JsonArray grids = new JsonArray();
        for (int i = 0; i < result.tokens().size(); i++) {
            labels.add(result.classLabels()[i]);
            JsonArray grid = new JsonArray();
            for (int t : result.tokens().get(i)) {
                grid.add(t);
            }
            grids.add(grid);
        }
        json.add("classes", labels);
        json.add("tokens", grids);
        JsonObject timings = new JsonObject();
        result.timings().forEach((k, v) -> timings.addProperty(k + "_ms", v.toNanos() / 1e6));
        json.add("timings", timings);
        return json;
    }
}
