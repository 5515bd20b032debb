package dev.arpg.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.arpg.core.model.ArpgTransformer;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains the ARPG transformer by random-order teacher forcing (ARPG-SPEC section 5): per sample a
 * fresh permutation and, with the config's probability, the null class instead of its label; mean
 * cross-entropy over all queries, differentiated by {@link TeacherForcingBackprop} (the step's
 * gradient collector records nothing). (The reference's dropout on embeddings, residuals and FFN outputs
 * is not applied.)
 */
public final class ArpgTrainingTask implements TrainingTask {
    private final ArpgTransformer model;
    private final TokenData data;
    private final int batchSize;

    /**
     * Creates the task.
     *
     * @param model the model, trained in place
     * @param data tokenized images
     * @param batchSize samples per step
     */
    public ArpgTrainingTask(ArpgTransformer model, TokenData data, int batchSize) {
        this.model = model;
        this.data = data;
        this.batchSize = batchSize;
    }

    @Override
    public Map<String, NDArray> parameters() {
        return model.parameters();
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public Map<String, Double> step(SplittableRandom random, GradientCollector collector) {
        TeacherForcing.Draw draw = TeacherForcing.Draw.from(data, batchSize, model.config().classDropoutProb(), random);
        try (NDManager m = model.manager().newSubManager()) {
            TeacherForcing.Batch batch = draw.toBatch(m, model.config());
            return Map.of("loss", TeacherForcingBackprop.run(model, batch, null, true).loss());
        }
    }
}
