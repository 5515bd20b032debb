package dev.arpg.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Exponential moving average of parameters: {@code avg = decay * avg + (1 - decay) * param}. */
public final class Ema implements AutoCloseable {
    private final double decay;
    private final NDManager manager;
    private final Map<String, NDArray> averages = new LinkedHashMap<>();

    /**
     * Starts the average at the current parameters.
     *
     * @param params parameters to follow
     * @param decay decay per step, in [0, 1)
     * @param parent manager under which the averages live
     */
    public Ema(Map<String, NDArray> params, double decay, NDManager parent) {
        this.decay = decay;
        this.manager = parent.newSubManager();
        params.forEach((name, p) -> {
            NDArray copy = p.duplicate();
            copy.attach(manager);
            averages.put(name, copy);
        });
    }

    /**
     * Moves the averages towards the parameters.
     *
     * @param params the current parameters
     */
    public void update(Map<String, NDArray> params) {
        params.forEach((name, p) -> {
            try (NDArray step = p.mul((float) (1 - decay))) {
                averages.get(name).muli((float) decay).addi(step);
            }
        });
    }

    /** @return the averages by name */
    public Map<String, NDArray> averages() {
        return Collections.unmodifiableMap(averages);
    }

    @Override
    public void close() {
        manager.close();
    }
}
