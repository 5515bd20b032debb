import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 multiply-add peak the JVM reaches on this machine through the Java Vector API:
 * twelve independent chains of vector FMAs on registers, one chain set per thread, no memory
 * traffic. Compare with `arpg bench`'s matmul probe (libtorch's GEMM) to see how much of the
 * hardware the engine's BLAS uses. Run (docs/benchmarks.md, session 13):
 * java --add-modules jdk.incubator.vector docs/machine-probes/FmaPeak.java
 */
public class FmaPeak {
    private static final VectorSpecies<Float> LANES = FloatVector.SPECIES_PREFERRED;
    private static final int CHAINS = 12;

    public static void main(String[] args) throws InterruptedException {
        System.out.println("vector lanes: " + LANES.length());
        int cores = Runtime.getRuntime().availableProcessors();
        for (int threads = 1; threads <= cores; threads++) {
            double best = 0;
            for (int repeat = 0; repeat < 8; repeat++) {
                best = Math.max(best, gflops(threads, 20_000_000L));
            }
            System.out.printf("%d thread(s): %.1f GFLOP/s%n", threads, best);
        }
    }

    private static double gflops(int threads, long iterations) throws InterruptedException {
        Thread[] workers = new Thread[threads];
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                if (chains(iterations, 1f) == 12345f) {
                    System.out.println("(never printed; keeps the result live)");
                }
            });
            workers[t].start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return threads * iterations * CHAINS * LANES.length() * 2.0 / seconds / 1e9;
    }

    private static float chains(long iterations, float seed) {
        FloatVector m = FloatVector.broadcast(LANES, 0.9999f);
        FloatVector c = FloatVector.broadcast(LANES, 1e-4f);
        FloatVector a0 = FloatVector.broadcast(LANES, seed);
        FloatVector a1 = a0.add(1);
        FloatVector a2 = a0.add(2);
        FloatVector a3 = a0.add(3);
        FloatVector a4 = a0.add(4);
        FloatVector a5 = a0.add(5);
        FloatVector a6 = a0.add(6);
        FloatVector a7 = a0.add(7);
        FloatVector a8 = a0.add(8);
        FloatVector a9 = a0.add(9);
        FloatVector a10 = a0.add(10);
        FloatVector a11 = a0.add(11);
        for (long i = 0; i < iterations; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }
}
