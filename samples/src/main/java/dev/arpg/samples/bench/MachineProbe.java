package dev.arpg.samples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the machine itself can do, measured in the same process as the generator: float32 matmul
 * throughput through DJL, resident memory and thread counts.
 */
final class MachineProbe {
    private static final int M = 1024;
    private static final int K = 1024;
    private static final int N = 4096;

    private MachineProbe() {
    }

    /**
     * Float32 matmul throughput: {@code [1024, 1024] @ [1024, 4096]}, best of {@code repeats}.
     *
     * @param manager parent manager
     * @param repeats timed products (one untimed warm-up comes first)
     * @return GFLOP/s of the fastest product
     */
    static double matmulGflops(NDManager manager, int repeats) {
        try (NDManager m = manager.newSubManager()) {
            NDArray a = m.randomUniform(-1f, 1f, new Shape(M, K), DataType.FLOAT32);
            NDArray b = m.randomUniform(-1f, 1f, new Shape(K, N), DataType.FLOAT32);
            a.matMul(b).close();
            long best = Long.MAX_VALUE;
            for (int i = 0; i < repeats; i++) {
                long start = System.nanoTime();
                NDArray c = a.matMul(b);
                best = Math.min(best, System.nanoTime() - start);
                c.close();
            }
            return 2.0 * M * K * N / best;
        }
    }

    /** @return the process's peak resident set (VmHWM) in bytes, or -1 where /proc is missing */
    static long peakRssBytes() {
        return statusKilobytes("VmHWM:") * 1024;
    }

    /** @return the process's current resident set (VmRSS) in bytes, or -1 where /proc is missing */
    static long rssBytes() {
        return statusKilobytes("VmRSS:") * 1024;
    }

    private static long statusKilobytes(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** @return PyTorch's intra-op threads */
    static int intraOpThreads() {
        return JniUtils.getNumThreads();
    }
}
