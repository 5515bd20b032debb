package dev.arpg.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.core.autograd.Autograd;
import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.model.ArpgTransformer;
import dev.arpg.core.model.RopeTable;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Teacher forcing (ARPG-SPEC section 5) with its backward pass written out, for training: the
 * forward keeps what the backward needs, the matrix products run on the engine, and every
 * element-wise step (RMSNorm, RoPE with the heads layout, causal softmax, SwiGLU, cross-entropy)
 * and its derivative is one Java pass over memory ({@link TrainingKernels}) where autograd would
 * run a dozen engine ops each way. The arithmetic is that of {@link ArpgTransformer#forward} with
 * causal masks followed by the mean cross-entropy, up to float summation order; the golden
 * train-step test holds it to the reference's loss and gradients.
 *
 * <p>Runs with the engine's gradient recording off (and restores it), so it may be called inside a
 * {@code GradientCollector}: the starting queries' gradient it returns lets autograd carry the
 * backward on into whatever produced them (a control encoder).
 */
public final class TeacherForcingBackprop {
    private TeacherForcingBackprop() {
    }

    /**
     * What a pass computed.
     *
     * @param loss the mean cross-entropy over all queries
     * @param logits {@code [B, N, vocab]}
     * @param queryGradient {@code dLoss/dQueries} {@code [B, N, dim]}
     */
    public record Result(double loss, NDArray logits, NDArray queryGradient) {
    }

    /**
     * Runs the forward and backward pass of one batch.
     *
     * @param model the transformer
     * @param batch the inputs (inputs and targets of equal length)
     * @param queries the starting query stream {@code [B, N, dim]}, or {@code null} for the [MASK]
     *     embedding at every target
     * @param parameterGradients whether to add every parameter's gradient to its {@code
     *     getGradient()} (every parameter must then have one: {@link Gradients#zero} creates them);
     *     {@code false} computes only the queries' gradient (a frozen model)
     * @return the loss, logits and the queries' gradient, owned by the batch's manager
     * @throws IllegalStateException if a parameter has no gradient to accumulate into
     */
    public static Result run(ArpgTransformer model, TeacherForcing.Batch batch, NDArray queries,
            boolean parameterGradients) {
        if (parameterGradients) {
            Gradients.requireExisting(model.parameters());
        }
        boolean recording = Autograd.isRecording();
        JniUtils.setGradMode(false);
        try {
            return new Pass(model, batch, parameterGradients).run(queries);
        } finally {
            JniUtils.setGradMode(recording);
        }
    }

    /** A norm's input, output and per-row factors. */
    private record Norm(String weight, NDArray in, NDArray out, float[] rstd) {
    }

    /** What the backward needs of one block. */
    private record Block(String prefix, Norm attentionNorm, NDArray q, NDArray k, NDArray v, NDArray probs,
            NDArray attended, Norm ffnNorm, NDArray gateUp, NDArray sigmoid, NDArray gated, NDArray out) {
    }

    /** The shared keys and values of the cross stage, as stored together. */
    private static final List<String> SHARED_KV = List.of("layers.to_k.weight", "layers.to_v.weight");

    private static List<String> qkv(String prefix) {
        return List.of(prefix + "attn.to_q.weight", prefix + "attn.to_k.weight", prefix + "attn.to_v.weight");
    }

    private static List<String> w13(String prefix) {
        return List.of(prefix + "ffn.w1.weight", prefix + "ffn.w3.weight");
    }

    /** One batch's pass. */
    private static final class Pass {
        private final ArpgConfig config;
        private final ArpgTransformer model;
        private final Map<String, NDArray> parameters;
        private final NDManager m;
        private final TeacherForcing.Batch batch;
        private final boolean parameterGradients;
        private final int samples;
        private final int length;
        private final int rows;
        private final int dim;
        private final int heads;
        private final int headDim;
        private final float scale;
        private final TrainingKernels.Rotation keyRotation;
        private final TrainingKernels.Rotation queryRotation;

        Pass(ArpgTransformer model, TeacherForcing.Batch batch, boolean parameterGradients) {
            this.config = model.config();
            this.model = model;
            this.parameters = model.parameters();
            this.m = batch.inputIds().getManager();
            this.batch = batch;
            this.parameterGradients = parameterGradients;
            Shape shape = batch.inputIds().getShape();
            if (!shape.equals(batch.keyRows().getShape()) || !shape.equals(batch.queryRows().getShape())
                    || !shape.equals(batch.targets().getShape())) {
                throw new InvalidRequestException("teacher forcing: inputs " + shape + ", key rows "
                        + batch.keyRows().getShape() + ", query rows " + batch.queryRows().getShape() + " and targets "
                        + batch.targets().getShape() + " must have the same shape");
            }
            this.samples = (int) shape.get(0);
            this.length = (int) shape.get(1);
            this.rows = samples * length;
            this.dim = config.dim();
            this.heads = config.heads();
            this.headDim = config.headDim();
            this.scale = (float) (1.0 / Math.sqrt(headDim));
            RopeTable table = new RopeTable(config.gridSize(), headDim, config.ropeBase());
            float[] interleaved = table.interleaved();
            float[] cos = new float[interleaved.length / 2];
            float[] sin = new float[interleaved.length / 2];
            for (int i = 0; i < cos.length; i++) {
                cos[i] = interleaved[2 * i];
                sin[i] = interleaved[2 * i + 1];
            }
            this.keyRotation = new TrainingKernels.Rotation(cos, sin, table.pairs(),
                    indices(batch.keyRows(), table.rows(), "RoPE row"));
            this.queryRotation = new TrainingKernels.Rotation(cos, sin, table.pairs(),
                    indices(batch.queryRows(), table.rows(), "RoPE row"));
        }

        /** An I64 array's values as ints, each checked to lie in {@code [0, bound)}. */
        private static int[] indices(NDArray values, int bound, String what) {
            long[] longs = values.toLongArray();
            int[] out = new int[longs.length];
            for (int i = 0; i < longs.length; i++) {
                if (longs[i] < 0 || longs[i] >= bound) {
                    throw new InvalidRequestException("teacher forcing: " + what + " " + longs[i] + " is outside [0, "
                            + bound + ")");
                }
                out[i] = (int) longs[i];
            }
            return out;
        }

        Result run(NDArray queries) {
            if (queries != null && !queries.getShape().equals(new Shape(samples, length, dim))) {
                throw new InvalidRequestException("teacher forcing: starting queries must be [" + samples + ", "
                        + length + ", " + dim + "], not " + queries.getShape());
            }
            int[] ids = indices(batch.inputIds(), config.embeddingRows(), "input id");
            int[] targets = indices(batch.targets(), config.vocabSize(), "target");
            NDArray x = p("embeddings.weight").get(m, new NDIndex("{}", batch.inputIds())).reshape(rows, dim);
            List<Block> selfBlocks = new ArrayList<>();
            for (int i = 0; i < config.layersPerStage(); i++) {
                Block block = block("layers.self_dec." + i + ".", x, null, null, keyRotation);
                selfBlocks.add(block);
                x = block.out();
            }
            Norm shared = norm(x, "layers.norm.weight");
            NDArray kv = linear(shared.out(), SHARED_KV);
            NDArray keys = heads(kv, 0, keyRotation);
            NDArray values = heads(kv, 1, null);
            NDArray q = queries == null ? maskQueries() : queries.reshape(rows, dim);
            List<Block> crossBlocks = new ArrayList<>();
            for (int i = 0; i < config.layersPerStage(); i++) {
                Block block = block("layers.cross_dec." + i + ".", q, keys, values, queryRotation);
                crossBlocks.add(block);
                q = block.out();
            }
            Norm last = norm(q, "norm.weight");
            NDArray logits = linear(last.out(), List.of("head.weight"));

            int vocab = config.vocabSize();
            NDArray dLogits = empty(rows, vocab);
            double loss = TrainingKernels.crossEntropy(read(logits), targets, write(dLogits), vocab, 1f / rows) / rows;
            weightGradient(List.of("head.weight"), dLogits, last.out());
            NDArray dq = m.zeros(new Shape(rows, dim));
            normBackward(last, dLogits.matMul(p("head.weight")), dq);

            NDArray dKeys = m.zeros(keys.getShape());
            NDArray dValues = m.zeros(values.getShape());
            for (int i = crossBlocks.size() - 1; i >= 0; i--) {
                dq = blockBackward(crossBlocks.get(i), dq, queryRotation, dKeys, dValues);
            }
            NDArray dkv = empty(rows, 2 * dim);
            rows(dKeys, dkv, 0, keyRotation);
            rows(dValues, dkv, 1, null);
            weightGradient(SHARED_KV, dkv, shared.out());
            NDArray dx = m.zeros(new Shape(rows, dim));
            normBackward(shared, dkv.matMul(weight(SHARED_KV)), dx);
            for (int i = selfBlocks.size() - 1; i >= 0; i--) {
                dx = blockBackward(selfBlocks.get(i), dx, keyRotation, null, null);
            }
            if (parameterGradients) {
                embeddingGradient(ids, dx, queries == null ? dq : null);
            }
            return new Result(loss, logits.reshape(samples, length, vocab), dq.reshape(samples, length, dim));
        }

        /**
         * One block forward. Self blocks ({@code keys == null}) project their own keys and values;
         * cross blocks attend to the shared ones.
         */
        private Block block(String prefix, NDArray x, NDArray keys, NDArray values, TrainingKernels.Rotation rotation) {
            Norm attentionNorm = norm(x, prefix + "attn_norm.weight");
            NDArray h = attentionNorm.out();
            NDArray q;
            NDArray k = keys;
            NDArray v = values;
            if (keys == null) {
                NDArray qkv = linear(h, qkv(prefix));
                q = heads(qkv, 0, rotation);
                k = heads(qkv, 1, rotation);
                v = heads(qkv, 2, null);
            } else {
                q = heads(linear(h, List.of(prefix + "attn.to_q.weight")), 0, rotation);
            }
            NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
            NDArray probs = empty(scores.getShape());
            TrainingKernels.causalSoftmax(read(scores), write(probs), samples * heads * length, length, length,
                    scale);
            NDArray attended = empty(rows, dim);
            rows(probs.matMul(v), attended, 0, null);
            NDArray mid = linear(attended, List.of(prefix + "attn.proj.weight")).addi(x);
            Norm ffnNorm = norm(mid, prefix + "ffn_norm.weight");
            int hidden = config.ffnHidden();
            NDArray gateUp = linear(ffnNorm.out(), w13(prefix));
            NDArray sigmoid = Activation.sigmoid(gateUp.get(new NDIndex(":, :{}", hidden)));
            NDArray gated = empty(rows, hidden);
            TrainingKernels.swiglu(read(gateUp), read(sigmoid), write(gated), rows, hidden);
            NDArray out = linear(gated, List.of(prefix + "ffn.w2.weight")).addi(mid);
            return new Block(prefix, attentionNorm, q, k, v, probs, attended, ffnNorm, gateUp, sigmoid, gated, out);
        }

        /**
         * One block backward.
         *
         * @param dOut {@code dLoss/dOut}; overwritten (it becomes the residual stream's gradient)
         * @param dKeys the shared keys' gradient, accumulated (cross blocks), or {@code null} (self)
         * @return {@code dLoss/dIn}
         */
        private NDArray blockBackward(Block b, NDArray dOut, TrainingKernels.Rotation rotation, NDArray dKeys,
                NDArray dValues) {
            String prefix = b.prefix();
            List<String> w2 = List.of(prefix + "ffn.w2.weight");
            weightGradient(w2, dOut, b.gated());
            NDArray dGated = dOut.matMul(weight(w2));
            NDArray dGateUp = empty(b.gateUp().getShape());
            TrainingKernels.swigluBackward(read(dGated), read(b.gateUp()), read(b.sigmoid()), write(dGateUp), rows,
                    config.ffnHidden());
            weightGradient(w13(prefix), dGateUp, b.ffnNorm().out());
            normBackward(b.ffnNorm(), dGateUp.matMul(weight(w13(prefix))), dOut);
            NDArray dMid = dOut;

            List<String> proj = List.of(prefix + "attn.proj.weight");
            weightGradient(proj, dMid, b.attended());
            NDArray dAttended = heads(dMid.matMul(weight(proj)), 0, null);
            NDArray dProbs = dAttended.matMul(b.v().transpose(0, 1, 3, 2));
            NDArray dv = b.probs().transpose(0, 1, 3, 2).matMul(dAttended);
            NDArray dScores = empty(dProbs.getShape());
            TrainingKernels.causalSoftmaxBackward(read(dProbs), read(b.probs()), write(dScores),
                    samples * heads * length, length, scale);
            NDArray dq = dScores.matMul(b.k());
            NDArray dk = dScores.transpose(0, 1, 3, 2).matMul(b.q());
            NDArray h = b.attentionNorm().out();
            List<String> projections;
            NDArray dProjected;
            if (dKeys != null) {
                dKeys.addi(dk);
                dValues.addi(dv);
                projections = List.of(prefix + "attn.to_q.weight");
                dProjected = empty(rows, dim);
                rows(dq, dProjected, 0, rotation);
            } else {
                projections = qkv(prefix);
                dProjected = empty(rows, 3 * dim);
                rows(dq, dProjected, 0, rotation);
                rows(dk, dProjected, 1, rotation);
                rows(dv, dProjected, 2, null);
            }
            weightGradient(projections, dProjected, h);
            NDArray dh = dProjected.matMul(weight(projections));
            normBackward(b.attentionNorm(), dh, dMid);
            return dMid;
        }

        private NDArray p(String name) {
            return parameters.get(name);
        }

        /** The weight of one parameter, or of several held stacked. */
        private NDArray weight(List<String> names) {
            return names.size() == 1 ? p(names.get(0)) : model.stacked(names);
        }

        /** {@code x @ W^T} for the (stacked) weight {@code W} of the named parameters. */
        private NDArray linear(NDArray x, List<String> names) {
            return Linear.linear(x, weight(names)).singletonOrThrow();
        }

        private Norm norm(NDArray x, String weight) {
            NDArray out = empty(x.getShape());
            float[] rstd = new float[rows];
            TrainingKernels.rmsNorm(read(x), p(weight).toFloatArray(), config.normEps(), write(out), rstd);
            return new Norm(weight, x, out, rstd);
        }

        /** Adds the norm's input gradient to {@code dx} (and its weight's gradient). */
        private void normBackward(Norm norm, NDArray dy, NDArray dx) {
            float[] dw = parameterGradients ? new float[dim] : null;
            TrainingKernels.rmsNormBackward(read(dy), read(norm.in()), p(norm.weight()).toFloatArray(), norm.rstd(),
                    write(dx), dw);
            if (dw != null) {
                addGradient(norm.weight(), m.create(dw));
            }
        }

        /**
         * Part {@code part} ({@code dim} columns each) of rows {@code [rows, parts * dim]} to heads
         * first {@code [B, H, N, headDim]}, rotated if a rotation is given.
         */
        private NDArray heads(NDArray x, int part, TrainingKernels.Rotation rotation) {
            NDArray out = empty(samples, heads, length, headDim);
            int stride = Math.toIntExact(x.getShape().get(1));
            TrainingKernels.toHeads(read(x), stride, part * dim, write(out), rows, length, heads, headDim, rotation);
            return out;
        }

        /**
         * Heads first into part {@code part} of rows {@code out} {@code [rows, parts * dim]}, rotated
         * back if a rotation is given (the derivative of {@link #heads}).
         */
        private void rows(NDArray x, NDArray out, int part, TrainingKernels.Rotation rotation) {
            int stride = Math.toIntExact(out.getShape().get(1));
            TrainingKernels.fromHeads(read(x), write(out), stride, part * dim, rows, length, heads, headDim, rotation);
        }

        private NDArray maskQueries() {
            float[] mask = p("embeddings.weight").get(m, new NDIndex("{}", config.maskTokenId())).toFloatArray();
            float[] all = new float[rows * dim];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(mask, 0, all, r * dim, dim);
            }
            return m.create(all, new Shape(rows, dim));
        }

        /**
         * {@code dW += dy^T @ x} for a (stacked) weight used as {@code x @ W^T}, split among the
         * named parameters by their rows.
         */
        private void weightGradient(List<String> names, NDArray dy, NDArray x) {
            if (!parameterGradients) {
                return;
            }
            NDArray dw = dy.transpose().matMul(x);
            long row = 0;
            for (String name : names) {
                long parameterRows = p(name).getShape().get(0);
                addGradient(name, names.size() == 1 ? dw : dw.get(new NDIndex("{}:{}", row, row + parameterRows)));
                row += parameterRows;
            }
        }

        private void addGradient(String name, NDArray gradient) {
            try (NDArray g = p(name).getGradient()) {
                g.addi(gradient.reshape(g.getShape()));
            }
        }

        /** The embedding table's gradient: every looked-up row, and the [MASK] row of the queries. */
        private void embeddingGradient(int[] ids, NDArray dx, NDArray dMaskQueries) {
            try (NDArray g = p("embeddings.weight").getGradient()) {
                FloatBuffer table = InPlaceFloats.of(g, "the embedding gradient");
                TrainingKernels.scatterAddRows(read(dx), ids, table, dim);
                if (dMaskQueries != null) {
                    int[] mask = new int[rows];
                    Arrays.fill(mask, config.maskTokenId());
                    TrainingKernels.scatterAddRows(read(dMaskQueries), mask, table, dim);
                }
            }
        }

        private NDArray empty(long... shape) {
            return empty(new Shape(shape));
        }

        private NDArray empty(Shape shape) {
            return m.create(shape, DataType.FLOAT32);
        }

        /** A view of an array's floats in row-major order (of a contiguous copy if it is not contiguous). */
        private static FloatBuffer read(NDArray x) {
            return x.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }

        private static FloatBuffer write(NDArray x) {
            return InPlaceFloats.of(x, "a training activation");
        }
    }
}
