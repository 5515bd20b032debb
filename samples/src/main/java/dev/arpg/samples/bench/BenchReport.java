package dev.arpg.samples.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.arpg.core.model.ArpgConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/** Collects the measurements of one {@code arpg bench} run; renders them as JSON and as a table. */
final class BenchReport {
    private static final double MIB = 1024.0 * 1024.0;

    private final String modelName;
    private final List<GenerationBench.Result> generations = new ArrayList<>();
    private ArpgConfig config;
    private long weightBytes;
    private String decodingProducts;
    private long rssAfterLoad = -1;
    private long peakRssAfterLoad = -1;
    private long peakRssBatch1 = -1;
    private long peakRss = -1;
    private double matmulBefore;
    private double matmulAfter;
    private double trainingSamplesPerSecond = -1;
    private int trainingWarmUpSteps;
    private int trainingSteps;
    private double vqImagesPerSecond = -1;
    private int threads;
    private String engine = "";

    BenchReport(String modelName) {
        this.modelName = modelName;
    }

    void model(ArpgConfig c, long bytes, long rss, long peakRss) {
        this.config = c;
        this.weightBytes = bytes;
        this.rssAfterLoad = rss;
        this.peakRssAfterLoad = peakRss;
    }

    void decodingProducts(String products) {
        this.decodingProducts = products;
    }

    void matmulBefore(double gflops) {
        this.matmulBefore = gflops;
    }

    void matmulAfter(double gflops) {
        this.matmulAfter = gflops;
    }

    void generation(GenerationBench.Result result) {
        generations.add(result);
    }

    void peakRssBatch1(long bytes) {
        this.peakRssBatch1 = bytes;
    }

    void vqDecode(double imagesPerSecond) {
        this.vqImagesPerSecond = imagesPerSecond;
    }

    void training(int warmUpSteps, int steps, double samplesPerSecond) {
        this.trainingWarmUpSteps = warmUpSteps;
        this.trainingSteps = steps;
        this.trainingSamplesPerSecond = samplesPerSecond;
    }

    /** @param preparation what {@code Engines.prepare} did to libtorch on this machine */
    void engine(String preparation) {
        this.engine = preparation;
    }

    void finish(long peak, int intraOpThreads) {
        this.peakRss = peak;
        this.threads = intraOpThreads;
    }

    /** @return the machine's matmul GFLOP/s: the better of the runs before and after the rest */
    double matmulGflops() {
        return Math.max(matmulBefore, matmulAfter);
    }

    /**
     * How many times as fast as one token per step a run of the same batch was (the issue's
     * "parallel vs one token per step"): the one-token run's best time over this run's.
     *
     * @param run a generation of this report
     * @return the factor, or empty when the run decodes one token per step or its batch has no
     *     one-token run
     */
    OptionalDouble speedUpOverOneTokenPerStep(GenerationBench.Result run) {
        if (run.steps() == config.blockSize()) {
            return OptionalDouble.empty();
        }
        return generations.stream()
                .filter(r -> r.batch() == run.batch() && r.steps() == config.blockSize())
                .mapToDouble(r -> r.best() / run.best())
                .findFirst();
    }

    JsonObject json() {
        JsonObject json = new JsonObject();
        json.addProperty("model", modelName);
        JsonObject c = new JsonObject();
        c.addProperty("dim", config.dim());
        c.addProperty("layers", config.layers());
        c.addProperty("heads", config.heads());
        c.addProperty("vocabSize", config.vocabSize());
        c.addProperty("blockSize", config.blockSize());
        json.add("config", c);
        json.addProperty("weightBytes", weightBytes);
        JsonObject machine = new JsonObject();
        machine.addProperty("cores", Runtime.getRuntime().availableProcessors());
        machine.addProperty("intraOpThreads", threads);
        machine.addProperty("engine", engine);
        machine.addProperty("decodingProducts", decodingProducts);
        machine.addProperty("matmulGflops", matmulGflops());
        machine.addProperty("matmulGflopsBefore", matmulBefore);
        machine.addProperty("matmulGflopsAfter", matmulAfter);
        machine.addProperty("matmulShape", "[1024,1024] @ [1024,4096] float32, best of 10");
        json.add("machine", machine);
        JsonArray runs = new JsonArray();
        for (GenerationBench.Result r : generations) {
            JsonObject o = new JsonObject();
            o.addProperty("batch", r.batch());
            o.addProperty("steps", r.steps());
            o.addProperty("oneTokenPerStep", r.steps() == config.blockSize());
            JsonArray seconds = new JsonArray();
            for (double s : r.seconds()) {
                seconds.add(s);
            }
            o.add("seconds", seconds);
            o.addProperty("secondsPerImage", r.secondsPerImage());
            o.addProperty("imagesPerSecond", r.imagesPerSecond());
            o.addProperty("msPerStep", r.msPerStep());
            o.addProperty("gflop", r.gflop());
            o.addProperty("gflops", r.gflops());
            o.addProperty("fractionOfMatmulPeak", r.gflops() / matmulGflops());
            o.addProperty("tokensHash", r.tokensHash());
            speedUpOverOneTokenPerStep(r).ifPresent(x -> o.addProperty("speedUpOverOneTokenPerStep", x));
            runs.add(o);
        }
        json.add("generation", runs);
        JsonObject vq = new JsonObject();
        vq.addProperty("measured", vqImagesPerSecond >= 0);
        vq.addProperty("config", "VQ-16 (random weights), 16x16 codes -> 256x256 px, batch 1");
        if (vqImagesPerSecond >= 0) {
            vq.addProperty("imagesPerSecond", vqImagesPerSecond);
        }
        json.add("vqDecode", vq);
        JsonObject training = new JsonObject();
        training.addProperty("measured", trainingSamplesPerSecond >= 0);
        training.addProperty("config", "dim 256, 8 layers, 4 heads, vocab 512, 64 tokens, random weights");
        training.addProperty("batch", TrainingBench.BATCH);
        training.addProperty("update", "gradient clipping + AdamW (the real training step)");
        if (trainingSamplesPerSecond >= 0) {
            training.addProperty("warmUpSteps", trainingWarmUpSteps);
            training.addProperty("timedSteps", trainingSteps);
            training.addProperty("samplesPerSecond", trainingSamplesPerSecond);
        }
        json.add("training", training);
        JsonObject memory = new JsonObject();
        memory.addProperty("rssAfterLoadBytes", rssAfterLoad);
        memory.addProperty("peakRssAfterLoadBytes", peakRssAfterLoad);
        memory.addProperty("peakRssBatch1Bytes", peakRssBatch1);
        memory.addProperty("peakRssBatch1OverWeightsBytes", peakRssBatch1 - weightBytes);
        memory.addProperty("peakRssBytes", peakRss);
        json.add("memory", memory);
        return json;
    }

    String table() {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "model %s: dim %d, %d layers, %d heads, vocab %d, %d tokens;"
                + " weights %.0f MiB; %d intra-op threads%n", modelName, config.dim(), config.layers(),
                config.heads(), config.vocabSize(), config.blockSize(), weightBytes / MIB, threads));
        t.append(String.format(Locale.ROOT, "engine: %s%n", engine));
        t.append(String.format(Locale.ROOT, "decoding products: %s%n", decodingProducts));
        t.append(String.format(Locale.ROOT, "machine matmul: %.1f GFLOP/s (before %.1f, after %.1f)%n%n",
                matmulGflops(), matmulBefore, matmulAfter));
        t.append(String.format(Locale.ROOT, "%5s %5s %10s %9s %9s %8s %7s%n",
                "batch", "steps", "s/image", "images/s", "ms/step", "GFLOP/s", "%peak"));
        for (GenerationBench.Result r : generations) {
            t.append(String.format(Locale.ROOT, "%5d %5d %10.3f %9.3f %9.1f %8.1f %6.1f%%%n", r.batch(),
                    r.steps(), r.secondsPerImage(), r.imagesPerSecond(), r.msPerStep(), r.gflops(),
                    100 * r.gflops() / matmulGflops()));
        }
        for (GenerationBench.Result r : generations) {
            speedUpOverOneTokenPerStep(r).ifPresent(x -> t.append(String.format(Locale.ROOT,
                    "batch %d, %d steps: %.2fx as fast as one token per step%n", r.batch(), r.steps(), x)));
        }
        t.append(vqImagesPerSecond >= 0
                ? String.format(Locale.ROOT, "%nVQ-16 decode (256 px, batch 1): %.3f images/s (%.2f s/image)%n",
                        vqImagesPerSecond, 1 / vqImagesPerSecond)
                : String.format(Locale.ROOT, "%nVQ decode: not measured%n"));
        t.append(trainingSamplesPerSecond >= 0
                ? String.format(Locale.ROOT,
                        "training (dim 256, 8 layers, batch %d, %d steps after %d untimed): %.1f samples/s%n",
                        TrainingBench.BATCH, trainingSteps, trainingWarmUpSteps, trainingSamplesPerSecond)
                : String.format(Locale.ROOT, "training: not measured%n"));
        t.append(String.format(Locale.ROOT, "RSS: %.0f MiB after load (peak %.0f MiB), peak %.0f MiB up to batch 1"
                + " (weights + %.0f MiB, %.0f MB), peak %.0f MiB overall%n", rssAfterLoad / MIB, peakRssAfterLoad / MIB,
                peakRssBatch1 / MIB, (peakRssBatch1 - weightBytes) / MIB, (peakRssBatch1 - weightBytes) / 1e6,
                peakRss / MIB));
        return t.toString();
    }
}
