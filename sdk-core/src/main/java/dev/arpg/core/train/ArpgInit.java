package dev.arpg.core.train;

import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.weights.HostTensor;
import dev.arpg.core.weights.StateDict;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The reference initialisation of a new ARPG model (ARPG-SPEC section 5): linear and embedding
 * weights N(0, 0.02), RMSNorm gains one, the output head zero. Drawn in Java from the seed, so equal
 * seeds give equal weights on any engine.
 */
public final class ArpgInit {
    private ArpgInit() {
    }

    /**
     * Draws the weights.
     *
     * @param config the model sizes
     * @param seed the seed
     * @return the weights as a state dict, with the config in its metadata
     */
    public static StateDict reference(ArpgConfig config, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        config.parameterShapes().forEach((name, shape) -> {
            long count = 1;
            for (long d : shape) {
                count *= d;
            }
            float[] v = new float[Math.toIntExact(count)];
            if (shape.length == 1) {
                java.util.Arrays.fill(v, 1f);
            } else if (!name.equals("head.weight")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (0.02 * random.nextGaussian());
                }
            }
            tensors.put(name, HostTensor.ofFloats(shape, v));
        });
        return StateDict.inMemory("new ARPG model (seed " + seed + ")", tensors, Map.of("config", toReferenceJson(config)));
    }

    /**
     * The config as the reference's JSON (readable by {@link ArpgConfig#fromReferenceJson}).
     *
     * @param c the config
     * @return the JSON text
     */
    public static String toReferenceJson(ArpgConfig c) {
        return String.format(java.util.Locale.ROOT,
                "{\"dim\": %d, \"n_layer\": %d, \"n_head\": %d, \"vocab_size\": %d, \"num_classes\": %d, "
                        + "\"block_size\": %d, \"rope_base\": %s, \"norm_eps\": %s, \"class_dropout_prob\": %s}",
                c.dim(), c.layers(), c.heads(), c.vocabSize(), c.numClasses(), c.blockSize(), c.ropeBase(),
                c.normEps(), c.classDropoutProb());
    }
}
