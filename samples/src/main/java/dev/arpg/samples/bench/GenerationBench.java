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
import java.util.Arrays;

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
     * Times {@code repeats} generations.
     *
     * @param batch images per call
     * @param steps decoding steps
     * @param repeats timed calls
     * @return the timings
     */
    Result measure(int batch, int steps, int repeats) {
        double[] seconds = new double[repeats];
        DecodeResult last = null;
        for (int r = 0; r < repeats; r++) {
            long start = System.nanoTime();
            last = generate(batch, steps);
            seconds[r] = (System.nanoTime() - start) / 1e9;
        }
        return new Result(batch, steps, seconds, Arrays.deepHashCode(last.tokens()),
                FlopCount.generation(model.config(), last.plan(), batch) / 1e9);
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
