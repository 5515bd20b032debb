package dev.arpg.core.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arpg.api.CancellationToken;
import dev.arpg.api.GenerationCancelledException;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.api.SamplingSettings;
import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.model.ArpgTransformer;
import dev.arpg.core.model.KvCache;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Randomized parallel decoding (ARPG-SPEC section 6): one decoding order for the batch, a step
 * schedule, classifier-free guidance on a batch of conditional then unconditional rows, KV caches,
 * and several tokens drawn per step.
 *
 * <p>Thread-safe: each call runs in its own {@link NDManager} scope (closed before it returns, so
 * only the Java result survives) and draws from its own generator seeded by the request, so equal
 * requests give equal tokens whatever else runs in the JVM.
 */
public final class ParallelDecoder {
    private final ArpgTransformer model;
    private final ArpgConfig config;

    /**
     * Creates a decoder over a loaded model.
     *
     * @param model the transformer; it stays owned by the caller
     */
    public ParallelDecoder(ArpgTransformer model) {
        this.model = model;
        this.config = model.config();
    }

    /**
     * Generates one token grid per class label.
     *
     * @param classLabels 0-based class labels, one per image
     * @param settings sampling settings
     * @param listener told after every step
     * @param cancellation checked before every step
     * @return the tokens, order, seed and plan
     * @throws InvalidRequestException for an empty batch, an unknown class, too many steps or an
     *     order that does not fit the model
     * @throws GenerationCancelledException when cancelled
     */
    public DecodeResult decode(int[] classLabels, SamplingSettings settings, DecodeListener listener,
            CancellationToken cancellation) {
        if (classLabels == null || classLabels.length == 0) {
            throw new InvalidRequestException("the batch is empty: give at least one class label");
        }
        int images = classLabels.length;
        int n = config.blockSize();
        long[] firstIds = new long[2 * images];
        for (int b = 0; b < images; b++) {
            firstIds[b] = config.classTokenId(classLabels[b]);
            firstIds[images + b] = config.nullClassTokenId();
        }
        DecodePlan plan = DecodePlan.of(n, settings);
        long seed = settings.seed().orElseGet(() -> new SecureRandom().nextLong());
        SplittableRandom random = new SplittableRandom(seed);
        int[] order = order(settings, n, random);
        TokenSampler sampler = new TokenSampler(settings, random);

        int[][] tokens = new int[images][n];
        for (int[] row : tokens) {
            Arrays.fill(row, -1);
        }
        long[] fedIds = firstIds;
        long[] fedRows = {0};
        try (NDManager request = model.manager().newSubManager()) {
            KvCache cache = new KvCache(config, 2 * images, n + 1, request);
            for (int s = 0; s < plan.steps(); s++) {
                if (cancellation.isCancelled()) {
                    throw new GenerationCancelledException("generation cancelled before step " + s
                            + " of " + plan.steps());
                }
                int k = plan.count(s);
                int[] targets = Arrays.copyOfRange(order, plan.start(s), plan.start(s) + k);
                if (k > 0) {
                    int[] drawn = step(request, cache, fedIds, fedRows, targets, plan.cfgScale(s), sampler, s);
                    fedIds = new long[2 * images * k];
                    fedRows = new long[k];
                    for (int j = 0; j < k; j++) {
                        fedRows[j] = targets[j] + 1L;
                        for (int b = 0; b < images; b++) {
                            int token = drawn[b * k + j];
                            tokens[b][targets[j]] = token;
                            fedIds[b * k + j] = token;
                            fedIds[(images + b) * k + j] = token;
                        }
                    }
                }
                listener.onStep(new DecodeProgress(s, plan.steps(), targets, plan.cfgScale(s),
                        plan.start(s) + k, copy(tokens)));
            }
        }
        return new DecodeResult(tokens, order, seed, plan);
    }

    /** Runs the model for one step and draws its tokens, {@code [image][target]} flattened. */
    private int[] step(NDManager request, KvCache cache, long[] fedIds, long[] fedRows, int[] targets,
            double cfgScale, TokenSampler sampler, int s) {
        int rows = fedIds.length / fedRows.length;
        int images = rows / 2;
        int k = targets.length;
        try (NDManager m = request.newSubManager()) {
            NDArray ids = m.create(fedIds, new Shape(rows, fedRows.length));
            NDArray keyRows = m.create(fedRows, new Shape(1, fedRows.length));
            long[] targetRows = new long[k];
            for (int j = 0; j < k; j++) {
                targetRows[j] = targets[j] + 1L;
            }
            NDArray queryRows = m.create(targetRows, new Shape(1, k));
            NDArray logits = model.decodeStep(cache, ids, keyRows, model.maskQueries(m, rows, k), queryRows);
            NDArray cond = logits.get("0:{}", images);
            NDArray uncond = logits.get("{}:", images);
            NDArray guided = cond.sub(uncond).muli((float) cfgScale).addi(uncond);
            return sampler.pick(guided.toFloatArray(), config.vocabSize(), s);
        }
    }

    private static int[] order(SamplingSettings settings, int n, SplittableRandom random) {
        return switch (settings.order().kind()) {
            case RANDOM -> {
                int[] p = identity(n);
                for (int i = n - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int t = p[i];
                    p[i] = p[j];
                    p[j] = t;
                }
                yield p;
            }
            case RASTER -> identity(n);
            case GIVEN -> {
                int[] p = settings.order().permutation().orElseThrow();
                if (p.length != n) {
                    throw new InvalidRequestException("the decoding order has " + p.length
                            + " positions but the model generates " + n + " tokens");
                }
                yield p;
            }
        };
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    private static int[][] copy(int[][] tokens) {
        int[][] out = new int[tokens.length][];
        for (int i = 0; i < tokens.length; i++) {
            out[i] = tokens[i].clone();
        }
        return out;
    }
}
