package dev.arpg.core.vq;

import ai.djl.ndarray.NDManager;
import dev.arpg.core.testing.Golden;
import dev.arpg.core.weights.StateDict;

/** The golden {@code vq-tiny} tokenizer: its config (from the file's metadata) and weights. */
final class TinyVq {
    /** Image side of the tiny tokenizer (not part of the reference config). */
    static final int IMAGE_SIZE = 32;

    private TinyVq() {
    }

    static StateDict weights() {
        return StateDict.read(Golden.file("vq-tiny/state_dict.safetensors"));
    }

    static VqConfig config() {
        return VqConfig.fromReferenceJson(weights().metadata().get("config"), IMAGE_SIZE);
    }

    static VqModel load(NDManager parent) {
        return VqModel.load(config(), weights(), parent);
    }
}
