package dev.arpg.samples.bench;

import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.model.ArpgTransformer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code arpg bench}: measures, in one process, generation speed (batches x step counts), training
 * throughput, peak resident memory and the machine's own float32 matmul GFLOP/s, so that the
 * generator's share of the machine's peak is a ratio that holds on a noisy machine. Writes the
 * results as JSON and prints a table. See {@code docs/benchmarks.md}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure generation, training, memory and the machine's matmul speed.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = BenchModels.EMBEDDED, paramLabel = "NAME|DIR|FILE",
            description = "embedded (the model that comes with the SDK), arpg-l (random ARPG-L-size weights),"
                    + " tiny (the reference's arpg-tiny from this project's golden files), a bundle directory"
                    + " or a weight file. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--preset", paramLabel = "NAME",
            description = "Model sizes (ARPG-L, ARPG-XL, ARPG-XXL) for a weight file that records no config.")
    String preset;

    @Option(names = "--batches", split = ",", defaultValue = "1,4", paramLabel = "N",
            description = "Images per call. Default: ${DEFAULT-VALUE}.")
    int[] batches;

    @Option(names = "--steps-list", split = ",", paramLabel = "N|all",
            description = "Decoding steps; 'all' is one token per step. Default: 64,all (--quick: 64).")
    String[] stepsList;

    @Option(names = "--repeats", defaultValue = "1",
            description = "Timed generations per point, a batch's step counts in turn; the fastest is reported."
                    + " Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Option(names = "--train-steps", description = "Timed training steps (0 skips training). Default: 10 (--quick: 5).")
    Integer trainSteps;

    @Option(names = "--train-warm-up", defaultValue = "" + TrainingBench.DEFAULT_WARM_UP, paramLabel = "N",
            description = "Untimed training steps before the timed ones (the JIT compiles the step's Java parts"
                    + " over its first 10-20). Default: ${DEFAULT-VALUE}.")
    int trainWarmUp;

    @Option(names = "--vq-images", description = "Timed VQ-16 decodes (0 skips). Default: 3 (--quick: 1).")
    Integer vqImages;

    @Option(names = "--quick", description = "64 steps only, 5 timed training steps, 1 VQ decode.")
    boolean quick;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of weights, orders and draws. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", description = "JSON output. Default: bench-<model>.json.")
    Path out;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    /**
     * Runs the benchmark alone, outside the {@code arpg} launcher.
     *
     * @param args the options
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        BenchModels.Source source = validate();
        useAllCores();
        BenchReport report = new BenchReport(model);
        try (NDManager root = Engines.newRootManager()) {
            report.engine(Engines.prepare());
            report.matmulBefore(MachineProbe.matmulGflops(root, 10));
            try (ArpgTransformer transformer = BenchModels.load(source, seed, root)) {
                report.model(transformer.config(), BenchModels.weightBytes(transformer), MachineProbe.rssBytes(),
                        MachineProbe.peakRssBytes());
                report.decodingProducts(transformer.prepareForDecoding() ? "oneDNN, blocked weights"
                        : "libtorch, plain weights");
                GenerationBench generation = new GenerationBench(transformer, seed);
                List<Integer> stepCounts = steps(transformer.config().blockSize());
                for (int batch : batches) {
                    for (int steps : stepCounts) {
                        generation.warmUp(batch, steps);
                    }
                    generation.measure(batch, stepCounts, repeats).forEach(report::generation);
                    if (batch == 1) {
                        report.peakRssBatch1(MachineProbe.peakRssBytes());
                    }
                }
            }
            int decodes = vqImages != null ? vqImages : quick ? 1 : 3;
            if (decodes > 0) {
                report.vqDecode(VqDecodeBench.imagesPerSecond(root, decodes, seed));
            }
            int training = trainSteps != null ? trainSteps : quick ? 5 : 10;
            if (training > 0) {
                double rate = TrainingBench.samplesPerSecond(root, trainWarmUp, training, seed);
                report.training(trainWarmUp, training, rate);
            }
            report.matmulAfter(MachineProbe.matmulGflops(root, 10));
        }
        report.finish(MachineProbe.peakRssBytes(), MachineProbe.intraOpThreads());
        Path file = out != null ? out : Path.of("bench-" + Path.of(model).getFileName() + ".json");
        JsonObject json = report.json();
        Files.writeString(file, new GsonBuilder().setPrettyPrinting().create().toJson(json));
        System.out.print(report.table());
        System.out.println("JSON: " + file);
        return 0;
    }

    /** Rejects counts that cannot be measured and models that cannot be found, before anything is loaded or timed. */
    private BenchModels.Source validate() {
        require(repeats >= 1, "--repeats must be >= 1, got " + repeats);
        require(trainWarmUp >= 0, "--train-warm-up must be >= 0, got " + trainWarmUp);
        require(trainSteps == null || trainSteps >= 0, "--train-steps must be >= 0, got " + trainSteps);
        require(vqImages == null || vqImages >= 0, "--vq-images must be >= 0, got " + vqImages);
        for (int batch : batches) {
            require(batch >= 1, "--batches must be >= 1, got " + batch);
        }
        if (stepsList != null) {
            for (String s : stepsList) {
                require(s.trim().equalsIgnoreCase("all") || s.trim().matches("[1-9][0-9]{0,8}"),
                        "--steps-list takes positive step counts or 'all', got '" + s + "'");
            }
        }
        return BenchModels.source(model, preset);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new InvalidRequestException(message);
        }
    }

    private List<Integer> steps(int tokens) {
        String[] list = stepsList != null ? stepsList : quick ? new String[] {"64"} : new String[] {"64", "all"};
        List<Integer> out = new ArrayList<>();
        for (String s : list) {
            out.add(s.equalsIgnoreCase("all") ? tokens : Math.min(tokens, Integer.parseInt(s.trim())));
        }
        return out;
    }

    /** Intra-op threads = cores, unless the user chose a count (read when the engine starts). */
    private static void useAllCores() {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null && System.getenv("OMP_NUM_THREADS") == null) {
            System.setProperty("ai.djl.pytorch.num_threads",
                    Integer.toString(Runtime.getRuntime().availableProcessors()));
        }
    }
}
