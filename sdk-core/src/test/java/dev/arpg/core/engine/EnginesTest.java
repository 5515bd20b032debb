package dev.arpg.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.ResourceScope;
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
            assertThat(preparation).startsWith("MKL takes its CPU-specific kernels on this non-Intel CPU (CPU vendor");
        } else {
            assertThat(preparation).doesNotContain("takes its CPU-specific kernels on this non-Intel CPU");
        }
    }

    @Test
    void whereMklIsSwitchedLibtorchsOpenMpThreadsSpinBeforeSleepingElsewhereTheySleepAtOnce() throws Throwable {
        String preparation = Engines.prepare();
        if (System.getenv("OMP_WAIT_POLICY") != null || System.getenv("GOMP_SPINCOUNT") != null) {
            assertThat(preparation).contains("wait as the environment says");
            return;
        }
        if (nonIntelX86Linux()) {
            assertThat(preparation).contains("GOMP_SPINCOUNT=" + Engines.SPINS + ";");
            assertThat(nativeEnvironment("GOMP_SPINCOUNT")).isEqualTo(Engines.SPINS);
            // libgomp read it: after a product on two threads, the idle one spins while we sleep
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            try (NDManager m = Engines.newRootManager()) {
                NDArray a = m.randomUniform(-1, 1, new Shape(512, 512));
                a.matMul(a).close();
                Thread.sleep(1000);
                long before = os.getProcessCpuTime();
                a.matMul(a).close();
                Thread.sleep(500);
                assertThat(os.getProcessCpuTime() - before).as("CPU ns used across a 500 ms sleep")
                        .isGreaterThan(250_000_000L);
            }
        } else if (System.getProperty("os.name").equals("Linux")) {
            assertThat(nativeEnvironment("OMP_WAIT_POLICY")).isEqualTo("PASSIVE");
        }
    }

    /** The C library's view of the environment, which libgomp reads (Java's is a copy from startup). */
    private static String nativeEnvironment(String name) throws Throwable {
        MethodHandle getenv = CLibrary.function("getenv", FunctionDescriptor.of(CLinker.C_POINTER, CLinker.C_POINTER),
                MemoryAddress.class, MemoryAddress.class);
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemoryAddress value = (MemoryAddress) getenv.invokeExact(CLinker.toCString(name, scope).address());
            return value.equals(MemoryAddress.NULL) ? null : CLinker.toJavaString(value);
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
