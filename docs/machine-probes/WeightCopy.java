import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * How fast the JVM streams ARPG-L's 1220 MB of weights out of native memory: each thread copies
 * its half, a block of rows at a time, into a small heap array, which is how `FewRowProduct`
 * reads the weights in a decoding step. The lower bound of a batch-1 step's products. Run
 * (docs/benchmarks.md, session 13):
 * java -XX:MaxDirectMemorySize=2g docs/machine-probes/WeightCopy.java
 */
public class WeightCopy {
    private static final int IN = 1024;

    public static void main(String[] args) throws InterruptedException {
        long bytes = 1220L << 20;
        int floats = (int) (bytes / 4);
        FloatBuffer weights = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < floats; i += 1024) {
            weights.put(i, i);
        }
        int threads = Runtime.getRuntime().availableProcessors();
        for (int rows : new int[] {3, 24, 48}) {
            double best = Double.MAX_VALUE;
            for (int repeat = 0; repeat < 8; repeat++) {
                best = Math.min(best, seconds(weights, floats, threads, rows * IN));
            }
            System.out.printf("%d threads, blocks of %d rows: %.1f ms, %.1f GB/s%n", threads, rows, best * 1e3,
                    bytes / best / 1e9);
        }
    }

    private static double seconds(FloatBuffer weights, int floats, int threads, int block)
            throws InterruptedException {
        Thread[] workers = new Thread[threads];
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int from = (int) ((long) floats * t / threads);
            int to = (int) ((long) floats * (t + 1) / threads);
            workers[t] = new Thread(() -> {
                float[] heap = new float[block];
                float sum = 0;
                for (int i = from; i + block <= to; i += block) {
                    weights.get(i, heap, 0, block);
                    sum += heap[7];
                }
                if (sum == 1) {
                    System.out.println("(never printed; keeps the copies live)");
                }
            });
            workers[t].start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
