package dev.arpg.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.arpg.core.autograd.Autograd;
import dev.arpg.core.image.ImageTensors;
import dev.arpg.core.vq.VqModel;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains the VQ tokenizer: mean squared reconstruction error + codebook loss + {@code beta} x
 * commitment loss, with the straight-through estimator and the L2-normalised codebook (LlamaGen's
 * recipe without the perceptual and adversarial losses).
 */
public final class VqTrainingTask implements TrainingTask {
    private final VqModel model;
    private final TrainingDataset data;
    private final int batchSize;
    private final double beta;

    /**
     * Creates the task.
     *
     * @param model the tokenizer, trained in place
     * @param data the images
     * @param batchSize images per step
     * @param beta weight of the commitment loss (0.25 in LlamaGen)
     */
    public VqTrainingTask(VqModel model, TrainingDataset data, int batchSize, double beta) {
        this.model = model;
        this.data = data;
        this.batchSize = batchSize;
        this.beta = beta;
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
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 0; i < batchSize; i++) {
            images.add(data.sample(random.nextLong(data.size())).image());
        }
        try (NDManager m = model.manager().newSubManager()) {
            NDArray x = ImageTensors.toTensor(m, images, model.config().imageSize());
            VqModel.TrainingOutput out = model.trainingForward(x);
            NDArray reconstruction = out.reconstruction().sub(x).square().mean();
            NDArray loss = reconstruction.add(out.codebookLoss()).add(Autograd.scale(out.commitmentLoss(), (float) beta));
            collector.backward(loss);
            Map<String, Double> losses = new LinkedHashMap<>();
            losses.put("loss", (double) loss.getFloat());
            losses.put("rec", (double) reconstruction.getFloat());
            losses.put("codebook", (double) out.codebookLoss().getFloat());
            losses.put("commit", (double) out.commitmentLoss().getFloat());
            return losses;
        }
    }
}
