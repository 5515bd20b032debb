package dev.arpg.core.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arpg.api.CancellationToken;
import dev.arpg.api.DecodingOrder;
import dev.arpg.api.GenerationCancelledException;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.api.SamplingSettings;
import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.model.ArpgTransformer;
import dev.arpg.core.model.KvCache;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

/**
 * Randomized parallel decoding (ARPG-SPEC section 6): one decoding order for the batch, a step
 * schedule, classifier-free guidance on a batch of conditional then unconditional rows, KV caches,
 * and several tokens drawn per step. Known tokens of an edit are fed first, in one prefill with the
 * class token, and kept; control conditions change only the position queries.
 *
 * <p>Thread-safe: each call runs in its own {@link NDManager} scope (closed before it returns, so
 * only the Java result survives) and draws from its own generator seeded by the request, so equal
 * requests give equal tokens whatever else runs in the JVM.
 */
public final class ParallelDecoder {
    private static final System.Logger LOG = System.getLogger(ParallelDecoder.class.getName());

    private final ArpgTransformer model;
    private final ArpgConfig config;
    private final AtomicBoolean warnedOutsideInInParallel = new AtomicBoolean();

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
     * Generates one token grid per class label of the task.
     *
     * @param task labels, settings, known tokens and control
     * @param listener told after every step
     * @param cancellation checked before every step
     * @return the tokens, order, seed and plan
     * @throws InvalidRequestException for an unknown class, more steps than a whole image has tokens
     *     (an edit with more steps than it decides takes one token per step), an order or known tokens
     *     that do not fit the model, or nothing left to generate
     * @throws GenerationCancelledException when cancelled
     */
    public DecodeResult decode(DecodeTask task, DecodeListener listener, CancellationToken cancellation) {
        int images = task.classLabels().length;
        int n = config.blockSize();
        int[] known = knownTokens(task.knownTokens());
        int[] free = IntStream.range(0, n).filter(i -> known[i] < 0).toArray();
        if (free.length == 0) {
            throw new InvalidRequestException("nothing to generate: every cell of the grid is known");
        }
        int[] kept = IntStream.range(0, n).filter(i -> known[i] >= 0).toArray();
        boolean controlBranch = task.controlGuidance() > 0;
        if (controlBranch && task.control().isEmpty()) {
            throw new InvalidRequestException("controlGuidance needs at least one condition");
        }
        int rows = (controlBranch ? 3 : 2) * images;
        long[] fedIds = new long[rows * (1 + kept.length)];
        long[] fedRows = new long[1 + kept.length];
        for (int r = 0; r < rows; r++) {
            int label = task.classLabels()[r % images];
            boolean nullClass = (r / images == 1) || label == DecodeTask.UNCONDITIONAL;
            fedIds[r * fedRows.length] = nullClass ? config.nullClassTokenId() : config.classTokenId(label);
            for (int j = 0; j < kept.length; j++) {
                fedIds[r * fedRows.length + 1 + j] = known[kept[j]];
            }
        }
        for (int j = 0; j < kept.length; j++) {
            fedRows[1 + j] = kept[j] + 1L;
        }

        SamplingSettings settings = stepsForEdit(task.settings(), free.length, n);
        DecodePlan plan = DecodePlan.of(free.length, settings);
        warnIfOutsideInInParallel(settings, plan);
        long seed = settings.seed().orElseGet(() -> new SecureRandom().nextLong());
        SplittableRandom random = new SplittableRandom(seed);
        int[] order = order(settings, free, random);
        TokenSampler sampler = new TokenSampler(settings, random);

        int[][] tokens = new int[images][];
        for (int b = 0; b < images; b++) {
            tokens[b] = known.clone();
        }
        try (NDManager request = model.manager().newSubManager();
                KvCache cache = model.newKvCache(rows, n + 1, request)) {
            for (int s = 0; s < plan.steps(); s++) {
                if (cancellation.isCancelled()) {
                    throw new GenerationCancelledException("generation cancelled before step " + s
                            + " of " + plan.steps());
                }
                int k = plan.count(s);
                int[] targets = Arrays.copyOfRange(order, plan.start(s), plan.start(s) + k);
                if (k > 0) {
                    int[] drawn = step(request, cache, fedIds, fedRows, targets, task, s, plan, sampler);
                    fedIds = new long[rows * k];
                    fedRows = new long[k];
                    for (int j = 0; j < k; j++) {
                        fedRows[j] = targets[j] + 1L;
                        for (int r = 0; r < rows; r++) {
                            fedIds[r * k + j] = drawn[(r % images) * k + j];
                        }
                        for (int b = 0; b < images; b++) {
                            tokens[b][targets[j]] = drawn[b * k + j];
                        }
                    }
                }
                listener.onStep(new DecodeProgress(s, plan.steps(), targets, plan.cfgScale(s),
                        kept.length + plan.start(s) + k, copy(tokens)));
            }
        }
        return new DecodeResult(tokens, order, seed, plan);
    }

    /**
     * An edit decides fewer tokens than the image has. A step count meant for a whole image (a
     * model's recommendation, say) that is more than it decides means one token per step.
     */
    private static SamplingSettings stepsForEdit(SamplingSettings settings, int free, int cells) {
        return free < cells && settings.steps() > free ? settings.toBuilder().steps(free).build() : settings;
    }

    /**
     * Outside-in with several tokens per step decides the centre, where the object is, in one or two
     * steps: a valid request, but rarely what was meant. Said once per decoder, as a warning.
     */
    private void warnIfOutsideInInParallel(SamplingSettings settings, DecodePlan plan) {
        if (settings.order().kind() == DecodingOrder.Kind.OUTSIDE_IN && plan.steps() < plan.tokens()
                && warnedOutsideInInParallel.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "outside-in order with {0} steps for {1} tokens decides several "
                    + "tokens per step; it is meant for one token per step ({1} steps); a random order suits parallel "
                    + "decoding (this warning is given once).", plan.steps(), plan.tokens());
        }
    }

    /** Runs the model for one step and draws its tokens, {@code [image][target]} flattened. */
    private int[] step(NDManager request, KvCache cache, long[] fedIds, long[] fedRows, int[] targets,
            DecodeTask task, int s, DecodePlan plan, TokenSampler sampler) {
        int images = task.classLabels().length;
        int rows = fedIds.length / fedRows.length;
        int k = targets.length;
        try (NDManager m = request.newSubManager()) {
            NDArray ids = m.create(fedIds, new Shape(rows, fedRows.length));
            NDArray keyRows = m.create(fedRows, new Shape(1, fedRows.length));
            long[] targetRows = new long[k];
            for (int j = 0; j < k; j++) {
                targetRows[j] = targets[j] + 1L;
            }
            NDArray queryRows = m.create(targetRows, new Shape(1, k));
            NDArray queries = task.control().queries(model.maskEmbedding(m), s, plan.steps(), targets,
                    2 * images, rows - 2 * images, m);
            NDArray logits = model.decodeStep(cache, ids, keyRows, queries, queryRows);
            NDArray cond = logits.get("0:{}", images);
            NDArray uncond = logits.get("{}:{}", images, 2 * images);
            NDArray guided = cond.sub(uncond).muli((float) plan.cfgScale(s)).addi(uncond);
            if (rows > 2 * images) {
                NDArray uncontrolled = logits.get("{}:", 2 * images);
                guided.addi(cond.sub(uncontrolled).muli((float) task.controlGuidance()));
            }
            return sampler.pick(guided.toFloatArray(), config.vocabSize(), s);
        }
    }

    private int[] knownTokens(int[] given) {
        int n = config.blockSize();
        if (given == null) {
            int[] none = new int[n];
            Arrays.fill(none, -1);
            return none;
        }
        if (given.length != n) {
            throw new InvalidRequestException("known tokens cover " + given.length + " cells but the grid has " + n);
        }
        for (int i = 0; i < n; i++) {
            if (given[i] < -1 || given[i] >= config.vocabSize()) {
                throw new InvalidRequestException("known token " + given[i] + " at cell " + i + " is outside [0, "
                        + config.vocabSize() + ") (use -1 for cells to generate)");
            }
        }
        return given;
    }

    /** The order in which the free cells are decoded. */
    private int[] order(SamplingSettings settings, int[] free, SplittableRandom random) {
        int n = config.blockSize();
        return switch (settings.order().kind()) {
            case RANDOM -> Shuffle.of(free, random);
            case OUTSIDE_IN -> OutsideIn.sort(Shuffle.of(free, random), config.gridSize());
            case RASTER -> free.clone();
            case GIVEN -> {
                int[] p = settings.order().permutation().orElseThrow();
                if (p.length != n) {
                    throw new InvalidRequestException("the decoding order has " + p.length
                            + " positions but the model generates " + n + " tokens");
                }
                boolean[] isFree = new boolean[n];
                for (int f : free) {
                    isFree[f] = true;
                }
                yield Arrays.stream(p).filter(i -> isFree[i]).toArray();
            }
        };
    }

    private static int[][] copy(int[][] tokens) {
        int[][] out = new int[tokens.length][];
        for (int i = 0; i < tokens.length; i++) {
            out[i] = tokens[i].clone();
        }
        return out;
    }
}
