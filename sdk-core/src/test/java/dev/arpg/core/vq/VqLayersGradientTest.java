package dev.arpg.core.vq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import dev.arpg.core.autograd.GarbageCollections;
import dev.arpg.core.engine.Engines;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The input gradient of {@link VqLayers#conv} in training, against the same gradient computed as a
 * forward convolution of the upstream gradient with the flipped, transposed kernel. libtorch 2.7.1
 * on the CPU gets it wrong for convolutions with few output channels (the VQ's {@code conv_out}
 * with 3 and {@code quant_conv} with 8), so the encoder and decoder would learn from wrong gradients.
 */
class VqLayersGradientTest {
    @ParameterizedTest(name = "{0} -> {1} channels, {2}x{2} kernel, {3}x{3} pixels")
    @CsvSource({"64, 3, 3, 32", "32, 8, 1, 8", "64, 8, 3, 16", "32, 16, 3, 16", "8, 32, 1, 8"})
    void inputGradientMatchesTheTransposedConvolution(int in, int out, int kernel, int size) {
        try (NDManager m = Engines.newRootManager()) {
            Engine.getInstance().setRandomSeed(7);
            NDArray w = m.randomNormal(new Shape(out, in, kernel, kernel)).mul(0.05f);
            NDArray b = m.randomNormal(new Shape(out));
            VqLayers layers = new VqLayers(Map.of("c.weight", w, "c.bias", b));
            for (int trial = 0; trial < 3; trial++) {
                NDArray x = m.randomNormal(new Shape(4, in, size, size));
                NDArray upstream = m.randomNormal(new Shape(4, out, size, size));
                x.setRequiresGradient(true);
                NDArray y;
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    y = layers.conv(x, "c");
                    collector.backward(y.mul(upstream).sum());
                }
                Shape padding = kernel == 1 ? new Shape(0, 0) : new Shape(1, 1);
                NDArray expected = Conv2d.conv2d(upstream, w.transpose(1, 0, 2, 3).flip(2, 3), null, new Shape(1, 1),
                        padding, new Shape(1, 1), 1).singletonOrThrow();
                NDArray forward = Conv2d.conv2d(x, w, b, new Shape(1, 1), padding, new Shape(1, 1), 1).singletonOrThrow();
                assertThat(y.getShape()).isEqualTo(forward.getShape());
                assertThat(y.sub(forward).abs().max().getFloat()).as("forward values").isLessThan(1e-5f);
                assertThat(x.getGradient().sub(expected).abs().max().getFloat()).as("input gradient, trial %d", trial)
                        .isLessThan(1e-4f);
            }
        }
    }

    @Test
    void weightAndBiasGradientsOfAFewChannelConvolutionAreTheDirectOnes() {
        try (NDManager m = Engines.newRootManager()) {
            Engine.getInstance().setRandomSeed(8);
            NDArray w = m.randomNormal(new Shape(3, 16, 3, 3)).mul(0.05f);
            NDArray b = m.randomNormal(new Shape(3));
            NDArray x = m.randomNormal(new Shape(2, 16, 8, 8));
            NDArray upstream = m.randomNormal(new Shape(2, 3, 8, 8));
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(new VqLayers(Map.of("c.weight", w, "c.bias", b)).conv(x, "c").mul(upstream).sum());
            }
            assertThat(w.getGradient().getShape()).isEqualTo(w.getShape());
            assertThat(b.getGradient().sub(upstream.sum(new int[] {0, 2, 3})).abs().max().getFloat()).isLessThan(1e-4f);
            // d/dw[o, i, ky, kx] = sum over batch and pixels of upstream[o] * x[i] shifted by the tap
            NDArray padded = x.pad(new Shape(1, 1, 1, 1), 0);
            float[] expected = new float[3 * 16 * 9];
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                    NDArray window = padded.get(":, :, " + ky + ":" + (ky + 8) + ", " + kx + ":" + (kx + 8));
                    float[] tap = upstream.expandDims(2).mul(window.expandDims(1)).sum(new int[] {0, 3, 4}).toFloatArray();
                    for (int o = 0; o < 3; o++) {
                        for (int i = 0; i < 16; i++) {
                            expected[(o * 16 + i) * 9 + ky * 3 + kx] = tap[o * 16 + i];
                        }
                    }
                }
            }
            float[] actual = w.getGradient().toFloatArray();
            for (int k = 0; k < expected.length; k++) {
                assertThat(actual[k]).as("weight gradient %d", k).isCloseTo(expected[k], offset(1e-3f));
            }
        }
    }

    /**
     * The attention block's gradients must not depend on when the garbage collector runs. DJL's
     * {@code mul(Number)} backs the number with a Java buffer that autograd keeps using after DJL
     * frees it, which turned one VQ training step in ~50 into gradient norms of 1e7-1e35.
     */
    @Test
    void attentionGradientsDoNotDependOnAGarbageCollectionBeforeBackward() throws InterruptedException {
        float[] undisturbed = attentionGradients(false);
        float[] collected = attentionGradients(true);
        for (int k = 0; k < undisturbed.length; k++) {
            assertThat(collected[k]).as("q.weight gradient %d", k).isCloseTo(undisturbed[k], offset(1e-5f));
        }
    }

    /** Gradient of q.weight for fixed inputs; optionally with collections between forward and backward. */
    private static float[] attentionGradients(boolean collectGarbage) throws InterruptedException {
        int c = 32;
        try (NDManager m = Engines.newRootManager()) {
            Engine.getInstance().setRandomSeed(9);
            Map<String, NDArray> params = new HashMap<>();
            params.put("a.norm.weight", m.ones(new Shape(c, 1, 1)));
            params.put("a.norm.bias", m.zeros(new Shape(c, 1, 1)));
            for (String conv : new String[] {"q", "k", "v", "proj_out"}) {
                params.put("a." + conv + ".weight", m.randomNormal(new Shape(c, c, 1, 1)).mul(0.2f));
                params.put("a." + conv + ".bias", m.randomNormal(new Shape(c)).mul(0.1f));
            }
            params.values().forEach(p -> p.setRequiresGradient(true));
            NDArray x = m.randomNormal(new Shape(2, c, 4, 4));
            NDArray upstream = m.randomNormal(new Shape(2, c, 4, 4));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = new VqLayers(params).attnBlock(x, "a.");
                if (collectGarbage) {
                    GarbageCollections.collect();
                }
                collector.backward(y.mul(upstream).sum());
            }
            return params.get("a.q.weight").getGradient().toFloatArray();
        }
    }
}
