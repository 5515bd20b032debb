package dev.arpg.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EnginesTest {
    private static boolean nonIntelX86Linux() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        return System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64")
                && Files.exists(cpuinfo) && Files.readString(cpuinfo).contains("vendor_id")
                && !Files.readString(cpuinfo).contains("GenuineIntel");
    }

    @Test
    void onANonIntelCpuMklIsLetUseTheCpusOwnKernelsAndOnIntelLeftAlone() throws IOException {
        String preparation = Engines.prepare();
        assertThat(Engines.prepare()).isSameAs(preparation);
        if (nonIntelX86Linux()) {
            // the tests run with --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED
            assertThat(preparation).startsWith("MKL takes its CPU-specific kernels");
        } else {
            assertThat(preparation).doesNotContain("takes its CPU-specific kernels on this non-Intel CPU");
        }
    }

    @Test
    void productsOnThePreparedEngineEqualThoseSummedInJava() {
        try (NDManager m = Engines.newRootManager()) {
            int rows = 96;
            int inner = 300;
            int cols = 130;
            NDArray a = m.randomUniform(-1, 1, new Shape(rows, inner));
            NDArray b = m.randomUniform(-1, 1, new Shape(inner, cols));
            float[] product = a.matMul(b).toFloatArray();
            float[] x = a.toFloatArray();
            float[] y = b.toFloatArray();
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    double sum = 0;
                    for (int k = 0; k < inner; k++) {
                        sum += (double) x[i * inner + k] * y[k * cols + j];
                    }
                    assertThat((double) product[i * cols + j]).as("[%d, %d]", i, j).isCloseTo(sum,
                            offset(1e-4));
                }
            }
        }
    }
}
