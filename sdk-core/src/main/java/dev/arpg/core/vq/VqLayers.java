package dev.arpg.core.vq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import dev.arpg.core.autograd.Autograd;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The building blocks of the VQ encoder and decoder as raw NDArray ops on state-dict-named
 * parameters: convolutions, GroupNorm, swish, ResNet and attention blocks, resampling. Every op
 * takes the activation as its first operand, so results belong to the activation's manager and
 * never to the one holding the weights.
 */
final class VqLayers {
    private static final Shape ONE = new Shape(1, 1);
    private static final Shape NO_PADDING = new Shape(0, 0);
    private static final Shape SAME_PADDING = new Shape(1, 1);
    private static final Shape STRIDE_TWO = new Shape(2, 2);
    /** Right and bottom by one ({@code F.pad} order: last axis first). */
    private static final Shape PAD_RIGHT_BOTTOM = new Shape(0, 1, 0, 1);
    /** Output channels below which a trained convolution is padded (see {@link #conv}). */
    private static final int TRAINED_OUT_CHANNELS = 16;

    private final Map<String, NDArray> params;

    /**
     * @param params state-dict name to parameter; GroupNorm weights and biases already shaped
     *     {@code [C, 1, 1]} so they broadcast over {@code [B, C, H, W]}
     */
    VqLayers(Map<String, NDArray> params) {
        this.params = params;
    }

    /**
     * Runs {@code block} with its temporaries in a sub-manager of {@code x}'s manager, keeping only
     * the result, so a forward pass holds one block's intermediates at a time.
     */
    static NDArray scoped(NDArray x, UnaryOperator<NDArray> block) {
        NDManager outer = x.getManager();
        try (NDManager inner = outer.newSubManager()) {
            x.tempAttach(inner);
            NDArray out = block.apply(x);
            out.attach(outer);
            return out;
        }
    }

    /**
     * {@link #scoped}, then frees {@code x} unless a gradient is being recorded: for an activation
     * the pass made itself and needs no more. Decoding a 256 px image held every block's output and
     * a block's every intermediate until the image was done: 0.73 GB above the weights for VQ-16
     * (docs/benchmarks.md, session 22).
     */
    static NDArray consumed(NDArray x, UnaryOperator<NDArray> block) {
        NDArray out = scoped(x, block);
        if (!Autograd.isRecording()) {
            x.close();
        }
        return out;
    }

    /**
     * Convolution {@code name} with stride 1: 3x3 kernels keep the size, 1x1 kernels are pointwise.
     * In training, a convolution with fewer than {@value #TRAINED_OUT_CHANNELS} output channels runs
     * with zero filters added up to that many and their outputs dropped: the same values, but
     * libtorch 2.7.1 on the CPU computes wrong input gradients for 3x3 convolutions with 3 or 8
     * output channels (errors of 0.5-0.9 on unit-scale gradients, and NaN on a first call; see
     * {@code VqLayersGradientTest}).
     */
    NDArray conv(NDArray x, String name) {
        NDArray w = params.get(name + ".weight");
        NDArray b = params.get(name + ".bias");
        Shape padding = w.getShape().get(2) == 1 ? NO_PADDING : SAME_PADDING;
        long missing = TRAINED_OUT_CHANNELS - w.getShape().get(0);
        if (missing <= 0 || !Autograd.isRecording()) {
            return Conv2d.conv2d(x, w, b, ONE, padding, ONE, 1).singletonOrThrow();
        }
        // Zero filters first, so the padded weights belong to x's manager; their outputs are dropped.
        NDManager m = x.getManager();
        NDArray paddedW = m.zeros(new Shape(missing).addAll(w.getShape().slice(1))).concat(w, 0);
        NDArray paddedB = m.zeros(new Shape(missing)).concat(b, 0);
        return Conv2d.conv2d(x, paddedW, paddedB, ONE, padding, ONE, 1).singletonOrThrow()
                .get(new NDIndex(":, {}:", missing));
    }

    /**
     * GroupNorm({@value VqConfig#NORM_GROUPS} groups, eps {@value VqConfig#NORM_EPS}) with affine
     * {@code name}, into a new array: {@code x} is left as it was. Outside a gradient collector
     * (decoding images) the normalisation runs in place on the centred copy, the squares are freed
     * once averaged and the result is the only handle on its values (closing it frees them).
     */
    NDArray groupNorm(NDArray x, String name) {
        return normalize(x, name, false);
    }

    /**
     * {@link #groupNorm} in {@code x}'s own memory, for an activation the pass needs no more:
     * outside a gradient collector {@code x}'s values are overwritten and the result shares its
     * memory (closing {@code x} frees only its handle); while recording, a new array as above.
     */
    NDArray groupNormInPlace(NDArray x, String name) {
        return normalize(x, name, true);
    }

    private NDArray normalize(NDArray x, String name, boolean overwrite) {
        Shape s = x.getShape();
        NDArray weight = params.get(name + ".weight");
        NDArray bias = params.get(name + ".bias");
        NDArray g = x.reshape(s.get(0), VqConfig.NORM_GROUPS, -1);
        NDArray mean = g.mean(new int[] {2}, true);
        if (Autograd.isRecording()) {
            NDArray centered = g.sub(mean);
            NDArray deviation = centered.square().mean(new int[] {2}, true).add((float) VqConfig.NORM_EPS).sqrt();
            return centered.div(deviation).reshape(s).mul(weight).add(bias);
        }
        NDArray centered = overwrite ? g.subi(mean) : g.sub(mean);
        NDArray deviation;
        try (NDArray squares = centered.square()) {
            deviation = squares.mean(new int[] {2}, true).addi((float) VqConfig.NORM_EPS).sqrt();
        }
        NDArray normed = centered.divi(deviation).reshape(s).muli(weight).addi(bias);
        centered.close(); // the result is then the only handle on values the norm made: closing it frees them
        return normed;
    }

    /**
     * {@code x * sigmoid(x)}; outside a gradient collector in {@code x}'s own memory (callers pass
     * an activation the pass made and needs no more).
     */
    static NDArray swish(NDArray x) {
        if (Autograd.isRecording()) {
            return x.mul(Activation.sigmoid(x));
        }
        try (NDArray sigmoid = Activation.sigmoid(x)) {
            return x.muli(sigmoid);
        }
    }

    /**
     * norm1, swish, conv1, norm2, swish, conv2, plus the input (through {@code nin_shortcut} if
     * present). Outside a gradient collector conv1's output is normalised in place and the input
     * is added onto conv2's output, so at 256 px a block holds three full-size arrays besides the
     * convolution's own buffers where it held five (docs/benchmarks.md, session 24).
     */
    NDArray resBlock(NDArray x, String prefix) {
        NDArray h = swishConv(groupNorm(x, prefix + "norm1"), prefix + "conv1");
        h = consumed(h, v -> swishConv(groupNormInPlace(v, prefix + "norm2"), prefix + "conv2"));
        NDArray shortcut = params.containsKey(prefix + "nin_shortcut.weight") ? conv(x, prefix + "nin_shortcut") : x;
        return Autograd.isRecording() ? shortcut.add(h) : h.addi(shortcut);
    }

    /** Swish of a norm the pass made, then convolution; outside a gradient collector the norm is freed once convolved. */
    private NDArray swishConv(NDArray normed, String conv) {
        NDArray activated = swish(normed);
        NDArray out = conv(activated, conv);
        if (!Autograd.isRecording()) {
            activated.close();
        }
        return out;
    }

    /** Single-head self-attention over all positions, scale 1/sqrt(channels), plus the input. */
    NDArray attnBlock(NDArray x, String prefix) {
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        long n = s.get(2) * s.get(3);
        NDArray h = groupNorm(x, prefix + "norm");
        NDArray q = conv(h, prefix + "q").reshape(b, c, n).transpose(0, 2, 1);
        NDArray k = conv(h, prefix + "k").reshape(b, c, n);
        NDArray v = conv(h, prefix + "v").reshape(b, c, n);
        NDArray weights = Autograd.scale(q.matMul(k), (float) (1.0 / Math.sqrt(c))).softmax(2);
        NDArray attended = v.matMul(weights.transpose(0, 2, 1)).reshape(s);
        return x.add(conv(attended, prefix + "proj_out"));
    }

    /** Pads right and bottom by one, then a 3x3 stride-2 convolution: halves the size. */
    NDArray downsample(NDArray x, String prefix) {
        String name = prefix + "conv";
        return Conv2d.conv2d(x.pad(PAD_RIGHT_BOTTOM, 0), params.get(name + ".weight"),
                params.get(name + ".bias"), STRIDE_TWO, NO_PADDING, ONE, 1).singletonOrThrow();
    }

    /** Nearest-neighbour x2, then a 3x3 convolution: doubles the size. */
    NDArray upsample(NDArray x, String prefix) {
        return conv(x.repeat(2, 2).repeat(3, 2), prefix + "conv");
    }
}
