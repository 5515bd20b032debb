package dev.arpg.core.testing;

import ai.djl.ndarray.NDManager;
import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.model.ArpgTransformer;
import dev.arpg.core.weights.StateDict;

/** The golden {@code arpg-tiny} model: its config and weights. */
public final class TinyArpg {
    private TinyArpg() {
    }

    /** @return the golden weights */
    public static StateDict weights() {
        return StateDict.read(Golden.file("arpg-tiny/state_dict.safetensors"));
    }

    /** @return the tiny config, read from the golden file's metadata */
    public static ArpgConfig config() {
        return ArpgConfig.recordedIn(weights());
    }

    /**
     * Loads the tiny model.
     *
     * @param manager parent manager
     * @return the model
     */
    public static ArpgTransformer load(NDManager manager) {
        StateDict weights = weights();
        return ArpgTransformer.load(ArpgConfig.recordedIn(weights), weights, manager);
    }
}
