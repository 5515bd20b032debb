package dev.arpg.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.core.decode.Shuffle;
import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.model.ArpgTransformer;
import dev.arpg.core.model.ActivationRecorder;

/**
 * ARPG's training forward (ARPG-SPEC section 5): each sample's tokens are fed in its own random
 * order after its class token, with causal masks, and every query predicts the token at its
 * position; the loss is the mean cross-entropy over all queries.
 */
public final class TeacherForcing {
    private TeacherForcing() {
    }

    /**
     * The model inputs of one teacher-forcing batch.
     *
     * @param inputIds I64 {@code [B, N]}: class id, then the tokens in the sample's order but the last
     * @param keyRows I64 {@code [B, N]}: RoPE rows of the inputs (0 for the class token)
     * @param queryRows I64 {@code [B, N]}: RoPE rows of the targets
     * @param targets I64 {@code [B, N]}: the tokens in the sample's order
     */
    public record Batch(NDArray inputIds, NDArray keyRows, NDArray queryRows, NDArray targets) {
    }

    /**
     * A random training batch drawn from tokenized images: which images, and for each its order and
     * whether its class is dropped.
     *
     * @param indices the images drawn
     * @param tokens their token grids
     * @param labels their labels
     * @param dropClass per sample, whether the null class replaces the label
     * @param orders per sample, a fresh random permutation of the grid
     */
    public record Draw(int[] indices, int[][] tokens, int[] labels, boolean[] dropClass, int[][] orders) {
        /**
         * Draws a batch.
         *
         * @param data tokenized images
         * @param batchSize samples
         * @param dropProbability probability of dropping each sample's class
         * @param random the step's generator
         * @return the draw
         */
        public static Draw from(TokenData data, int batchSize, double dropProbability, java.util.SplittableRandom random) {
            int[] indices = new int[batchSize];
            int[][] tokens = new int[batchSize][];
            int[] labels = new int[batchSize];
            boolean[] drop = new boolean[batchSize];
            int[][] orders = new int[batchSize][];
            for (int b = 0; b < batchSize; b++) {
                indices[b] = random.nextInt(data.size());
                tokens[b] = data.tokens()[indices[b]];
                labels[b] = data.labels()[indices[b]];
                drop[b] = random.nextDouble() < dropProbability;
                orders[b] = Shuffle.of(java.util.stream.IntStream.range(0, tokens[b].length).toArray(), random);
            }
            return new Draw(indices, tokens, labels, drop, orders);
        }

        /**
         * Builds the model inputs of the draw.
         *
         * @param manager owner of the arrays
         * @param config the model sizes
         * @return the batch
         */
        public Batch toBatch(NDManager manager, ArpgConfig config) {
            return batch(manager, config, tokens, labels, dropClass, orders);
        }
    }

    /**
     * Builds a batch.
     *
     * @param manager owner of the arrays
     * @param config the model sizes
     * @param tokens raster-order tokens, {@code [B][N]}
     * @param labels class label per sample
     * @param dropClass per sample, whether the class is replaced by the null class
     * @param orders per sample, the raster position fed j-th (a permutation of 0..N-1)
     * @return the batch
     */
    public static Batch batch(NDManager manager, ArpgConfig config, int[][] tokens, int[] labels,
            boolean[] dropClass, int[][] orders) {
        int b = tokens.length;
        int n = config.blockSize();
        if (b == 0 || labels.length != b || dropClass.length != b || orders.length != b) {
            throw new InvalidRequestException("teacher forcing: tokens, labels, class drops and orders must "
                    + "have the same non-zero batch size");
        }
        long[] ids = new long[b * n];
        long[] keyRows = new long[b * n];
        long[] queryRows = new long[b * n];
        long[] targets = new long[b * n];
        for (int s = 0; s < b; s++) {
            if (tokens[s].length != n || orders[s].length != n) {
                throw new InvalidRequestException("teacher forcing: sample " + s + " must have " + n
                        + " tokens and an order of " + n + " positions");
            }
            ids[s * n] = dropClass[s] ? config.nullClassTokenId() : config.classTokenId(labels[s]);
            for (int j = 0; j < n; j++) {
                int position = orders[s][j];
                int token = tokens[s][position];
                if (token < 0 || token >= config.vocabSize()) {
                    throw new InvalidRequestException("teacher forcing: token " + token + " at sample " + s
                            + ", position " + position + " is outside [0, " + config.vocabSize() + ")");
                }
                targets[s * n + j] = token;
                queryRows[s * n + j] = position + 1L;
                if (j + 1 < n) {
                    ids[s * n + j + 1] = token;
                    keyRows[s * n + j + 1] = position + 1L;
                }
            }
        }
        Shape shape = new Shape(b, n);
        return new Batch(manager.create(ids, shape), manager.create(keyRows, shape),
                manager.create(queryRows, shape), manager.create(targets, shape));
    }

    /**
     * Causal logits of a batch through the inference forward (training differentiates them with
     * {@link TeacherForcingBackprop}), with its intermediate activations.
     *
     * @param model the transformer
     * @param batch the inputs
     * @param recorder receives intermediate activations
     * @return logits {@code [B, N, vocab]}
     */
    public static NDArray logits(ArpgTransformer model, Batch batch, ActivationRecorder recorder) {
        return model.forward(batch.inputIds(), batch.keyRows(), batch.queryRows(), true, recorder);
    }
}
