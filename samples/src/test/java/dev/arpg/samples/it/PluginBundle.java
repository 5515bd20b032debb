package dev.arpg.samples.it;

import static org.junit.jupiter.api.Assertions.fail;

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
 * A model bundle of the golden tiny models (8x8 tokens, 32 px images) with a random control encoder
 * for each plugin condition: {@code canny} (1 channel), {@code depth} (1) and {@code color} (3).
 * The golden folder comes from the system property {@code arpg.golden.dir} (set by the build); a
 * missing folder fails the test.
 */
final class PluginBundle {
    /** Input channels per condition name. */
    static final Map<String, Integer> CHANNELS = Map.of("canny", 1, "depth", 1, "color", 3);

    private PluginBundle() {
    }

    static Path golden(String relative) {
        String dir = System.getProperty("arpg.golden.dir");
        if (dir == null || dir.isBlank()) {
            fail("system property arpg.golden.dir is not set; run the tests through Maven");
        }
        Path file = Path.of(dir).resolve(relative);
        if (!Files.isRegularFile(file)) {
            fail("golden file " + file.toAbsolutePath() + " does not exist");
        }
        return file;
    }

    static ModelBundle create(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.copy(golden("arpg-tiny/state_dict.safetensors"), dir.resolve("arpg.safetensors"));
            Files.copy(golden("vq-tiny/state_dict.safetensors"), dir.resolve("vq.safetensors"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SplittableRandom random = new SplittableRandom(5);
        Map<String, ModelBundle.Control> controls = new LinkedHashMap<>();
        CHANNELS.forEach((name, channels) -> {
            ControlEncoderConfig config = new ControlEncoderConfig(channels, 8, 1, 4, 64);
            Map<String, HostTensor> weights = new LinkedHashMap<>();
            config.parameterShapes().forEach((key, shape) -> {
                long count = 1;
                for (long d : shape) {
                    count *= d;
                }
                float[] v = new float[(int) count];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) random.nextGaussian();
                }
                weights.put(key, HostTensor.ofFloats(shape, v));
            });
            String file = "control-" + name + ".safetensors";
            SafetensorsWriter.write(dir.resolve(file), weights, Map.of());
            controls.put(name, new ModelBundle.Control(config, file, Map.of()));
        });
        StateDict vq = StateDict.read(dir.resolve("vq.safetensors"));
        ModelBundle bundle = new ModelBundle("tiny-plugins", dir,
                new ModelBundle.Part<>(ArpgConfig.recordedIn(StateDict.read(dir.resolve("arpg.safetensors"))),
                        "arpg.safetensors"),
                new ModelBundle.Part<>(VqConfig.fromReferenceJson(vq.metadata().get("config"), 32), "vq.safetensors"),
                controls, List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"),
                new ModelBundle.Sampling(8, 3.0, "linear", null, null, null, null, null));
        bundle.writeDescriptor();
        return ModelBundle.read(dir);
    }
}
