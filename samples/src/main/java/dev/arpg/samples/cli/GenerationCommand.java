package dev.arpg.samples.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.arpg.api.CancellationToken;
import dev.arpg.api.CfgSchedule;
import dev.arpg.api.GenerationRequest;
import dev.arpg.api.GenerationResult;
import dev.arpg.api.Generator;
import dev.arpg.api.Progress;
import dev.arpg.api.ProgressListener;
import dev.arpg.api.SampleSchedule;
import dev.arpg.api.SamplingSettings;
import dev.arpg.core.Arpg;
import dev.arpg.core.bundle.LoadListener;
import dev.arpg.core.bundle.ModelBundle;
import dev.arpg.core.console.ProgressBar;
import dev.arpg.core.image.PngImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What every generating subcommand shares: the model, the class labels, the sampling settings with
 * the model's recommendations as defaults, conditions, and the outputs (one PNG per image, an
 * optional tiled grid, per-step previews and a JSON sidecar with every setting, the seed and the
 * timings). Subclasses add what makes their request special (an edit).
 */
abstract class GenerationCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--class", split = ",", paramLabel = "LABEL", defaultValue = "0",
            description = "Class label(s), comma-separated: numbers, or the model's class names (`arpg info` "
                    + "lists them). Default: ${DEFAULT-VALUE}.")
    List<String> classes;

    @Option(names = "--n", defaultValue = "1", description = "Images per label. Default: ${DEFAULT-VALUE}.")
    int perLabel;

    @Option(names = "--condition", paramLabel = "NAME=IMAGE[,scale=S][,start=A][,end=B][,KEY=VALUE]",
            description = "A condition with its control image (repeatable), e.g. canny=edges.png,scale=0.8,low=50.")
    List<String> conditions = new ArrayList<>();

    @Option(names = "--control-guidance", defaultValue = "0",
            description = "Extra guidance towards the conditions (0 disables). Default: ${DEFAULT-VALUE}.")
    double controlGuidance;

    @Option(names = "--steps", description = "Decoding steps (default: the model's recommendation, else 64).")
    Integer steps;

    @Option(names = "--guidance", description = "CFG scale (default: the model's recommendation, else 4.0).")
    Double guidance;

    @Option(names = "--cfg-schedule", description = "constant or linear (default: the model's recommendation, else constant).")
    CfgSchedule cfgSchedule;

    @Option(names = "--sample-schedule", description = "arccos or cosine (default: the model's recommendation, else arccos).")
    SampleSchedule sampleSchedule;

    @Option(names = "--temperature", description = "Softmax temperature.")
    Double temperature;

    @Option(names = "--top-k", description = "Keep the k most likely tokens; 0 disables.")
    Integer topK;

    @Option(names = "--top-p", description = "Nucleus threshold; 1 disables.")
    Double topP;

    @Option(names = "--order", paramLabel = "ORDER",
            description = "Decoding order: random, outside-in (meant for one token per step) or raster (default: the "
                    + "model's recommendation, else random).")
    String order;

    @Option(names = "--greedy", description = "Take the most likely token instead of drawing.")
    boolean greedy;

    @Option(names = "--seed", description = "Seed of the order and the draws (default: a fresh one).")
    Long seed;

    @Option(names = "--out", defaultValue = "out", paramLabel = "DIR", description = "Output folder. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--grid", description = "Also write all images tiled in one PNG.")
    boolean grid;

    @Option(names = "--preview-dir", paramLabel = "DIR",
            description = "Write the partially decoded images after every step into DIR.")
    Path previewDir;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    /**
     * Adds what this subcommand's request needs beyond labels, sampling and conditions.
     *
     * @param request the request being built
     */
    abstract void configure(GenerationRequest.Builder request);

    /**
     * Describes the subcommand's additions for the sidecar.
     *
     * @param sidecar the JSON object to add to
     */
    void describe(JsonObject sidecar) {
    }

    @Override
    public Integer call() throws IOException {
        ModelBundle bundle = model.bundle();
        // The whole request first, so that a bad option or a missing image stops before the model loads.
        int[] labels = ClassLabels.resolve(classes, bundle.classNames());
        for (int label : labels) {
            bundle.arpg().config().classTokenId(label);
        }
        GenerationRequest.Builder builder = GenerationRequest.builder().classLabels(labels)
                .imagesPerLabel(perLabel).sampling(settings(bundle.recommendedSampling()))
                .controlGuidance(controlGuidance);
        conditions.forEach(spec -> builder.condition(ConditionOption.parse(spec)));
        configure(builder);
        GenerationRequest request = builder.build();
        try (Generator generator = Arpg.load(bundle, model.device, new LoadingProgress())) {
            GenerationResult result = generator.generate(request, new DecodingProgress(), new CancellationToken());
            Files.createDirectories(out);
            String stem = "arpg-" + result.seed();
            for (int i = 0; i < result.images().size(); i++) {
                Path png = out.resolve(String.format("%s-%02d.png", stem, i));
                PngImages.write(result.images().get(i), png);
                System.out.println(png);
            }
            if (grid) {
                PngImages.write(Tiles.of(result.images()), out.resolve(stem + "-grid.png"));
            }
            Path json = out.resolve(stem + ".json");
            Files.writeString(json, new GsonBuilder().setPrettyPrinting().create().toJson(sidecar(result)));
            System.out.printf("%d image(s) in %.2f s (seed %d) -> %s%n", result.images().size(),
                    result.timings().get("total").toNanos() / 1e9, result.seed(), json);
        }
        return 0;
    }

    /** Draws a bar of the parts being loaded, then the load time. */
    private static final class LoadingProgress implements LoadListener {
        private final long start = System.nanoTime();
        private ProgressBar bar;

        @Override
        public void loaded(String part, int done, int total) {
            if (bar == null) {
                bar = new ProgressBar(System.err, "loading", total);
            }
            bar.update(done, done == total ? String.format("in %.1f s", (System.nanoTime() - start) / 1e9) : part);
        }
    }

    /** Draws a bar of the decoding steps and writes the previews. */
    private final class DecodingProgress implements ProgressListener {
        private ProgressBar bar;

        @Override
        public void onStep(Progress p) {
            if (bar == null) {
                bar = new ProgressBar(System.err, "decoding", p.steps());
            }
            bar.update(p.step() + 1, p.tokensDone() + "/" + p.tokensTotal() + " tokens");
            if (previewDir != null) {
                try {
                    Files.createDirectories(previewDir);
                    PngImages.write(Tiles.of(List.of(p.preview())),
                            previewDir.resolve(String.format("step-%03d.png", p.step())));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private SamplingSettings settings(SamplingSettings recommended) {
        SamplingSettings.Builder b = new ModelBundle.Sampling(steps, guidance,
                cfgSchedule == null ? null : cfgSchedule.name(), sampleSchedule == null ? null : sampleSchedule.name(),
                temperature, topK, topP, order).applyTo(recommended.toBuilder()).greedy(greedy);
        if (seed != null) {
            b.seed(seed);
        }
        return b.build();
    }

    private JsonObject sidecar(GenerationResult result) {
        JsonObject json = new JsonObject();
        json.addProperty("seed", result.seed());
        json.addProperty("sampling", result.sampling().toString());
        json.addProperty("controlGuidance", controlGuidance);
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
        describe(json);
        JsonArray labels = new JsonArray();
        JsonArray grids = new JsonArray();
        for (int i = 0; i < result.tokens().size(); i++) {
            labels.add(result.classLabels()[i]);
            JsonArray tokens = new JsonArray();
            for (int t : result.tokens().get(i)) {
                tokens.add(t);
            }
            grids.add(tokens);
        }
        json.add("classes", labels);
        json.add("tokens", grids);
        JsonObject timings = new JsonObject();
        result.timings().forEach((k, v) -> timings.addProperty(k + "_ms", v.toNanos() / 1e6));
        json.add("timings", timings);
        return json;
    }
}
