package dev.arpg.samples.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.model.ArpgTransformer;
import dev.arpg.core.train.TeacherForcing;
import java.util.SplittableRandom;

/**
 * Training throughput: teacher-forcing forward, mean cross-entropy, backward through DJL autograd
 * and a plain SGD update of every parameter (gradients zeroed after it), on random tokens, orders
 * and class drops.
 */
final class TrainingBench {
    /** The training config: dim 256, 8 layers, 4 heads, vocab 512, 64 tokens. */
    static final ArpgConfig CONFIG = new ArpgConfig(256, 8, 4, 512, 1000, 64, 10000, 1e-5, 0.1);
    /** Samples per step. */
    static final int BATCH = 32;
    private static final float LEARNING_RATE = 1e-4f;

    private TrainingBench() {
    }

    /**
     * Runs one untimed step, then {@code steps} timed ones.
     *
     * @param parent parent manager
     * @param steps timed steps
     * @param seed seed of the weights and the data
     * @return samples per second
     */
    static double samplesPerSecond(NDManager parent, int steps, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        try (ArpgTransformer model = ArpgTransformer.random(CONFIG, seed, parent)) {
            model.parameters().values().forEach(p -> p.setRequiresGradient(true));
            step(model, random);
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                step(model, random);
            }
            return (double) BATCH * steps / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static void step(ArpgTransformer model, SplittableRandom random) {
        int n = CONFIG.blockSize();
        int[][] tokens = new int[BATCH][n];
        int[][] orders = new int[BATCH][];
        int[] labels = new int[BATCH];
        boolean[] dropped = new boolean[BATCH];
        for (int b = 0; b < BATCH; b++) {
            for (int j = 0; j < n; j++) {
                tokens[b][j] = random.nextInt(CONFIG.vocabSize());
            }
            orders[b] = permutation(n, random);
            labels[b] = random.nextInt(CONFIG.numClasses());
            dropped[b] = random.nextDouble() < CONFIG.classDropoutProb();
        }
        try (NDManager m = model.manager().newSubManager()) {
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                TeacherForcing.Batch batch = TeacherForcing.batch(m, CONFIG, tokens, labels, dropped, orders);
                NDArray logits = TeacherForcing.logits(model, batch, (name, value) -> { });
                collector.backward(TeacherForcing.loss(logits, batch.targets()));
            }
            for (NDArray p : model.parameters().values()) {
                NDArray gradient = p.getGradient();
                gradient.attach(m);
                p.subi(gradient.muli(LEARNING_RATE));
                gradient.muli(0);
            }
        }
    }

    private static int[] permutation(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
