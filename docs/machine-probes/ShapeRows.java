import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.engine.OneDnn;

/**
 * What oneDNN's blocked products cost from Java for each of ARPG-L's decoding matrix shapes and row
 * counts: ms per million weights, best of 7 passes over 12 matrices of the shape (3 for the head),
 * so that the weights stream from memory as in decoding. The first shape is measured twice and its
 * first line not printed: whichever shape came first read up to 2x slow at 4-8 rows. Row counts that are not a bucket of
 * {@code OneDnn} (12 here) run padded, so their column shows the padding too. Run (docs/benchmarks.md,
 * session 20) after {@code mvn -q -B -DskipTests package}:
 *
 * MALLOC_ARENA_MAX=1 java --add-modules jdk.incubator.vector,jdk.incubator.foreign
 *   --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmn8m -XX:MaxDirectMemorySize=64g
 *   -cp samples/target/arpg.jar docs/machine-probes/ShapeRows.java
 */
public class ShapeRows {
    public static void main(String[] args) {
        System.out.println(Engines.prepare());
        OneDnn oneDnn = Engines.oneDnn().orElseThrow();
        long[][] shapes = {{3072, 1024}, {1024, 1024}, {5632, 1024}, {1024, 2816}, {2048, 1024}, {16384, 1024}};
        int[] rowCounts = {4, 8, 12, 16, 24, 32};
        try (NDManager m = Engines.newRootManager()) {
            StringBuilder header = new StringBuilder("out x in    ");
            for (int rows : rowCounts) {
                header.append(String.format("%8d", rows));
            }
            System.out.println(header);
            for (int s = -1; s < shapes.length; s++) {
                long[] shape = shapes[Math.max(s, 0)];
                int copies = shape[0] == 16384 ? 3 : 12;
                OneDnn.Blocked[] weights = new OneDnn.Blocked[copies];
                for (int i = 0; i < copies; i++) {
                    weights[i] = oneDnn.block(m.randomNormal(0, 0.02f, new Shape(shape), DataType.FLOAT32));
                }
                StringBuilder line = new StringBuilder(String.format("%5dx%-6d", shape[0], shape[1]));
                for (int rows : rowCounts) {
                    NDArray x = m.randomNormal(new Shape(rows, shape[1]));
                    double best = Double.MAX_VALUE;
                    for (int pass = 0; pass < 7; pass++) {
                        long start = System.nanoTime();
                        for (OneDnn.Blocked w : weights) {
                            oneDnn.multiply(x, w).close();
                        }
                        best = Math.min(best, (System.nanoTime() - start) / 1e6 / copies / (shape[0] * shape[1] / 1e6));
                    }
                    line.append(String.format("%8.3f", best));
                }
                if (s >= 0) {
                    System.out.println(line);
                }
            }
        }
    }
}
