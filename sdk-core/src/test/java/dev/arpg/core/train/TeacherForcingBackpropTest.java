package dev.arpg.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.model.ActivationRecorder;
import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.model.ArpgTransformer;
import dev.arpg.core.testing.Tensors;
import dev.arpg.core.testing.TinyArpg;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The hand-written backward against DJL autograd through {@link ArpgTransformer#forward}, on the
 * path the golden train step does not take: given starting queries (a control encoder's), a frozen
 * model, and only the queries' gradient.
 */
class TeacherForcingBackpropTest {
    private static TeacherForcing.Batch batch(NDManager m, ArpgConfig config, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = config.blockSize();
        int[][] tokens = new int[3][n];
        int[][] orders = new int[3][];
        for (int s = 0; s < 3; s++) {
            for (int t = 0; t < n; t++) {
                tokens[s][t] = r.nextInt(config.vocabSize());
            }
            orders[s] = dev.arpg.core.decode.Shuffle.of(IntStream.range(0, n).toArray(), r);
        }
        return TeacherForcing.batch(m, config, tokens, new int[] {1, 2, 3}, new boolean[] {false, true, false}, orders);
    }

    @Test
    void queryGradientEqualsAutogradAndAFrozenModelKeepsNoGradients() {
        try (NDManager root = Engines.newRootManager(); ArpgTransformer model = TinyArpg.load(root);
                NDManager m = root.newSubManager()) {
            ArpgConfig config = model.config();
            TeacherForcing.Batch batch = batch(m, config, 3);
            NDArray queries = m.randomNormal(0f, 0.5f, new Shape(3, config.blockSize(), config.dim()),
                    ai.djl.ndarray.types.DataType.FLOAT32);
            queries.setRequiresGradient(true);
            float expectedLoss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(batch.inputIds(), batch.keyRows(), queries, batch.queryRows(), true,
                        ActivationRecorder.NONE);
                NDArray loss = logits.logSoftmax(-1).gather(batch.targets().expandDims(-1), -1).mean().neg();
                expectedLoss = loss.getFloat();
                collector.backward(loss);
            }
            float[] expected = queries.getGradient().toFloatArray();

            TeacherForcingBackprop.Result pass = TeacherForcingBackprop.run(model, batch, queries, false);

            assertThat(pass.loss()).isCloseTo(expectedLoss, org.assertj.core.data.Offset.offset(1e-5));
            assertThat(pass.queryGradient().getShape()).isEqualTo(queries.getShape());
            Tensors.assertClose("query gradient vs autograd", pass.queryGradient().toFloatArray(), expected, 1e-4);
            assertThat(model.parameters().values()).noneMatch(NDArray::hasGradient);
        }
    }

    @Test
    void parameterGradientsNeedExistingGradients() {
        try (NDManager root = Engines.newRootManager(); ArpgTransformer model = TinyArpg.load(root);
                NDManager m = root.newSubManager()) {
            model.parameters().values().forEach(p -> p.setRequiresGradient(true));
            TeacherForcing.Batch batch = batch(m, model.config(), 4);

            assertThatThrownBy(() -> TeacherForcingBackprop.run(model, batch, null, true))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("Gradients.zero");

            Gradients.zero(model.parameters().values());
            TeacherForcingBackprop.Result first = TeacherForcingBackprop.run(model, batch, null, true);
            double once = Gradients.totalNorm(model.parameters().values());
            TeacherForcingBackprop.Result second = TeacherForcingBackprop.run(model, batch, null, true);
            assertThat(once).isPositive();
            assertThat(second.loss()).isEqualTo(first.loss());
            assertThat(Gradients.totalNorm(model.parameters().values())).isCloseTo(2 * once,
                    org.assertj.core.data.Offset.offset(1e-4 * once));
        }
    }

    @Test
    void rejectsBadInputsWithClearMessages() {
        try (NDManager root = Engines.newRootManager(); ArpgTransformer model = TinyArpg.load(root);
                NDManager m = root.newSubManager()) {
            TeacherForcing.Batch good = batch(m, model.config(), 5);
            TeacherForcing.Batch bad = new TeacherForcing.Batch(good.inputIds(), good.keyRows(),
                    good.queryRows().add(1000), good.targets());

            assertThatThrownBy(() -> TeacherForcingBackprop.run(model, bad, null, false))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("RoPE row");
            TeacherForcing.Batch badIds = new TeacherForcing.Batch(good.inputIds().add(100000), good.keyRows(),
                    good.queryRows(), good.targets());
            assertThatThrownBy(() -> TeacherForcingBackprop.run(model, badIds, null, false))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("input id");
            NDArray wrongQueries = m.zeros(new Shape(3, 2, model.config().dim()));
            assertThatThrownBy(() -> TeacherForcingBackprop.run(model, good, wrongQueries, false))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("starting queries");
        }
    }
}
