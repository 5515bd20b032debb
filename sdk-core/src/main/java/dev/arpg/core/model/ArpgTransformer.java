package dev.arpg.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import dev.arpg.core.autograd.Autograd;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.engine.OneDnn;
import dev.arpg.core.weights.HostTensor;
import dev.arpg.core.weights.StateDict;
import dev.arpg.core.weights.WeightBinding;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The ARPG transformer (ARPG-SPEC section 3) on DJL: a self-attention stage turns the fed tokens
 * into one shared key/value pair, and a cross-attention stage runs position queries against it.
 * Parameters carry the PyTorch state-dict names, so published checkpoints load as they are.
 *
 * <p>Two entry points: {@link #forward} runs whole sequences (teacher forcing and training, with
 * or without causal masks), {@link #decodeStep} runs one decoding step on a {@link KvCache}. Both
 * are float32. The model is immutable once loaded and may be shared by concurrent requests; every
 * array a call creates belongs to the manager of the caller's input arrays.
 *
 * <p>A model that only generates should be given {@link #prepareForDecoding} once, before it is
 * shared: its decoding products then run on oneDNN's blocked weights, 1.5-2x as fast at the few rows
 * of a decoding step, in the same memory.
 */
public final class ArpgTransformer implements AutoCloseable {
    /**
     * Whether libtorch's MKL runs the CPU's own kernels because {@link Engines} switched it (on
     * non-Intel CPUs). Then its products beat the Java ones at every row count and its transposed
     * form is ahead from 8 rows (docs/benchmarks.md, sessions 15-16); otherwise from 16.
     */
    private static final boolean MKL_CPU_KERNELS = Engines.switchedMklToCpuKernels();
    /** Rows from which {@link #project} multiplies in the transposed order. */
    private static final int TALL_SKINNY_ROWS = MKL_CPU_KERNELS ? 8 : 16;
    /**
     * Rows from 2 to {@code FewRowProduct.FEWER_ROWS_THAN} - 1 go to {@link #FEW_ROWS} (one row is
     * libtorch's GEMV, as fast).
     */
    private static final int FEW_ROWS_FROM = 2;
    /**
     * The Java Vector API product for fewer rows, or {@code null} when libtorch's MKL runs the CPU's
     * own kernels or the JVM runs without the module {@code jdk.incubator.vector} (then libtorch's
     * products are used).
     */
    private static final FewRowProduct FEW_ROWS = MKL_CPU_KERNELS ? null : fewRowProduct();

    private final ArpgConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> parameters;
    private final RopeTable.Device rope;
    private final float attentionScale;
    /** The weight products of {@link #decodeStep}: on the plain weights, or on oneDNN's blocked ones. */
    private volatile DecodingProducts products;
    /** The storage of every group of parameters held stacked, by the group's names. */
    private final Map<List<String>, NDArray> stacked;
    private final KvCacheMemory kvCacheMemory;

    private static FewRowProduct fewRowProduct() {
        System.Logger log = System.getLogger(ArpgTransformer.class.getName());
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            log.log(System.Logger.Level.INFO, "decoding uses libtorch for products of few rows; start the JVM with "
                    + "--add-modules jdk.incubator.vector for the faster Java Vector API path");
            return null;
        }
        boolean withoutC2 = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.equals("-Xint") || a.matches("-XX:TieredStopAtLevel=[0-3]"));
        if (withoutC2) {
            log.log(System.Logger.Level.INFO, "decoding uses libtorch for products of few rows: the JVM runs without "
                    + "the C2 compiler, which the Java Vector API needs to be fast");
            return null;
        }
        return new FewRowProduct(Integer.getInteger("ai.djl.pytorch.num_threads",
                Runtime.getRuntime().availableProcessors()));
    }

    private ArpgTransformer(ArpgConfig config, NDManager manager, Map<String, NDArray> parameters,
            Map<List<String>, NDArray> stacked) {
        this.config = config;
        this.manager = manager;
        this.parameters = parameters;
        this.stacked = stacked;
        this.products = new DecodingProducts(config, parameters::get, stacked, weight -> x -> project(x, weight), false);
        this.rope = new RopeTable.Device(
                new RopeTable(config.gridSize(), config.headDim(), config.ropeBase()), manager);
        this.attentionScale = (float) (1.0 / Math.sqrt(config.headDim()));
        this.kvCacheMemory = new KvCacheMemory(manager);
    }

    /**
     * Loads a model from a state dict, checking every name and shape first.
     *
     * @param config the model sizes
     * @param weights the state dict (published checkpoint, safetensors or our own bundle)
     * @param parent manager under which the model's own manager is created
     * @return the model; close it to free its weights
     * @throws dev.arpg.api.ModelLoadException listing every missing key and shape mismatch
     */
    public static ArpgTransformer load(ArpgConfig config, StateDict weights, NDManager parent) {
        WeightBinding.check("ARPG " + describe(config), config.parameterShapes(), weights);
        return build(config, parent, (names, shape, m) -> HostTensor.float32(names.stream().map(weights::get).toList(),
                shape, m));
    }

    /**
     * Builds a model with random weights, for benchmarks and tests without a weight file: every
     * matrix is drawn from N(0, 0.02) and every RMSNorm weight is one, as the reference initialises
     * them. The draws come from the engine's generator, seeded here with {@code seed} (this reseeds
     * the engine's global generator), so equal seeds give equal weights on one engine.
     *
     * @param config the model sizes
     * @param seed seed of the engine's generator
     * @param parent manager under which the model's own manager is created
     * @return the model; close it to free its weights
     */
    public static ArpgTransformer random(ArpgConfig config, long seed, NDManager parent) {
        Engines.engine().setRandomSeed((int) (seed ^ (seed >>> 32)));
        return build(config, parent, (names, shape, m) -> shape.dimension() == 1
                ? m.ones(shape, DataType.FLOAT32)
                : m.randomNormal(0f, 0.02f, shape, DataType.FLOAT32));
    }

    /**
     * Creates the storage of named parameters stacked along axis 0 (one name for most parameters,
     * several for a fused group), in one allocation so that loading never holds a weight twice.
     */
    @FunctionalInterface
    private interface ParameterSource {
        NDArray create(List<String> names, Shape stacked, NDManager manager);
    }

    private static ArpgTransformer build(ArpgConfig config, NDManager parent, ParameterSource source) {
        NDManager manager = parent.newSubManager();
        try {
            Map<String, long[]> shapes = config.parameterShapes();
            Map<List<String>, NDArray> storage = new LinkedHashMap<>();
            Map<String, NDArray> params = new LinkedHashMap<>();
            for (List<String> group : Fused.groups(config, shapes.keySet())) {
                long[] shape = shapes.get(group.get(0)).clone();
                shape[0] = group.stream().mapToLong(name -> shapes.get(name)[0]).sum();
                NDArray stacked = source.create(group, new Shape(shape), manager);
                storage.put(group, stacked);
                long row = 0;
                for (String name : group) {
                    long rows = shapes.get(name)[0];
                    NDArray view = group.size() == 1 ? stacked : stacked.get(new NDIndex("{}:{}", row, row + rows));
                    view.setName(name);
                    params.put(name, view);
                    row += rows;
                }
            }
            storage.keySet().removeIf(group -> group.size() == 1);
            return new ArpgTransformer(config, manager, Collections.unmodifiableMap(params),
                    Collections.unmodifiableMap(storage));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static String describe(ArpgConfig c) {
        return "(dim " + c.dim() + ", " + c.layers() + " layers, " + c.heads() + " heads, vocab "
                + c.vocabSize() + ", " + c.numClasses() + " classes, " + c.blockSize() + " tokens)";
    }

    /** @return the model sizes */
    public ArpgConfig config() {
        return config;
    }

    /** @return the manager that owns the weights; requests create sub-managers of it */
    public NDManager manager() {
        return manager;
    }

    /**
     * The parameters by state-dict name, in state-dict order. Training marks them as requiring
     * gradients; inference must not modify them.
     *
     * @return an unmodifiable view
     * @throws IllegalStateException after {@link #prepareForDecoding} moved the weights of the
     *     decoding products to oneDNN's layout
     */
    public Map<String, NDArray> parameters() {
        requirePlainWeights("parameters()");
        return parameters;
    }

    /**
     * The array in which parameters are held together, stacked along axis 0 in the given order:
     * {@code attn.to_q/to_k/to_v} of every self block, {@code ffn.w1/w3} of every block, and the
     * shared {@code layers.to_k/to_v}. One product with it replaces one per parameter. It is the
     * very memory of the named parameters: read it, never modify it.
     *
     * @param names the parameters' state-dict names, in storage order
     * @return {@code [sum of their rows, columns]}
     * @throws IllegalArgumentException if these parameters are not held together in this order
     * @throws IllegalStateException after {@link #prepareForDecoding} moved them to oneDNN's layout
     */
    public NDArray stacked(List<String> names) {
        requirePlainWeights("stacked()");
        NDArray array = stacked.get(names);
        if (array == null) {
            throw new IllegalArgumentException("parameters " + names + " are not held stacked in this order");
        }
        return array;
    }

    private NDArray p(String name) {
        return parameters.get(name);
    }

    /**
     * Moves the weights of {@link #decodeStep}'s products (every attention and feed-forward matrix,
     * the shared keys and values, the head) into oneDNN's blocked layout, one matrix at a time and in
     * their own memory ({@link OneDnn#block}), so the model holds its weights once. The
     * decoding products then stream the weights at the memory's rate (docs/benchmarks.md, session
     * 19); tokens are equal up to float32 summation order. Afterwards the model only decodes:
     * {@link #forward}, {@link #parameters} and {@link #stacked} throw, so prepare only a model that
     * will not be trained or run whole sequences, and call this before the model is shared
     * (requests decoding at the same time would see half-moved weights).
     *
     * @return true if decoding runs on oneDNN's blocked weights (also when prepared before); false
     *     when oneDNN cannot be used in this process ({@link Engines#oneDnn} logs why), and then
     *     nothing changed
     * @throws IllegalStateException if oneDNN fails while moving the weights; the model is then
     *     unusable: close it
     */
    public synchronized boolean prepareForDecoding() {
        if (products.blocked) {
            return true;
        }
        Optional<OneDnn> oneDnn = Engines.oneDnn();
        if (oneDnn.isEmpty()) {
            return false;
        }
        products = new DecodingProducts(config, parameters::get, stacked, weight -> {
            closeViews(weight);
            OneDnn.Blocked blocked = oneDnn.get().block(weight);
            return x -> oneDnn.get().multiply(x, blocked);
        }, true);
        oneDnn.get().releaseUnusedMemory();
        return true;
    }

    /** Closes the views of a stacked group's named parameters into its storage. */
    private void closeViews(NDArray storage) {
        stacked.forEach((names, group) -> {
            if (group == storage) {
                names.forEach(name -> parameters.get(name).close());
            }
        });
    }

    private void requirePlainWeights(String call) {
        if (products.blocked) {
            throw new IllegalStateException(call + " needs the plain weights, but prepareForDecoding() moved them to "
                    + "oneDNN's decoding layout: load the model again to train it or run whole sequences");
        }
    }

    /**
     * A KV cache for one request's {@link #decodeStep} calls. Close it when the request ends: its
     * memory is then kept by the model for the next request (the largest block handed back, one at
     * most, until the model closes), which saves clearing fresh pages (0.1-0.45 s per ARPG-L request).
     *
     * @param batch rows of the batch (twice the images with classifier-free guidance, more with
     *     control guidance)
     * @param capacity most tokens the cache will hold
     * @param request the request's manager, which owns the cache's views
     * @return an empty cache
     * @throws IllegalArgumentException if {@code batch} or {@code capacity} is not positive
     */
    public KvCache newKvCache(int batch, int capacity, NDManager request) {
        if (batch < 1 || capacity < 1) {
            throw new IllegalArgumentException("a KV cache needs a positive batch and capacity, got batch " + batch
                    + " and capacity " + capacity);
        }
        return new KvCache(config, batch, capacity, kvCacheMemory, request);
    }

    /**
     * Runs whole sequences through the model, as the reference's {@code forward_shared}.
     *
     * @param inputIds I64 {@code [B, L]}: class (or null-class) id first, then image tokens
     * @param keyRows I64 {@code [B, L]}: RoPE table row of every input token (0 for the class)
     * @param queryRows I64 {@code [B, Q]}: RoPE table row of every target position
     * @param causal true for training semantics (query i and token i see tokens 0..i only)
     * @param recorder receives the named intermediate activations
     * @return logits {@code [B, Q, vocab]}
     * @throws IllegalStateException after {@link #prepareForDecoding}
     */
    public NDArray forward(NDArray inputIds, NDArray keyRows, NDArray queryRows, boolean causal,
            ActivationRecorder recorder) {
        NDArray q = maskQueries(inputIds.getManager(), (int) inputIds.getShape().get(0),
                (int) queryRows.getShape().get(1));
        return forward(inputIds, keyRows, q, queryRows, causal, recorder);
    }

    /**
     * Runs whole sequences with a given starting query stream (e.g. [MASK] plus control offsets,
     * for training control encoders).
     *
     * @param inputIds I64 {@code [B, L]}: class (or null-class) id first, then image tokens
     * @param keyRows I64 {@code [B, L]}: RoPE table row of every input token (0 for the class)
     * @param queries float32 {@code [B, Q, dim]}: the starting query of every target
     * @param queryRows I64 {@code [B, Q]}: RoPE table row of every target position
     * @param causal true for training semantics (query i and token i see tokens 0..i only)
     * @param recorder receives the named intermediate activations
     * @return logits {@code [B, Q, vocab]}
     * @throws IllegalStateException after {@link #prepareForDecoding}
     */
    public NDArray forward(NDArray inputIds, NDArray keyRows, NDArray queries, NDArray queryRows, boolean causal,
            ActivationRecorder recorder) {
        requirePlainWeights("forward()");
        NDManager m = inputIds.getManager();
        int length = (int) inputIds.getShape().get(1);
        int targets = (int) queryRows.getShape().get(1);
        NDArray selfMask = causal ? causalMask(m, length, length) : null;
        NDArray crossMask = causal ? causalMask(m, targets, length) : null;
        NDArray x = embed(inputIds);
        recorder.record("embeddings.input", x);
        recorder.record("embeddings.queries", queries);
        return run(x, keyRows, queries, queryRows, selfMask, crossMask, recorder);
    }

    /**
     * One decoding step: feeds tokens into the cache and predicts the target positions. No mask
     * is applied: the fed tokens see everything cached and each other, as in the reference.
     *
     * @param cache the request's cache; this step's keys and values are appended
     * @param fedIds I64 {@code [B, F]} tokens fed this step (F may be 0 when only queries run)
     * @param fedRows I64 {@code [1, F]} RoPE rows of the fed tokens
     * @param queries float32 {@code [B, K, dim]} starting query stream (mask embeddings or control)
     * @param queryRows I64 {@code [1, K]} RoPE rows of the targets
     * @return logits {@code [B, K, vocab]}
     */
    public NDArray decodeStep(KvCache cache, NDArray fedIds, NDArray fedRows, NDArray queries,
            NDArray queryRows) {
        cache.begin((int) fedIds.getShape().get(1));
        try {
            NDManager m = queries.getManager();
            NDArray[] fedTables = rope.stepTables(m, fedRows, 2, 3);
            NDArray[] queryTables = rope.stepTables(m, queryRows, 1, 1);
            DecodingProducts products = this.products;
            NDArray x = embed(fedIds);
            for (int i = 0; i < config.layersPerStage(); i++) {
                x = inLayerScope(x, i, (layer, in) -> cachedSelfBlock(products, layer, in, fedTables, cache));
            }
            NDArray kv = sharedKeysValues(products, x, fedTables, cache);
            NDArray q = queries;
            for (int i = 0; i < config.layersPerStage(); i++) {
                q = inLayerScope(q, i, (layer, in) -> cachedCrossBlock(products, layer, in, queryTables, kv));
            }
            return products.head.times(rmsNorm(q, p("norm.weight")));
        } finally {
            cache.commit();
        }
    }

    /**
     * The [MASK] embedding at every target: the default starting query stream.
     *
     * @param m the request's manager
     * @param batch rows
     * @param targets targets per row
     * @return {@code [batch, targets, dim]}
     */
    public NDArray maskQueries(NDManager m, int batch, int targets) {
        return maskEmbedding(m).reshape(1, 1, config.dim()).broadcast(batch, targets, config.dim());
    }

    /**
     * The embedding of the [MASK] token, where every position query starts.
     *
     * @param m the manager that owns the result
     * @return {@code [dim]}
     */
    public NDArray maskEmbedding(NDManager m) {
        return p("embeddings.weight").get(m, new NDIndex("{}", config.maskTokenId()));
    }

    private NDArray run(NDArray x, NDArray keyRows, NDArray q, NDArray queryRows, NDArray selfMask,
            NDArray crossMask, ActivationRecorder recorder) {
        NDArray[] keyTables = rope.tables(keyRows);
        NDArray[] queryTables = rope.tables(queryRows);
        for (int i = 0; i < config.layersPerStage(); i++) {
            x = selfBlock(i, x, keyTables, selfMask);
            recorder.record("layers.self_dec." + i, x);
        }
        NDArray xn = rmsNorm(x, p("layers.norm.weight"));
        recorder.record("layers.norm", xn);
        NDArray k = linear(xn, "layers.to_k.weight");
        NDArray v = linear(xn, "layers.to_v.weight");
        recorder.record("layers.to_k", k);
        recorder.record("layers.to_v", v);
        k = headsFirst(RopeTable.Device.rotate(splitHeads(k), keyTables));
        v = headsFirst(splitHeads(v));
        for (int i = 0; i < config.layersPerStage(); i++) {
            q = crossBlock(i, q, queryTables, k, v, crossMask);
            recorder.record("layers.cross_dec." + i, q);
        }
        NDArray out = rmsNorm(q, p("norm.weight"));
        recorder.record("norm", out);
        NDArray logits = linear(out, "head.weight");
        recorder.record("head", logits);
        return logits;
    }

    private NDArray selfBlock(int i, NDArray x, NDArray[] tables, NDArray mask) {
        String prefix = "layers.self_dec." + i + ".";
        NDArray h = rmsNorm(x, p(prefix + "attn_norm.weight"));
        NDArray q = headsFirst(RopeTable.Device.rotate(splitHeads(linear(h, prefix + "attn.to_q.weight")), tables));
        NDArray k = headsFirst(RopeTable.Device.rotate(splitHeads(linear(h, prefix + "attn.to_k.weight")), tables));
        NDArray v = headsFirst(splitHeads(linear(h, prefix + "attn.to_v.weight")));
        NDArray attended = mergeHeads(attention(q, k, v, mask));
        x = x.add(linear(attended, prefix + "attn.proj.weight"));
        return x.add(feedForward(prefix, rmsNorm(x, p(prefix + "ffn_norm.weight"))));
    }

    private NDArray crossBlock(int i, NDArray q, NDArray[] tables, NDArray k, NDArray v, NDArray mask) {
        String prefix = "layers.cross_dec." + i + ".";
        NDArray h = rmsNorm(q, p(prefix + "attn_norm.weight"));
        NDArray qh = headsFirst(RopeTable.Device.rotate(splitHeads(linear(h, prefix + "attn.to_q.weight")), tables));
        NDArray attended = mergeHeads(attention(qh, k, v, mask));
        q = q.add(linear(attended, prefix + "attn.proj.weight"));
        return q.add(feedForward(prefix, rmsNorm(q, p(prefix + "ffn_norm.weight"))));
    }

    /** One block of the decoding path, run on an input it may not modify. */
    @FunctionalInterface
    private interface Block {
        NDArray apply(int layer, NDArray in);
    }

    /**
     * Runs a block in its own scope, so its intermediates are freed as soon as it returns: a step
     * then holds one block's activations at a time, not all of them.
     */
    private static NDArray inLayerScope(NDArray in, int layer, Block block) {
        NDManager parent = in.getManager();
        try (NDManager scope = parent.newSubManager()) {
            in.tempAttach(scope);
            NDArray out = block.apply(layer, in);
            out.attach(parent);
            return out;
        }
    }

    /** Self-attention block of the decoding path: fused q/k/v, one rotation, packed cache. */
    private NDArray cachedSelfBlock(DecodingProducts products, int i, NDArray x, NDArray[] tables, KvCache cache) {
        String prefix = "layers.self_dec." + i + ".";
        NDArray qkv = headsFirstPacked(RopeTable.Device.rotate(
                splitParts(products.selfQkv[i].times(rmsNorm(x, p(prefix + "attn_norm.weight"))), 3), tables));
        NDArray kv = cache.appendPacked(i, qkv.get("1:"));
        NDArray attended = mergeHeads(cachedAttention(qkv.get("0"), kv));
        NDArray out = x.add(products.selfProj[i].times(attended));
        return out.addi(fusedFeedForward(products.selfW13[i], products.selfW2[i],
                rmsNorm(out, p(prefix + "ffn_norm.weight"))));
    }

    /** The cross stage's keys and values of the fed tokens, written into the cache. */
    private NDArray sharedKeysValues(DecodingProducts products, NDArray x, NDArray[] fedTables, KvCache cache) {
        NDArray xn = rmsNorm(x, p("layers.norm.weight"));
        NDArray kv = splitParts(products.crossKv.times(xn), 2);
        NDArray[] tables = {fedTables[0].get(":, :, 1:"), fedTables[1].get(":, :, 1:")};
        return cache.appendPacked(cache.crossSlot(), headsFirstPacked(RopeTable.Device.rotate(kv, tables)));
    }

    /** Cross-attention block of the decoding path, on the shared keys and values. */
    private NDArray cachedCrossBlock(DecodingProducts products, int i, NDArray q, NDArray[] tables, NDArray kv) {
        String prefix = "layers.cross_dec." + i + ".";
        NDArray h = rmsNorm(q, p(prefix + "attn_norm.weight"));
        NDArray qh = headsFirstPacked(RopeTable.Device.rotate(splitParts(products.crossQ[i].times(h), 1),
                tables)).get("0");
        NDArray attended = mergeHeads(cachedAttention(qh, kv));
        NDArray out = q.add(products.crossProj[i].times(attended));
        return out.addi(fusedFeedForward(products.crossW13[i], products.crossW2[i],
                rmsNorm(out, p(prefix + "ffn_norm.weight"))));
    }

    /** SwiGLU with w1 and w3 in one product; the same arithmetic as {@link #feedForward}. */
    private NDArray fusedFeedForward(Product w13, Product w2, NDArray x) {
        NDArray both = w13.times(x);
        long hidden = config.ffnHidden();
        NDArray gate = both.get("..., :{}", hidden);
        NDArray up = both.get("..., {}:", hidden);
        return w2.times(gate.mul(Activation.sigmoid(gate)).muli(up));
    }

    /**
     * {@code x @ w^T} for the decoding path, in the form that is fastest for its row count
     * (docs/benchmarks.md): from {@value #FEW_ROWS_FROM} rows to fewer than
     * {@code FewRowProduct.FEWER_ROWS_THAN} (which depends on the vector width) on the Java Vector
     * API ({@link FewRowProduct}, when it is used); otherwise, from {@link #TALL_SKINNY_ROWS}
     * rows as {@code (w @ x^T)^T}, the tall-skinny product libtorch's CPU GEMM runs faster than
     * {@code linear}'s short-wide one; otherwise {@code linear}. Equal up to float summation order.
     * The product is attached to {@code x}'s manager (a result belongs to its first input's, here
     * the model's).
     *
     * @param x {@code [..., in]}
     * @param w {@code [out, in]}
     * @return {@code [..., out]}
     */
    private static NDArray project(NDArray x, NDArray w) {
        Shape s = x.getShape();
        long in = s.get(s.dimension() - 1);
        long rows = s.size() / in;
        if (FEW_ROWS != null && rows >= FEW_ROWS_FROM && rows < FewRowProduct.FEWER_ROWS_THAN) {
            return FEW_ROWS.multiply(x, w);
        }
        if (rows < TALL_SKINNY_ROWS) {
            return Linear.linear(x, w).singletonOrThrow();
        }
        NDArray product = w.matMul(x.reshape(-1, in).transpose());
        product.attach(x.getManager());
        return product.transpose().reshape(s.slice(0, s.dimension() - 1).add(w.getShape().get(0)));
    }

    /** Attention of the decoding path: the same arithmetic as {@link #attention}, in place. */
    private NDArray cachedAttention(NDArray q, NDArray kv) {
        NDArray scores = q.matMul(kv.get("0").transpose(0, 1, 3, 2)).muli(attentionScale);
        return scores.softmax(-1).matMul(kv.get("1"));
    }

    /** {@code [B, L, parts * dim]} to {@code [B, L, parts, H, headDim]}. */
    private NDArray splitParts(NDArray x, int parts) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), parts, config.heads(), config.headDim());
    }

    /** {@code [B, L, parts, H, headDim]} to {@code [parts, B, H, L, headDim]}. */
    private static NDArray headsFirstPacked(NDArray x) {
        return x.transpose(2, 0, 3, 1, 4);
    }

    private NDArray feedForward(String prefix, NDArray x) {
        NDArray gate = linear(x, prefix + "ffn.w1.weight");
        NDArray up = linear(x, prefix + "ffn.w3.weight");
        return linear(gate.mul(Activation.sigmoid(gate)).mul(up), prefix + "ffn.w2.weight");
    }

    private NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask) {
        NDArray scores = Autograd.scale(q.matMul(k.transpose(0, 1, 3, 2)), attentionScale);
        if (mask != null) {
            scores = scores.add(mask);
        }
        return scores.softmax(-1).matMul(v);
    }

    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray rms = x.square().mean(new int[] {-1}, true).add((float) config.normEps()).sqrt();
        return x.div(rms).mul(weight);
    }

    private NDArray linear(NDArray x, String weight) {
        return Linear.linear(x, p(weight)).singletonOrThrow();
    }

    private NDArray embed(NDArray ids) {
        return p("embeddings.weight").get(ids.getManager(), new NDIndex("{}", ids));
    }

    /** {@code [B, L, dim]} to {@code [B, L, H, headDim]}. */
    private NDArray splitHeads(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), config.heads(), config.headDim());
    }

    /** {@code [B, L, H, headDim]} to {@code [B, H, L, headDim]}. */
    private static NDArray headsFirst(NDArray x) {
        return x.transpose(0, 2, 1, 3);
    }

    /** {@code [B, H, L, headDim]} to {@code [B, L, dim]}. */
    private NDArray mergeHeads(NDArray x) {
        Shape s = x.getShape();
        return x.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), config.dim());
    }

    /** Additive mask: query i sees keys 0..i (top-left aligned, as PyTorch's is_causal). */
    private static NDArray causalMask(NDManager m, int queries, int keys) {
        float[] mask = new float[queries * keys];
        for (int i = 0; i < queries; i++) {
            Arrays.fill(mask, i * keys + Math.min(i + 1, keys), (i + 1) * keys, Float.NEGATIVE_INFINITY);
        }
        return m.create(mask, new Shape(queries, keys));
    }

    /**
     * Weights concatenated along the output axis for the decoding path: q/k/v of every self block,
     * w1/w3 of every block, and the shared to_k/to_v. Each group is allocated once, stacked, and
     * its named parameters are views into it, so the weights are held once (also while loading)
     * and training still sees (and updates) every parameter by its state-dict name.
     */
    private static final class Fused {
        private Fused() {
        }

        /** The shared keys/values of the cross stage. */
        private static final List<String> CROSS_KV = List.of("layers.to_k.weight", "layers.to_v.weight");

        private static List<String> selfQkv(int i) {
            String self = "layers.self_dec." + i + ".";
            return List.of(self + "attn.to_q.weight", self + "attn.to_k.weight", self + "attn.to_v.weight");
        }

        private static List<String> w13(String stage, int i) {
            String block = "layers." + stage + "." + i + ".";
            return List.of(block + "ffn.w1.weight", block + "ffn.w3.weight");
        }

        /**
         * Every parameter name in storage order: the fused groups as lists of several names, every
         * other parameter alone.
         */
        static List<List<String>> groups(ArpgConfig config, Collection<String> names) {
            List<List<String>> fusedGroups = new ArrayList<>();
            for (int i = 0; i < config.layersPerStage(); i++) {
                fusedGroups.add(selfQkv(i));
                fusedGroups.add(w13("self_dec", i));
                fusedGroups.add(w13("cross_dec", i));
            }
            fusedGroups.add(CROSS_KV);
            Map<String, List<String>> groupOfFirst = new LinkedHashMap<>();
            fusedGroups.forEach(g -> groupOfFirst.put(g.get(0), g));
            Set<String> fusedNames = new HashSet<>();
            fusedGroups.forEach(fusedNames::addAll);
            List<List<String>> all = new ArrayList<>();
            for (String name : names) {
                if (groupOfFirst.containsKey(name)) {
                    all.add(groupOfFirst.get(name));
                } else if (!fusedNames.contains(name)) {
                    all.add(List.of(name));
                }
            }
            return all;
        }
    }

    /** {@code x W^T} with one weight matrix (or one stacked group). */
    @FunctionalInterface
    private interface Product {
        NDArray times(NDArray x);
    }

    /**
     * The weight products of the decoding path by role, the fused groups as one product each: on
     * the plain weights, or on oneDNN's blocked copies after {@link #prepareForDecoding}.
     */
    private static final class DecodingProducts {
        private final boolean blocked;
        private final Product[] selfQkv;
        private final Product[] selfProj;
        private final Product[] selfW13;
        private final Product[] selfW2;
        private final Product[] crossQ;
        private final Product[] crossProj;
        private final Product[] crossW13;
        private final Product[] crossW2;
        private final Product crossKv;
        private final Product head;

        /**
         * Makes every product from its weight, in storage order.
         *
         * @param parameter a single parameter by name
         * @param stacked the fused groups' storage
         * @param product the product on one weight (it may free the weight)
         * @param blocked whether the products run on oneDNN's blocked weights
         */
        private DecodingProducts(ArpgConfig config, Function<String, NDArray> parameter,
                Map<List<String>, NDArray> stacked, Function<NDArray, Product> product, boolean blocked) {
            int n = config.layersPerStage();
            this.blocked = blocked;
            selfQkv = new Product[n];
            selfProj = new Product[n];
            selfW13 = new Product[n];
            selfW2 = new Product[n];
            crossQ = new Product[n];
            crossProj = new Product[n];
            crossW13 = new Product[n];
            crossW2 = new Product[n];
            for (int i = 0; i < n; i++) {
                String self = "layers.self_dec." + i + ".";
                String cross = "layers.cross_dec." + i + ".";
                selfQkv[i] = product.apply(stacked.get(Fused.selfQkv(i)));
                selfProj[i] = product.apply(parameter.apply(self + "attn.proj.weight"));
                selfW13[i] = product.apply(stacked.get(Fused.w13("self_dec", i)));
                selfW2[i] = product.apply(parameter.apply(self + "ffn.w2.weight"));
                crossQ[i] = product.apply(parameter.apply(cross + "attn.to_q.weight"));
                crossProj[i] = product.apply(parameter.apply(cross + "attn.proj.weight"));
                crossW13[i] = product.apply(stacked.get(Fused.w13("cross_dec", i)));
                crossW2[i] = product.apply(parameter.apply(cross + "ffn.w2.weight"));
            }
            crossKv = product.apply(stacked.get(Fused.CROSS_KV));
            head = product.apply(parameter.apply("head.weight"));
        }
    }

    /** Frees the weights and returns the memory to the system ({@link Engines#returnFreedMemory}). */
    @Override
    public void close() {
        manager.close();
        Engines.returnFreedMemory();
    }
}
