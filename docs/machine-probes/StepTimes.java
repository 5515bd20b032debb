import ai.djl.ndarray.NDManager;
import dev.arpg.api.CancellationToken;
import dev.arpg.api.SamplingSettings;
import dev.arpg.core.decode.DecodeTask;
import dev.arpg.core.decode.ParallelDecoder;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.model.ArpgTransformer;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * Where a generation's time goes by step size: random ARPG-L weights, prepared for decoding as the
 * bench prepares them; each line is one generation, with the mean ms of its steps grouped by the
 * tokens the step decodes ({@code k3: 41.2x33} = 33 steps of 3 tokens, 41.2 ms each). One token per
 * step is grouped by eighths of the generation instead ({@code s0..s7}), which shows whether a step
 * costs more as the cache grows. Run (docs/benchmarks.md, session 20) after
 * {@code mvn -q -B -DskipTests package}, with the launcher's memory settings:
 *
 * MALLOC_ARENA_MAX=1 java --add-modules jdk.incubator.vector,jdk.incubator.foreign
 *   --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmn8m -XX:MaxDirectMemorySize=64g
 *   -cp samples/target/arpg.jar docs/machine-probes/StepTimes.java 1 3 64,256
 *
 * Arguments: batch, generations per step count, step counts.
 */
public class StepTimes {
    public static void main(String[] args) {
        System.out.println(Engines.prepare());
        int batch = Integer.parseInt(args[0]);
        int generations = Integer.parseInt(args[1]);
        int[] stepCounts = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
        try (NDManager root = Engines.newRootManager();
                ArpgTransformer model = ArpgTransformer.random(ArpgConfig.ARPG_L, 0, root)) {
            model.prepareForDecoding();
            ParallelDecoder decoder = new ParallelDecoder(model);
            int[] labels = new int[batch];
            for (int steps : stepCounts) {
                for (int g = 0; g < generations; g++) {
                    TreeMap<String, double[]> groups = new TreeMap<>();
                    long[] last = {System.nanoTime()};
                    long start = last[0];
                    SamplingSettings settings = SamplingSettings.builder().steps(steps).seed(0).build();
                    decoder.decode(DecodeTask.classes(settings, labels), progress -> {
                        long now = System.nanoTime();
                        String group = steps == 256 ? "s" + progress.step() / 32 : "k" + progress.positions().length;
                        double[] sum = groups.computeIfAbsent(group, name -> new double[2]);
                        sum[0] += (now - last[0]) / 1e6;
                        sum[1]++;
                        last[0] = now;
                    }, new CancellationToken());
                    StringBuilder line = new StringBuilder(String.format("steps %d, batch %d: %.1f ms per step;",
                            steps, batch, (System.nanoTime() - start) / 1e6 / steps));
                    groups.forEach((name, sum) -> line.append(String.format(" %s: %.1fx%d", name, sum[0] / sum[1],
                            (int) sum[1])));
                    System.out.println(line);
                }
            }
        }
    }
}
