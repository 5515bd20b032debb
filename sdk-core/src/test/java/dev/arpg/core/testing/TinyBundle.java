package dev.arpg.core.testing;

import dev.arpg.core.bundle.ModelBundle;
import dev.arpg.core.control.ControlEncoderConfig;
import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.vq.VqConfig;
import dev.arpg.core.weights.HostTensor;
import dev.arpg.core.weights.SafetensorsWriter;
import dev.arpg.core.weights.StateDict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A model bundle made of the golden tiny models (8x8 tokens of 64, 32 px images) plus a control
 * encoder for the test condition {@code luma} with random (non-zero) weights.
 */
public final class TinyBundle {
    /** The control encoder sizes of the test bundle. */
    public static final ControlEncoderConfig LUMA = new ControlEncoderConfig(1, 8, 1, 4, 64);

    private TinyBundle() {
    }

    /**
     * Standard-normal weights for every shape: a stand-in for trained weights (a control encoder
     * whose projection is not zero).
     *
     * @param shapes parameter name to shape
     * @param seed the seed
     * @return name to tensor
     */
    public static Map<String, HostTensor> gaussian(Map<String, long[]> shapes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> {
            long count = 1;
            for (long d : shape) {
                count *= d;
            }
            float[] v = new float[(int) count];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) random.nextGaussian();
            }
            tensors.put(name, HostTensor.ofFloats(shape, v));
        });
        return tensors;
    }

    /**
     * Writes the bundle.
     *
     * @param dir an empty directory
     * @return the bundle as read back from disk
     */
    public static ModelBundle create(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.copy(Golden.file("arpg-tiny/state_dict.safetensors"), dir.resolve("arpg.safetensors"));
            Files.copy(Golden.file("vq-tiny/state_dict.safetensors"), dir.resolve("vq.safetensors"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SafetensorsWriter.write(dir.resolve("control-luma.safetensors"), gaussian(LUMA.parameterShapes(), 3), Map.of());
        StateDict vq = StateDict.read(dir.resolve("vq.safetensors"));
        ModelBundle bundle = new ModelBundle("tiny", dir,
                new ModelBundle.Part<>(ArpgConfig.recordedIn(StateDict.read(dir.resolve("arpg.safetensors"))),
                        "arpg.safetensors"),
                new ModelBundle.Part<>(VqConfig.fromReferenceJson(vq.metadata().get("config"), 32), "vq.safetensors"),
                Map.of("luma", new ModelBundle.Control(LUMA, "control-luma.safetensors", Map.of("invert", "false"))),
                List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"),
                new ModelBundle.Sampling(8, 3.0, "linear", null, null, null, null, null));
        bundle.writeDescriptor();
        return ModelBundle.read(dir);
    }
}
