package dev.arpg.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.model.ArpgTransformer;
import dev.arpg.core.weights.StateDict;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A few training steps of a tiny config: the loss goes down and checkpoints resume exactly. */
class ArpgTrainingTest {
    private static final ArpgConfig TINY = new ArpgConfig(32, 2, 2, 16, 4, 16, 10000, 1e-5, 0.1);

    @TempDir
    Path tmp;

    /** Each class has its own fixed token grid, so the model can learn it. */
    private static TokenData data() {
        int[][] tokens = new int[32][16];
        int[] labels = new int[32];
        for (int i = 0; i < 32; i++) {
            labels[i] = i % 4;
            for (int t = 0; t < 16; t++) {
                tokens[i][t] = (labels[i] * 5 + t * (labels[i] + 1)) % 16;
            }
        }
        return new TokenData(tokens, labels);
    }

    private static TrainingOptions options(int steps, Path checkpoint, Path log) {
        return new TrainingOptions(steps, new LearningRateSchedule(1e-2, 1e-4, 5, steps), 0.05, 1.0, 0, 7, 5,
                checkpoint, log);
    }

    private static Map<String, float[]> train(NDManager root, TrainingOptions options, List<Double> lossOut) {
        try (ArpgTransformer model = ArpgTransformer.load(TINY, ArpgInit.reference(TINY, 1), root);
                NDManager state = root.newSubManager()) {
            ByteArrayOutputStream progress = new ByteArrayOutputStream();
            TrainingLoop.Outcome outcome = new TrainingLoop(options, new PrintStream(progress, true))
                    .run(new ArpgTrainingTask(model, data(), 8), Map.of(), state);
            lossOut.add(outcome.lastLoss());
            assertThat(progress.toString()).contains("samples/s").contains("loss=");
            Map<String, float[]> out = new java.util.LinkedHashMap<>();
            model.parameters().forEach((k, v) -> out.put(k, v.toFloatArray()));
            return out;
        }
    }

    @Test
    void lossGoesDownAndIsLogged() throws Exception {
        try (NDManager root = Engines.newRootManager()) {
            Path log = tmp.resolve("loss.csv");
            List<Double> last = new java.util.ArrayList<>();
            train(root, options(30, null, log), last);
            List<String> lines = Files.readAllLines(log);
            assertThat(lines).hasSize(31);
            double first = Double.parseDouble(lines.get(1).split(",")[1]);
            assertThat(first).isCloseTo(Math.log(16), org.assertj.core.data.Offset.offset(0.05));
            assertThat(last.get(0)).isLessThan(first * 0.9);
        }
    }

    @Test
    void aResumedRunEqualsAnUninterruptedOne() {
        try (NDManager root = Engines.newRootManager()) {
            List<Double> losses = new java.util.ArrayList<>();
            Map<String, float[]> straight = train(root, options(10, tmp.resolve("a.safetensors"), null), losses);
            Path ckpt = tmp.resolve("b.safetensors");
            train(root, options(6, ckpt, null), losses);
            assertThat(StateDict.read(ckpt).metadata()).containsEntry("training_step", "6");
            Map<String, float[]> resumed = train(root, options(10, ckpt, null), losses);
            straight.forEach((name, values) -> assertThat(resumed.get(name)).as(name).containsExactly(values));
            assertThat(StateDict.read(tmp.resolve("a.safetensors")).contains("adamw.m.head.weight")).isTrue();
        }
    }
}
