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
 * The training step of {@code arpg bench} (issue 8's config: dim 256, 8 layers, 4 heads, vocab 512,
 * 64 tokens, batch 32), timed in blocks from the first step on, to see when the JIT has compiled it:
 * prints samples/s of each block and the seconds since the first step. Run (docs/benchmarks.md,
 * session 18) after {@code mvn -q -B -DskipTests package}, with the launcher's settings:
 *
 * MALLOC_ARENA_MAX=1 java --add-modules jdk.incubator.vector,jdk.incubator.foreign
 *   --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmn8m -XX:MaxDirectMemorySize=64g
 *   -cp samples/target/arpg.jar docs/machine-probes/TrainingWarmUp.java 30 1
 *
 * Arguments: blocks, steps per block.
 */
public class TrainingWarmUp {
    public static void main(String[] args) {
        Engines.prepare();
        ArpgConfig config = new ArpgConfig(256, 8, 4, 512, 1000, 64, 10000, 1e-5, 0.1);
        int batch = 32;
        int blocks = Integer.parseInt(args[0]);
        int perBlock = Integer.parseInt(args[1]);
        SplittableRandom random = new SplittableRandom(0);
        int[][] tokens = new int[256][config.blockSize()];
        int[] labels = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            labels[i] = random.nextInt(config.numClasses());
            for (int j = 0; j < config.blockSize(); j++) {
                tokens[i][j] = random.nextInt(config.vocabSize());
            }
        }
        try (NDManager root = Engines.newRootManager();
                ArpgTransformer model = ArpgTransformer.load(config, ArpgInit.reference(config, 0), root);
                AdamW optimizer = AdamW.arpgRecipe(root)) {
            model.parameters().values().forEach(p -> p.setRequiresGradient(true));
            ArpgTrainingTask task = new ArpgTrainingTask(model, new TokenData(tokens, labels), batch);
            long first = System.nanoTime();
            StringBuilder line = new StringBuilder("samples/s@seconds:");
            for (int b = 0; b < blocks; b++) {
                long start = System.nanoTime();
                for (int i = 0; i < perBlock; i++) {
                    Gradients.zero(task.parameters().values());
                    try (GradientCollector collector = Engines.engine().newGradientCollector()) {
                        task.step(random, collector);
                    }
                    Gradients.clip(task.parameters().values(), 1.0);
                    optimizer.step(task.parameters(), 1e-4);
                }
                long end = System.nanoTime();
                line.append(String.format(" %.1f@%.1f", batch * perBlock / ((end - start) / 1e9), (end - first) / 1e9));
            }
            System.out.println(line);
        }
    }
}
