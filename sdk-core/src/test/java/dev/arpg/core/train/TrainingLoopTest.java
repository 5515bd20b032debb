package dev.arpg.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.arpg.api.ArpgException;
import dev.arpg.core.engine.Engines;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingLoopTest {

    /** Minimises |w|^2; on the calls {@code bad} picks, adds sqrt(0 * w), finite but with a NaN gradient. */
    private static final class Quadratic implements TrainingTask {
        private final NDArray w;
        private final IntPredicate bad;
        private int calls;

        Quadratic(NDManager manager, IntPredicate bad) {
            this.w = manager.create(new float[] {1f, -2f, 3f});
            this.bad = bad;
        }

        @Override
        public Map<String, NDArray> parameters() {
            return Map.of("w", w);
        }

        @Override
        public Map<String, Double> step(SplittableRandom random, GradientCollector collector) {
            NDArray loss = w.mul(w).sum();
            if (bad.test(calls++)) {
                loss = loss.add(w.mul(0f).sqrt().sum());
            }
            collector.backward(loss);
            return Map.of("loss", (double) loss.getFloat());
        }

        @Override
        public int batchSize() {
            return 1;
        }
    }

    private static TrainingOptions options(int steps) {
        return new TrainingOptions(steps, new LearningRateSchedule(0.1, 0.1, 1, steps), 0, 1.0, 0, 1, 0, null, null);
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }

    @Test
    void aStepWithNonFiniteGradientsIsSkippedAndTrainingGoesOn() {
        try (NDManager manager = Engines.newRootManager()) {
            Quadratic task = new Quadratic(manager, call -> call == 2);
            TrainingLoop.Outcome outcome = new TrainingLoop(options(6), quiet()).run(task, Map.of(), manager);
            float[] w = task.parameters().get("w").toFloatArray();
            assertThat(outcome.stepsDone()).isEqualTo(6);
            for (float v : w) {
                assertThat(v).isFinite();
            }
            assertThat(Math.abs(w[2])).as("the other steps still trained").isLessThan(3f);
        }
    }

    @Test
    void aResumedRunRedoesTheStepsLoggedAfterTheLastCheckpoint(@TempDir Path tmp) throws Exception {
        Path checkpoint = tmp.resolve("q.ckpt.safetensors");
        Path log = tmp.resolve("q-loss.csv");
        try (NDManager manager = Engines.newRootManager()) {
            TrainingOptions first = new TrainingOptions(4, new LearningRateSchedule(0.1, 0.1, 1, 6), 0, 1.0, 0, 1, 2,
                    checkpoint, log);
            new TrainingLoop(first, quiet()).run(new Quadratic(manager, call -> false), Map.of(), manager);
            // an interrupted run logged two more steps without reaching its next checkpoint
            Files.writeString(log, "5,9.0,loss=9.0,0.1,1.0,1.0\n6,9.0,loss=9.0,0.1,1.0,1.0\n", StandardOpenOption.APPEND);
            TrainingOptions resumed = new TrainingOptions(6, new LearningRateSchedule(0.1, 0.1, 1, 6), 0, 1.0, 0, 1, 2,
                    checkpoint, log);
            new TrainingLoop(resumed, quiet()).run(new Quadratic(manager, call -> false), Map.of(), manager);
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(lines.get(0)).startsWith("step,loss");
        assertThat(lines.subList(1, lines.size())).extracting(l -> l.substring(0, l.indexOf(',')))
                .containsExactly("1", "2", "3", "4", "5", "6");
        assertThat(lines).extracting(l -> l.split(",")[1]).doesNotContain("9.0");
    }

    @Test
    void repeatedNonFiniteGradientsStopTrainingWithAClearMessage() {
        try (NDManager manager = Engines.newRootManager()) {
            Quadratic task = new Quadratic(manager, call -> call >= 1);
            assertThatThrownBy(() -> new TrainingLoop(options(10), quiet()).run(task, Map.of(), manager))
                    .isInstanceOf(ArpgException.class)
                    .hasMessageContaining("non-finite gradients at " + TrainingLoop.MAX_NON_FINITE_IN_A_ROW + " steps in a row")
                    .hasMessageContaining("at step 3");
            for (float v : task.parameters().get("w").toFloatArray()) {
                assertThat(v).as("no update was made from a NaN gradient").isFinite();
            }
        }
    }
}
