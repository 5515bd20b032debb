import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.engine.OneDnn;

/**
 * What padding a product's rows costs from Java: microseconds per product of a {@code [1, rows, 1024]}
 * input with a blocked {@code 256 x 1024} weight that stays in cache, 20 000 products per row count,
 * each in its own sub-manager as a request's step would; rows 2, 6 and 12 run padded to 4, 8 and 16,
 * so each pair (4, 2), (8, 6), (16, 12) shows the padding's own cost. Three passes; the first warms
 * the JIT. Run (docs/benchmarks.md, session 20) after {@code mvn -q -B -DskipTests package}:
 *
 * MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=34603008 MALLOC_TRIM_THRESHOLD_=268435456
 *   java --add-modules jdk.incubator.vector,jdk.incubator.foreign --enable-native-access=ALL-UNNAMED
 *   -XX:+UseSerialGC -Xmn8m -cp samples/target/arpg.jar docs/machine-probes/PaddedProducts.java
 */
public class PaddedProducts {
    public static void main(String[] args) {
        System.out.println(Engines.prepare());
        OneDnn oneDnn = Engines.oneDnn().orElseThrow();
        int products = 20_000;
        try (NDManager m = Engines.newRootManager()) {
            OneDnn.Blocked w = oneDnn.block(m.randomNormal(0, 0.02f, new Shape(256, 1024), DataType.FLOAT32));
            for (int pass = 0; pass < 3; pass++) {
                StringBuilder line = new StringBuilder("us per product:");
                for (int rows : new int[] {4, 2, 8, 6, 16, 12}) {
                    NDArray x = m.randomNormal(new Shape(1, rows, 1024));
                    long start = System.nanoTime();
                    for (int i = 0; i < products; i++) {
                        try (NDManager step = m.newSubManager()) {
                            step.tempAttachAll(x);
                            oneDnn.multiply(x, w);
                        }
                    }
                    line.append(String.format(" %d rows %.1f;", rows, (System.nanoTime() - start) / 1e3 / products));
                }
                System.out.println(line);
            }
        }
    }
}
