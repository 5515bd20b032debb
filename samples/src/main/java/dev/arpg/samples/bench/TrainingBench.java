package dev.arpg.samples.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.model.ArpgTransformer;
import dev.arpg.core.train.AdamW;
import dev.arpg.core.train.ArpgInit;
import dev.arpg.core.train.ArpgTrainingTask;
import dev.arpg.core.train.Gradients;
import dev.arpg.core.train.TokenData;
import java.util.SplittableRandom;

/**
 * Training throughput of the real training step ({@link ArpgTrainingTask}: random orders and class
 * drops, teacher-forcing forward, mean cross-entropy, its hand-written backward, gradient clipping,
 * AdamW) on random tokens, in steady state: the first steps are not timed. The JIT compiles the
 * step's Java parts over its first 10-20 steps (per-step rates climb from 6-20 to 75-100 samples/s on
 * the machine of docs/benchmarks.md, session 18), so {@value #DEFAULT_WARM_UP} untimed steps is the
 * default.
 */
final class TrainingBench {
    /** The training config: dim 256, 8 layers, 4 heads, vocab 512, 64 tokens. */
    static final ArpgConfig CONFIG = new ArpgConfig(256, 8, 4, 512, 1000, 64, 10000, 1e-5, 0.1);
    /** Samples per step. */
    static final int BATCH = 32;
    /** Untimed steps before the timed ones unless the caller says otherwise. */
    static final int DEFAULT_WARM_UP = 20;

    private TrainingBench() {
    }

    /**
     * Runs {@code warmUp} untimed steps, then {@code steps} timed ones.
     *
     * @param parent parent manager
     * @param warmUp untimed steps
     * @param steps timed steps
     * @param seed seed of the weights and the data
     * @return samples per second
     */
    static double samplesPerSecond(NDManager parent, int warmUp, int steps, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[][] tokens = new int[256][CONFIG.blockSize()];
        int[] labels = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            labels[i] = random.nextInt(CONFIG.numClasses());
            for (int j = 0; j < CONFIG.blockSize(); j++) {
                tokens[i][j] = random.nextInt(CONFIG.vocabSize());
            }
        }
        try (ArpgTransformer model = ArpgTransformer.load(CONFIG, ArpgInit.reference(CONFIG, seed), parent);
                AdamW optimizer = AdamW.arpgRecipe(parent)) {
            model.parameters().values().forEach(p -> p.setRequiresGradient(true));
            ArpgTrainingTask task = new ArpgTrainingTask(model, new TokenData(tokens, labels), BATCH);
            for (int i = 0; i < warmUp; i++) {
                step(task, optimizer, random);
            }
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                step(task, optimizer, random);
            }
            return (double) BATCH * steps / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static void step(ArpgTrainingTask task, AdamW optimizer, SplittableRandom random) {
        Gradients.zero(task.parameters().values());
        try (GradientCollector collector = Engines.engine().newGradientCollector()) {
            task.step(random, collector);
        }
        Gradients.clip(task.parameters().values(), 1.0);
        optimizer.step(task.parameters(), 1e-4);
    }
}
