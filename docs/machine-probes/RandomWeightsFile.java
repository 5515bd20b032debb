import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.model.ArpgTransformer;
import dev.arpg.core.vq.VqConfig;
import dev.arpg.core.vq.VqModel;
import dev.arpg.core.weights.HostTensor;
import dev.arpg.core.weights.SafetensorsWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the bench's random ARPG-L weights (seed 0) to a safetensors file, so that loading a model
 * from a file can be measured like the bench's {@code arpg-l} (docs/benchmarks.md, session 22):
 * {@code ./arpg bench --model FILE --preset arpg-l}; with a second file, also a VQ-16 tokenizer with
 * its initial weights, for {@code ./arpg generate --arpg-ckpt FILE --preset ARPG-L --vq-ckpt FILE2}.
 * Run after {@code mvn -q -B -DskipTests package}:
 *
 * java -Xmx6g -cp samples/target/arpg.jar docs/machine-probes/RandomWeightsFile.java /tmp/arpgl.safetensors /tmp/vq16.safetensors
 *
 * (docs/machine-probes/safetensors_to_pt.py turns the file into a torch.save checkpoint.)
 */
public class RandomWeightsFile {
    public static void main(String[] args) {
        try (NDManager root = Engines.newRootManager();
                ArpgTransformer model = ArpgTransformer.random(ArpgConfig.ARPG_L, 0, root)) {
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
                tensors.put(e.getKey(), HostTensor.ofFloats(e.getValue().getShape().getShape(), e.getValue().toFloatArray()));
            }
            SafetensorsWriter.write(Path.of(args[0]), tensors, Map.of());
        }
        if (args.length > 1) {
            try (NDManager root = Engines.newRootManager(); VqModel vq = VqModel.initialized(VqConfig.VQ_16, 0, root)) {
                SafetensorsWriter.write(Path.of(args[1]), vq.stateDict(), Map.of());
            }
        }
    }
}
