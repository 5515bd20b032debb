package dev.arpg.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.vq.VqConfig;
import dev.arpg.core.vq.VqModel;
import dev.arpg.core.weights.StateDict;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A few VQ training steps on a tiny config: the reconstruction improves and the weights export. */
class VqTrainingTest {
    private static final VqConfig TINY = new VqConfig(32, List.of(1, 1), 32, 32, 8, 16, 1, 1);

    @TempDir
    Path tmp;

    /** Rectangles of random colour on random backgrounds. */
    private static final TrainingDataset BLOCKS = new TrainingDataset() {
        @Override
        public long size() {
            return 1000;
        }

        @Override
        public TrainingSample sample(long index) {
            SplittableRandom r = new SplittableRandom(index);
            BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
            g.fillRect(0, 0, 16, 16);
            g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
            g.fillRect(r.nextInt(8), r.nextInt(8), 4 + r.nextInt(8), 4 + r.nextInt(8));
            g.dispose();
            return new TrainingSample(image, 0, Map.of());
        }
    };

    @Test
    void reconstructionImprovesAndTheTrainedWeightsLoadBack() throws Exception {
        try (NDManager root = Engines.newRootManager(); VqModel model = VqModel.initialized(TINY, 1, root);
                NDManager state = root.newSubManager()) {
            Path log = tmp.resolve("vq.csv");
            TrainingOptions options = new TrainingOptions(25, new LearningRateSchedule(2e-3, 1e-4, 3, 25), 0.0, 1.0,
                    0, 3, 0, tmp.resolve("vq.safetensors"), log);
            new TrainingLoop(options, new PrintStream(new ByteArrayOutputStream(), true))
                    .run(new VqTrainingTask(model, BLOCKS, 8, 0.25), Map.of(), state);
            List<String> lines = Files.readAllLines(log);
            double firstRec = rec(lines.get(1));
            double lastRec = rec(lines.get(lines.size() - 1));
            assertThat(lastRec).isLessThan(firstRec * 0.7);

            StateDict exported = StateDict.inMemory("trained", model.stateDict(), Map.of());
            assertThat(exported.get("encoder.conv_in.bias").shape()).containsExactly(32);
            assertThat(exported.get("encoder.conv_blocks.0.res.0.norm1.weight").shape()).containsExactly(32);
            try (VqModel reloaded = VqModel.load(TINY, exported, root)) {
                assertThat(reloaded.parameters().get("decoder.conv_out.weight").toFloatArray())
                        .containsExactly(model.parameters().get("decoder.conv_out.weight").toFloatArray());
            }
        }
    }

    private static double rec(String csvLine) {
        for (String part : csvLine.split(",")[2].split(" ")) {
            if (part.startsWith("rec=")) {
                return Double.parseDouble(part.substring(4));
            }
        }
        throw new AssertionError("no rec= in " + csvLine);
    }
}
