import ai.djl.ndarray.NDManager;
import dev.arpg.api.CancellationToken;
import dev.arpg.api.SamplingSettings;
import dev.arpg.core.decode.DecodeListener;
import dev.arpg.core.decode.DecodeTask;
import dev.arpg.core.decode.ParallelDecoder;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.model.ArpgTransformer;

/**
 * What a decoding step costs besides its weight products: 64-step generations of a model with
 * ARPG-L's 24 layers, 16 heads, vocabulary and token count but a width of {@code dim}. At dim 64 the
 * products are negligible and the time per step is the ~1100 small ops, the sampler and the
 * crossings into libtorch; at dim 1024 it is ARPG-L. Run (docs/benchmarks.md, session 18) after
 * {@code mvn -q -B -DskipTests package}, with the launcher's memory settings:
 *
 * MALLOC_ARENA_MAX=1 java --add-modules jdk.incubator.vector,jdk.incubator.foreign
 *   --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmn8m -XX:MaxDirectMemorySize=64g
 *   -cp samples/target/arpg.jar docs/machine-probes/StepOverhead.java 64 1 6
 *
 * Arguments: width, batch, generations (each line is one generation's ms per step).
 */
public class StepOverhead {
    public static void main(String[] args) {
        System.out.println(Engines.prepare());
        int dim = Integer.parseInt(args[0]);
        int batch = Integer.parseInt(args[1]);
        int generations = Integer.parseInt(args[2]);
        ArpgConfig config = new ArpgConfig(dim, 24, 16, 16384, 1000, 256, 10000, 1e-5, 0.1);
        try (NDManager root = Engines.newRootManager();
                ArpgTransformer model = ArpgTransformer.random(config, 0, root)) {
            ParallelDecoder decoder = new ParallelDecoder(model);
            int[] labels = new int[batch];
            for (int g = 0; g < generations; g++) {
                long start = System.nanoTime();
                decoder.decode(DecodeTask.classes(SamplingSettings.builder().steps(64).seed(0).build(), labels),
                        DecodeListener.NONE, new CancellationToken());
                System.out.printf("dim %d, batch %d: %.1f ms per step%n", dim, batch,
                        (System.nanoTime() - start) / 1e6 / 64);
            }
        }
    }
}
