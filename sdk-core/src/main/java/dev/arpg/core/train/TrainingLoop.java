package dev.arpg.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.arpg.api.ArpgException;
import dev.arpg.core.engine.Engines;
import java.io.IOException;
import dev.arpg.core.console.ProgressBar;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs a {@link TrainingTask}: AdamW with the schedule, gradient clipping, optional EMA, a progress
 * line with the loss and samples/s, a CSV loss log, checkpoints every N steps, and resume from the
 * last checkpoint. Deterministic given the seed: step {@code s} draws from a generator seeded by
 * {@code (seed, s)}, so an interrupted and resumed run equals an uninterrupted one.
 */
public final class TrainingLoop {
    /**
     * Non-finite gradient norms tolerated in a row: such a step is skipped (no update, logged with
     * its NaN norm), since one bad batch should not end a long run; this many means divergence.
     */
    static final int MAX_NON_FINITE_IN_A_ROW = 3;
    private static final String LOG_HEADER = "step,loss,parts,lr,grad_norm,samples_per_s\n";

    private final TrainingOptions options;
    private final PrintStream progress;

    /**
     * Creates the loop.
     *
     * @param options the run's settings
     * @param progress where the progress bar goes (e.g. {@code System.err})
     */
    public TrainingLoop(TrainingOptions options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    /** What a run did. */
    public record Outcome(long stepsDone, double lastLoss, double samplesPerSecond, Map<String, NDArray> ema) {
    }

    /**
     * Trains until {@code options.steps()} steps are done (resuming if a checkpoint exists).
     *
     * @param task the model being trained
     * @param metadata stored in checkpoints (e.g. the model config)
     * @param manager owner of the optimizer state
     * @return the outcome; {@code ema} holds the averaged weights when EMA is on (valid until the
     *     manager closes)
     */
    public Outcome run(TrainingTask task, Map<String, String> metadata, NDManager manager) {
        Map<String, NDArray> params = task.parameters();
        params.values().forEach(p -> p.setRequiresGradient(true));
        AdamW optimizer = new AdamW(0.9, 0.95, 1e-8, options.weightDecay(), manager);
        Ema ema = options.emaDecay() > 0 ? new Ema(params, options.emaDecay(), manager) : null;
        long start = TrainingCheckpoint.resume(options.checkpoint(), params, optimizer, ema);
        startLog(start);
        double loss = Double.NaN;
        long began = System.nanoTime();
        long samples = 0;
        int nonFiniteInARow = 0;
        ProgressBar bar = new ProgressBar(progress, "training", options.steps());
        for (long step = start; step < options.steps(); step++) {
            SplittableRandom random = new SplittableRandom(options.seed() * 0x9E3779B97F4A7C15L + step);
            Map<String, Double> losses;
            Gradients.zero(params.values());
            try (GradientCollector collector = Engines.engine().newGradientCollector()) {
                losses = task.step(random, collector);
            }
            loss = losses.get("loss");
            if (!Double.isFinite(loss)) {
                throw new ArpgException("training diverged: loss " + loss + " at step " + step
                        + " (lower the learning rate or check the data)");
            }
            double norm = options.gradClip() > 0 ? Gradients.clip(params.values(), options.gradClip())
                    : Gradients.totalNorm(params.values());
            double lr = options.schedule().at(step);
            if (Double.isFinite(norm)) {
                nonFiniteInARow = 0;
                optimizer.step(params, lr);
                if (ema != null) {
                    ema.update(params);
                }
            } else if (++nonFiniteInARow >= MAX_NON_FINITE_IN_A_ROW) {
                throw new ArpgException("training diverged: non-finite gradients at " + nonFiniteInARow
                        + " steps in a row, the last at step " + step + " (lower the learning rate or check the data)");
            }
            samples += task.batchSize();
            double rate = samples / ((System.nanoTime() - began) / 1e9);
            log(bar, step + 1, losses, lr, norm, rate);
            boolean last = step + 1 == options.steps();
            if (options.checkpoint() != null
                    && (last || (options.checkpointEvery() > 0 && (step + 1) % options.checkpointEvery() == 0))) {
                TrainingCheckpoint.write(options.checkpoint(), step + 1, params, optimizer, ema, metadata);
            }
        }
        double rate = samples == 0 ? 0 : samples / ((System.nanoTime() - began) / 1e9);
        return new Outcome(options.steps(), loss, rate, ema == null ? null : ema.averages());
    }

    /**
     * Starts the loss log: a fresh header for a new run; on resume, the lines up to the checkpoint's
     * step (an interrupted run may have logged steps after its last checkpoint, which are redone).
     */
    private void startLog(long start) {
        if (options.lossLog() == null) {
            return;
        }
        try {
            Files.createDirectories(options.lossLog().toAbsolutePath().getParent());
            StringBuilder kept = new StringBuilder(LOG_HEADER);
            if (start > 0 && Files.exists(options.lossLog())) {
                for (String line : Files.readAllLines(options.lossLog())) {
                    int comma = line.indexOf(',');
                    if (comma > 0 && line.substring(0, comma).chars().allMatch(Character::isDigit)
                            && Long.parseLong(line.substring(0, comma)) <= start) {
                        kept.append(line).append('\n');
                    }
                }
            }
            Files.writeString(options.lossLog(), kept);
        } catch (IOException e) {
            throw new ArpgException("cannot write the loss log " + options.lossLog() + ": " + e.getMessage(), e);
        }
    }

    private void log(ProgressBar bar, long step, Map<String, Double> losses, double lr, double norm, double rate) {
        StringBuilder parts = new StringBuilder();
        losses.forEach((k, v) -> parts.append(parts.length() == 0 ? "" : " ").append(k).append('=')
                .append(String.format("%.4f", v)));
        bar.update(step, String.format("%s lr=%.2e %.1f samples/s", parts, lr, rate));
        if (options.lossLog() != null) {
            try {
                Files.writeString(options.lossLog(), String.format("%d,%.6f,%s,%.6e,%.4f,%.2f%n", step,
                        losses.get("loss"), parts, lr, norm, rate), StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new ArpgException("cannot append to the loss log " + options.lossLog() + ": " + e.getMessage(), e);
            }
        }
    }
}
