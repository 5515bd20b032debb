package dev.arpg.samples.bench;

import dev.arpg.api.CancellationToken;
import dev.arpg.api.GenerationCancelledException;
import dev.arpg.api.SamplingSettings;
import dev.arpg.core.decode.DecodeListener;
import dev.arpg.core.decode.DecodeResult;
import dev.arpg.core.decode.DecodeTask;
import dev.arpg.core.decode.ParallelDecoder;
import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.model.ArpgTransformer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Times class-conditional generation with the default sampling settings and a fixed seed. */
final class GenerationBench {
    /** Decoding steps run before measuring a configuration. */
    private static final int WARM_UP_STEPS = 4;

    private final ArpgTransformer model;
    private final ParallelDecoder decoder;
    private final long seed;
    /** Whether a whole generation has run (see {@link #warmUp}). */
    private boolean warm;

    /**
     * @param model the transformer
     * @param seed seed of every generation, so runs draw the same tokens
     */
    GenerationBench(ArpgTransformer model, long seed) {
        this.model = model;
        this.decoder = new ParallelDecoder(model);
        this.seed = seed;
    }

    /**
     * One measured configuration.
     *
     * @param batch images per call
     * @param steps decoding steps
     * @param seconds wall time of every repeat
     * @param tokensHash hash of the token grids of the last repeat (equal seeds, equal hashes)
     * @param gflop model FLOPs of one call, in units of 10^9
     */
    record Result(int batch, int steps, double[] seconds, int tokensHash, double gflop) {
        double best() {
            return Arrays.stream(seconds).min().orElseThrow();
        }

        double imagesPerSecond() {
            return batch / best();
        }

        double secondsPerImage() {
            return best() / batch;
        }

        double msPerStep() {
            return 1000 * best() / steps;
        }

        double gflops() {
            return gflop / best();
        }
    }

    /**
     * Runs an untimed generation of the measured shape, so that the timed ones find the engine and
     * the JVM warm: the whole generation before the first measured configuration (the JVM compiles
     * the decoder's Java code during it; timed, it took 1.4-1.6x as long as the next one, session
     * 23), the first steps of it before every other. Never a generation of another shape: a
     * few-step generation decodes many tokens per step and would raise the peak memory the
     * benchmark reports.
     *
     * @param batch images per call
     * @param steps decoding steps of the measured generations
     */
    void warmUp(int batch, int steps) {
        if (!warm) {
            generate(batch, steps);
            warm = true;
            return;
        }
        CancellationToken stop = new CancellationToken();
        DecodeListener cancelAfterWarmUp = progress -> {
            if (progress.step() + 1 >= WARM_UP_STEPS) {
                stop.cancel();
            }
        };
        try {
            decoder.decode(task(batch, steps), cancelAfterWarmUp, stop);
        } catch (GenerationCancelledException expected) {
            // the warm-up ends here by design
        }
    }

    /**
     * Times {@code repeats} rounds of generations, one of each step count per round, so that a drift
     * of the machine's speed during the measurement reaches every step count alike: the speed-up of
     * few steps over one token per step compares runs of the same minutes.
     *
     * @param batch images per call
     * @param stepCounts decoding steps of each configuration
     * @param repeats timed calls per configuration
     * @return the timings, one per step count, in the order given
     */
    List<Result> measure(int batch, List<Integer> stepCounts, int repeats) {
        double[][] seconds = new double[stepCounts.size()][repeats];
        DecodeResult[] last = new DecodeResult[stepCounts.size()];
        for (int r = 0; r < repeats; r++) {
            for (int i = 0; i < stepCounts.size(); i++) {
                long start = System.nanoTime();
                last[i] = generate(batch, stepCounts.get(i));
                seconds[i][r] = (System.nanoTime() - start) / 1e9;
            }
        }
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < stepCounts.size(); i++) {
            results.add(new Result(batch, stepCounts.get(i), seconds[i], Arrays.deepHashCode(last[i].tokens()),
                    FlopCount.generation(model.config(), last[i].plan(), batch) / 1e9));
        }
        return results;
    }

    private DecodeResult generate(int batch, int steps) {
        return decoder.decode(task(batch, steps), DecodeListener.NONE, new CancellationToken());
    }

    private DecodeTask task(int batch, int steps) {
        ArpgConfig config = model.config();
        int[] labels = new int[batch];
        for (int b = 0; b < batch; b++) {
            labels[b] = b % config.numClasses();
        }
        SamplingSettings settings = SamplingSettings.builder().steps(steps).seed(seed).build();
        return DecodeTask.classes(settings, labels);
    }
}
