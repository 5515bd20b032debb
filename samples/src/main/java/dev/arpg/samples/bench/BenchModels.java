package dev.arpg.samples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.model.ArpgTransformer;
import dev.arpg.core.weights.StateDict;
import java.nio.file.Path;

/** The models {@code arpg bench} knows by name. */
final class BenchModels {
    /** Where the golden files live unless {@code -Darpg.golden.dir} says otherwise. */
    private static final String DEFAULT_GOLDEN_DIR = "../shared/golden";

    private BenchModels() {
    }

    /**
     * Loads a model.
     *
     * @param name {@code tiny} (the golden arpg-tiny weights), {@code arpg-l} (random weights of
     *     ARPG-L size), or a weight file recording its config
     * @param preset sizes for a weight file that records none; may be null
     * @param seed seed of random weights
     * @param parent parent manager
     * @return the model
     */
    static ArpgTransformer load(String name, String preset, long seed, NDManager parent) {
        if (name.equalsIgnoreCase("arpg-l")) {
            return ArpgTransformer.random(ArpgConfig.ARPG_L, seed, parent);
        }
        Path file = name.equalsIgnoreCase("tiny")
                ? Path.of(System.getProperty("arpg.golden.dir", DEFAULT_GOLDEN_DIR), "arpg-tiny",
                        "state_dict.safetensors")
                : Path.of(name);
        StateDict weights = StateDict.read(file);
        ArpgConfig config = preset != null ? ArpgConfig.preset(preset) : ArpgConfig.recordedIn(weights);
        return ArpgTransformer.load(config, weights, parent);
    }

    /** @return bytes of the model's named parameters */
    static long weightBytes(ArpgTransformer model) {
        long bytes = 0;
        for (NDArray p : model.parameters().values()) {
            bytes += p.size() * p.getDataType().getNumOfBytes();
        }
        return bytes;
    }
}
