package dev.arpg.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.arpg.core.control.ControlEncoder;
import dev.arpg.core.control.ControlEncoderConfig;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.model.ArpgTransformer;
import dev.arpg.core.testing.TinyArpg;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A control encoder learns to steer the frozen tiny model towards what its map shows. */
class ControlTrainingTest {
    @TempDir
    Path tmp;

    /** Cells where the map is bright hold token 10, the others token 20. */
    private static ControlTrainingTask.Data data() {
        SplittableRandom r = new SplittableRandom(5);
        int images = 24;
        int[][] tokens = new int[images][64];
        int[] labels = new int[images];
        float[][] maps = new float[images][32 * 32];
        for (int i = 0; i < images; i++) {
            labels[i] = i % 10;
            for (int cell = 0; cell < 64; cell++) {
                boolean bright = r.nextBoolean();
                tokens[i][cell] = bright ? 10 : 20;
                for (int y = 0; y < 4; y++) {
                    for (int x = 0; x < 4; x++) {
                        maps[i][((cell / 8) * 4 + y) * 32 + (cell % 8) * 4 + x] = bright ? 1 : 0;
                    }
                }
            }
        }
        return new ControlTrainingTask.Data(new TokenData(tokens, labels), maps, 1, 32, 32);
    }

    @Test
    void theEncoderLearnsAndTheBaseModelStaysFrozen() throws Exception {
        try (NDManager root = Engines.newRootManager(); ArpgTransformer base = TinyArpg.load(root);
                ControlEncoder encoder = ControlEncoder.initialized(new ControlEncoderConfig(1, 16, 1, 4, 64), 2, root);
                NDManager state = root.newSubManager()) {
            float[] head = base.parameters().get("head.weight").toFloatArray();
            Path log = tmp.resolve("control.csv");
            TrainingOptions options = new TrainingOptions(30, new LearningRateSchedule(3e-3, 1e-4, 3, 30), 0.0, 1.0,
                    0, 4, 0, null, log);
            new TrainingLoop(options, new PrintStream(new ByteArrayOutputStream(), true))
                    .run(new ControlTrainingTask(base, encoder, data(), 8), Map.of(), state);
            List<String> lines = Files.readAllLines(log);
            double first = Double.parseDouble(lines.get(1).split(",")[1]);
            double last = Double.parseDouble(lines.get(lines.size() - 1).split(",")[1]);
            assertThat(last).isLessThan(first * 0.5);
            assertThat(base.parameters().get("head.weight").toFloatArray()).containsExactly(head);
            assertThat(encoder.parameters().get("proj.weight").abs().max().getFloat()).isPositive();
        }
    }
}
