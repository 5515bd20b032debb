import ai.djl.ndarray.NDManager;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.model.ArpgTransformer;
import dev.arpg.core.weights.StateDict;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads an ARPG-L weight file three times in one process, closing each model before the next, and
 * prints each load's time and the process's resident set (VmHWM, VmRSS) while it is open: whether a
 * load holds the weights twice, and whether a closed model's memory comes back (docs/benchmarks.md,
 * session 22). Run after {@code mvn -q -B -DskipTests package}, with the launcher's settings:
 *
 * MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=34603008 MALLOC_TRIM_THRESHOLD_=536870912
 *   java --add-modules jdk.incubator.vector,jdk.incubator.foreign --enable-native-access=ALL-UNNAMED
 *   -XX:+UseSerialGC -Xmn8m -cp samples/target/arpg.jar
 *   docs/machine-probes/RepeatedLoads.java /tmp/arpgl.safetensors
 *
 * (The source launcher compiles this file in the same JVM first, which adds ~30 MB to every line.)
 */
public class RepeatedLoads {
    public static void main(String[] args) throws Exception {
        Engines.prepare();
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            try (NDManager root = Engines.newRootManager();
                    ArpgTransformer model = ArpgTransformer.load(ArpgConfig.ARPG_L, StateDict.read(Path.of(args[0])), root)) {
                long loaded = System.nanoTime();
                String memory = Files.readAllLines(Path.of("/proc/self/status")).stream()
                        .filter(line -> line.startsWith("VmHWM") || line.startsWith("VmRSS"))
                        .map(line -> line.replaceAll("\\s+", " ")).reduce("", (a, b) -> a + " " + b);
                System.out.printf("load %d: %d ms;%s%n", i + 1, (loaded - start) / 1_000_000, memory);
            }
        }
    }
}
