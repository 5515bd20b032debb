import ai.djl.ndarray.NDManager;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.vq.VqConfig;
import dev.arpg.core.vq.VqTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The resident set while a VQ-16 tokenizer decodes one 256 px image three times (VmHWM and VmRSS
 * after loading and after each decode, and each decode's time): what VQ decoding adds to a
 * generation's peak (docs/benchmarks.md, session 22). The weights come from a file
 * ({@code RandomWeightsFile.java}'s second argument). Run after {@code mvn -q -B -DskipTests package},
 * with the launcher's settings:
 *
 * MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=34603008 MALLOC_TRIM_THRESHOLD_=536870912
 *   java --add-modules jdk.incubator.vector,jdk.incubator.foreign --enable-native-access=ALL-UNNAMED
 *   -XX:+UseSerialGC -Xmn8m -cp samples/target/arpg.jar docs/machine-probes/VqDecodePeak.java /tmp/vq16.safetensors
 *
 * (The source launcher compiles this file in the same JVM first, which adds ~30 MB to every line.)
 */
public class VqDecodePeak {
    public static void main(String[] args) throws Exception {
        Engines.prepare();
        try (NDManager root = Engines.newRootManager();
                VqTokenizer vq = VqTokenizer.load(VqConfig.VQ_16, Path.of(args[0]), root)) {
            System.out.println("loaded:" + memory());
            int[][] tokens = new int[1][256];
            for (int i = 0; i < 256; i++) {
                tokens[0][i] = i * 7919 % 16384;
            }
            for (int round = 1; round <= 3; round++) {
                long start = System.nanoTime();
                vq.decode(tokens);
                System.out.printf("decode %d: %d ms;%s%n", round, (System.nanoTime() - start) / 1_000_000, memory());
            }
        }
    }

    private static String memory() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("VmHWM") || line.startsWith("VmRSS"))
                .map(line -> line.replaceAll("\\s+", " ")).reduce("", (a, b) -> a + " " + b);
    }
}
