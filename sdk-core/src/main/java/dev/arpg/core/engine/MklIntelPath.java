package dev.arpg.core.engine;

import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;

/**
 * Makes the oneMKL inside libtorch take its CPU-specific (AVX-512, AVX2) kernels on a non-Intel
 * x86-64 CPU, where it otherwise runs a generic path at well under half the CPU's speed: its vendor
 * check {@code mkl_serv_intel_cpu_true}, a function that returns a flag read from memory, is made
 * to return 1. MKL still picks the kernels from the CPU's own feature bits. This is the widely used
 * "fake Intel" workaround, done in the process instead of with {@code LD_PRELOAD}: on the
 * benchmark's AMD EPYC (Zen 5) libtorch's float32 matmul went from 164 to 402 GFLOP/s
 * (docs/benchmarks.md, session 15).
 *
 * <p>Uses the incubating foreign API of JDK 17 ({@code jdk.incubator.foreign}): touch this class only
 * when {@link Engines} has found the module. The patch is an aligned 8-byte store of {@code mov eax, 1;
 * ret} over the function's first instruction, made only when that instruction is the expected
 * {@code mov eax, [rip + offset]}, and only before libtorch's first product (MKL keeps the kernels it
 * chose then).
 */
final class MklIntelPath {
    private static final String VENDOR_CHECK = "mkl_serv_intel_cpu_true";
    private static final int PROT_READ_EXEC = 1 | 4;
    private static final int PROT_READ_WRITE_EXEC = 1 | 2 | 4;
    private static final long PAGE = 4096;
    /** {@code mov eax, 1; ret}, little-endian, in the low six bytes. */
    private static final long RETURN_ONE = 0x0000_C300_0000_01B8L;
    private static final long LOW_SIX_BYTES = 0x0000_FFFF_FFFF_FFFFL;
    /** What {@link #apply} returns when it switched MKL. */
    static final String SWITCHED = "MKL takes its CPU-specific kernels on this non-Intel CPU";

    private MklIntelPath() {
    }

    /**
     * Applies the patch to the libtorch already loaded in this process.
     *
     * @return what was done, for the log
     * @throws IllegalCallerException if the JVM was started without
     *     {@code --enable-native-access=ALL-UNNAMED} (or the SDK's module)
     */
    static String apply() {
        Optional<Path> library = CLibrary.mappedLibtorch();
        if (library.isEmpty()) {
            return "libtorch_cpu.so is not mapped in this process; MKL left as it is";
        }
        Optional<MemoryAddress> check = CLibrary.exported(library.get(), VENDOR_CHECK);
        if (check.isEmpty()) {
            return "this libtorch has no " + VENDOR_CHECK + "; MKL left as it is";
        }
        try {
            return patch(check.get());
        } catch (IllegalCallerException | IllegalStateException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("calling the C library failed", e);
        }
    }

    private static String patch(MemoryAddress check) throws Throwable {
        long address = check.toRawLongValue();
        if (address % Long.BYTES != 0) {
            return VENDOR_CHECK + " is not 8-byte aligned; MKL left as it is";
        }
        MemorySegment code = check.asSegment(Long.BYTES, ResourceScope.globalScope());
        long before = MemoryAccess.getLong(code);
        if ((before & LOW_SIX_BYTES) == RETURN_ONE) {
            return SWITCHED + " (switched before)";
        }
        if ((before & 0xFFFF) != 0x058B) {
            return VENDOR_CHECK + " does not start with the expected instruction; MKL left as it is";
        }
        MethodHandle mprotect = CLibrary.function("mprotect", FunctionDescriptor.of(CLinker.C_INT, CLinker.C_POINTER,
                CLinker.C_LONG, CLinker.C_INT), int.class, MemoryAddress.class, long.class, int.class);
        MemoryAddress page = MemoryAddress.ofLong(address & -PAGE);
        if ((int) mprotect.invokeExact(page, PAGE, PROT_READ_WRITE_EXEC) != 0) {
            return "the code page of " + VENDOR_CHECK + " cannot be made writable; MKL left as it is";
        }
        try {
            MemoryAccess.setLong(code, (before & ~LOW_SIX_BYTES) | RETURN_ONE);
        } finally {
            int restored = (int) mprotect.invokeExact(page, PAGE, PROT_READ_EXEC);
            if (restored != 0) {
                throw new IllegalStateException("the code page of " + VENDOR_CHECK + " could not be made read-only");
            }
        }
        return SWITCHED;
    }
}
