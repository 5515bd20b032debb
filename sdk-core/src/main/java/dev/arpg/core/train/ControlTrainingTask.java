package dev.arpg.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.core.control.ControlEncoder;
import dev.arpg.core.model.ArpgTransformer;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a control encoder against a frozen ARPG model: the same random-order teacher forcing as
 * {@link ArpgTrainingTask}, with each query starting from {@code embed[MASK] + offset[target]}; only
 * the encoder's parameters are returned for optimisation. The frozen transformer's backward is
 * {@link TeacherForcingBackprop}'s; autograd carries the queries' gradient on through the encoder.
 */
public final class ControlTrainingTask implements TrainingTask {
    private final ArpgTransformer base;
    private final ControlEncoder encoder;
    private final Data data;
    private final int batchSize;

    /**
     * Tokenized images with their control maps.
     *
     * @param tokens token grids and labels
     * @param maps per image, the condition's control map values ({@code channels x height x width})
     * @param channels control channels
     * @param height control map height in pixels
     * @param width control map width in pixels
     */
    public record Data(TokenData tokens, float[][] maps, int channels, int height, int width) {
        /**
         * Checks that there is one map of the right size per image.
         *
         * @param tokens token grids and labels
         * @param maps per image, the condition's control map values ({@code channels x height x width})
         * @param channels control channels
         * @param height control map height in pixels
         * @param width control map width in pixels
         */
        public Data {
            if (maps.length != tokens.size()) {
                throw new InvalidRequestException("control data: " + maps.length + " maps for " + tokens.size() + " images");
            }
            for (float[] map : maps) {
                if (map.length != channels * height * width) {
                    throw new InvalidRequestException("control data: a map has " + map.length + " values, expected "
                            + channels * height * width);
                }
            }
        }
    }

    /**
     * Creates the task.
     *
     * @param base the frozen transformer (its parameters must not require gradients)
     * @param encoder the encoder being trained
     * @param data images as tokens with their control maps
     * @param batchSize samples per step
     */
    public ControlTrainingTask(ArpgTransformer base, ControlEncoder encoder, Data data, int batchSize) {
        this.base = base;
        this.encoder = encoder;
        this.data = data;
        this.batchSize = batchSize;
    }

    @Override
    public Map<String, NDArray> parameters() {
        return encoder.parameters();
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public Map<String, Double> step(SplittableRandom random, GradientCollector collector) {
        int n = base.config().blockSize();
        TeacherForcing.Draw draw = TeacherForcing.Draw.from(data.tokens(), batchSize,
                base.config().classDropoutProb(), random);
        int mapSize = data.channels() * data.height() * data.width();
        float[] maps = new float[batchSize * mapSize];
        for (int b = 0; b < batchSize; b++) {
            System.arraycopy(data.maps()[draw.indices()[b]], 0, maps, b * mapSize, mapSize);
        }
        try (NDManager m = base.manager().newSubManager()) {
            TeacherForcing.Batch batch = draw.toBatch(m, base.config());
            NDArray offsets = encoder.encode(m.create(maps,
                    new Shape(batchSize, data.channels(), data.height(), data.width())));
            NDArray positions = batch.queryRows().sub(1).expandDims(-1)
                    .broadcast(batchSize, n, base.config().dim());
            NDArray queries = offsets.gather(positions, 1)
                    .add(base.maskEmbedding(m).reshape(1, 1, base.config().dim()));
            TeacherForcingBackprop.Result pass = TeacherForcingBackprop.run(base, batch, queries, false);
            collector.backward(queries.mul(pass.queryGradient()).sum());
            return Map.of("loss", pass.loss());
        }
    }
}
