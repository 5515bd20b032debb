package dev.arpg.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arpg.api.ArpgException;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.weights.HostTensor;
import dev.arpg.core.weights.SafetensorsWriter;
import dev.arpg.core.weights.StateDict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A resumable training state in one safetensors file: the parameters under their own names (so the
 * file also loads as model weights), AdamW moments under {@code adamw.m.} / {@code adamw.v.}, the
 * moving average under {@code ema.}, and the step in the metadata.
 */
public final class TrainingCheckpoint {
    private static final String STEP = "training_step";

    private TrainingCheckpoint() {
    }

    /**
     * Writes the state (atomically: a crash leaves the previous checkpoint intact).
     *
     * @param file target file
     * @param step steps done
     * @param params parameters
     * @param optimizer the optimizer
     * @param ema the moving average, or null
     * @param metadata extra metadata (e.g. the model config)
     */
    public static void write(Path file, long step, Map<String, NDArray> params, AdamW optimizer, Ema ema,
            Map<String, String> metadata) {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        params.forEach((name, p) -> tensors.put(name, host(p)));
        optimizer.moments().forEach((name, mv) -> {
            tensors.put("adamw.m." + name, host(mv[0]));
            tensors.put("adamw.v." + name, host(mv[1]));
        });
        if (ema != null) {
            ema.averages().forEach((name, a) -> tensors.put("ema." + name, host(a)));
        }
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put(STEP, Long.toString(step));
        meta.put("adamw_steps", Long.toString(optimizer.steps()));
        SafetensorsWriter.write(file, tensors, meta);
    }

    /**
     * Restores a state written by {@link #write}, if the file exists.
     *
     * @param file the checkpoint
     * @param params parameters to overwrite in place
     * @param optimizer optimizer to restore
     * @param ema moving average to restore, or null
     * @return steps done, or 0 when there is no checkpoint
     */
    public static long resume(Path file, Map<String, NDArray> params, AdamW optimizer, Ema ema) {
        if (file == null || !Files.isRegularFile(file)) {
            return 0;
        }
        StateDict state = StateDict.read(file);
        try (NDManager scratch = Engines.newRootManager()) {
            params.forEach((name, p) -> overwrite(name, p, state.get(name).toFloatArray()));
            Map<String, NDArray[]> moments = new LinkedHashMap<>();
            for (String name : params.keySet()) {
                if (state.contains("adamw.m." + name)) {
                    moments.put(name, new NDArray[] {state.get("adamw.m." + name).toNDArray(scratch),
                        state.get("adamw.v." + name).toNDArray(scratch)});
                }
            }
            optimizer.restore(Long.parseLong(state.metadata().getOrDefault("adamw_steps", "0")), moments);
            if (ema != null) {
                ema.averages().forEach((name, a) -> a.set(state.get("ema." + name).toFloatArray()));
            }
        }
        return Long.parseLong(state.metadata().get(STEP));
    }

    /**
     * Writes the values into the parameter's own memory. ({@code NDArray.set} would give the
     * parameter new memory, and a parameter that is a view of stacked storage, such as the
     * transformer's fused projections, would then no longer be part of what the model multiplies.)
     */
    private static void overwrite(String name, NDArray parameter, float[] values) {
        if (values.length != parameter.size()) {
            throw new ArpgException("checkpoint: " + name + " holds " + values.length + " values, the model's "
                    + parameter.getShape() + " needs " + parameter.size());
        }
        InPlaceFloats.of(parameter, "parameter " + name).put(0, values);
    }

    private static HostTensor host(NDArray a) {
        return HostTensor.ofFloats(a.getShape().getShape(), a.toFloatArray());
    }
}
