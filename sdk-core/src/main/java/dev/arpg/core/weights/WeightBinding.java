package dev.arpg.core.weights;

import dev.arpg.api.ModelLoadException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Checks a state dict against the names and shapes a model expects before anything is loaded.
 * Every missing key and every shape or type mismatch (a parameter stored as integers or booleans)
 * is reported at once, by name. Keys the model does not
 * use (buffers such as {@code freqs_cis} or {@code quantize.codebook_used}) are allowed and
 * returned, so the caller can report them; a file sharing no key with the model is an error.
 */
public final class WeightBinding {
    private static final System.Logger LOG = System.getLogger(WeightBinding.class.getName());

    private WeightBinding() {
    }

    /**
     * Checks the weights.
     *
     * @param model the model's name, used in messages
     * @param expected parameter name to shape, as the model defines them
     * @param weights the state dict to load
     * @return the keys of the state dict the model does not use
     * @throws ModelLoadException listing the missing keys and shape and type mismatches
     */
    public static List<String> check(String model, Map<String, long[]> expected, StateDict weights) {
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            if (!weights.contains(e.getKey())) {
                missing.add(e.getKey());
                continue;
            }
            HostTensor tensor = weights.get(e.getKey());
            long[] actual = tensor.shape();
            if (!Arrays.equals(actual, e.getValue())) {
                mismatched.add(e.getKey() + " (file " + Arrays.toString(actual) + ", model "
                        + Arrays.toString(e.getValue()) + ")");
            } else if (!tensor.type().isFloatingPoint()) {
                mismatched.add(e.getKey() + " (file " + tensor.type() + ", model a floating-point type)");
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String name : weights.names()) {
            if (!expected.containsKey(name)) {
                unexpected.add(name);
            }
        }
        if (missing.size() == expected.size()) {
            throw new ModelLoadException(weights.source() + " shares no parameter with " + model
                    + ": is it a checkpoint of another model? Its first keys: "
                    + weights.names().stream().limit(5).toList());
        }
        if (!missing.isEmpty() || !mismatched.isEmpty()) {
            StringBuilder msg = new StringBuilder(weights.source() + " does not match " + model + ":");
            if (!missing.isEmpty()) {
                msg.append("\n  missing keys (").append(missing.size()).append("): ").append(missing);
            }
            if (!mismatched.isEmpty()) {
                msg.append("\n  shape or type mismatches (").append(mismatched.size()).append("): ").append(mismatched);
            }
            if (!unexpected.isEmpty()) {
                msg.append("\n  unexpected keys (").append(unexpected.size()).append("): ").append(unexpected);
            }
            throw new ModelLoadException(msg.toString());
        }
        if (!unexpected.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "{0}: ignoring {1} keys not used by {2}: {3}",
                    weights.source(), unexpected.size(), model, unexpected);
        }
        return unexpected;
    }
}
