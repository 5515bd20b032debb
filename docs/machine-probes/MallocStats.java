import ai.djl.ndarray.NDManager;
import dev.arpg.api.CancellationToken;
import dev.arpg.api.SamplingSettings;
import dev.arpg.core.decode.DecodeListener;
import dev.arpg.core.decode.DecodeTask;
import dev.arpg.core.decode.ParallelDecoder;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.model.ArpgTransformer;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemoryLayout;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;
import jdk.incubator.foreign.SegmentAllocator;

/**
 * Where a batch-1 generation's memory goes beside the weights: the process's resident set (VmRSS,
 * VmHWM) and glibc's allocations (mallinfo2: bytes in use in the heap and in mapped blocks, the
 * heap's size) after the engine starts, after random ARPG-L weights are built, after they are
 * prepared for decoding, and after each generation, then again after MKL's buffer cache is freed
 * ({@code mkl_serv_free_buffers}). Run (docs/benchmarks.md, session 20) after
 * {@code mvn -q -B -DskipTests package}, with the launcher's memory settings:
 *
 * MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=34603008 MALLOC_TRIM_THRESHOLD_=268435456
 *   java --add-modules jdk.incubator.vector,jdk.incubator.foreign --enable-native-access=ALL-UNNAMED
 *   -XX:+UseSerialGC -Xmn8m -XX:MaxDirectMemorySize=64g -cp samples/target/arpg.jar
 *   docs/machine-probes/MallocStats.java ~/.djl.ai/pytorch/2.7.1-20250812-cpu-linux-x86_64/libtorch_cpu.so
 *
 * (The source launcher compiles this file in the same JVM, which adds ~30 MB to every line.)
 */
public class MallocStats {
    private static final CLinker LINKER = CLinker.getInstance();
    private static MethodHandle mallinfo2;
    private static MethodHandle freeMklBuffers;

    public static void main(String[] args) throws Throwable {
        System.out.println(Engines.prepare());
        mallinfo2 = LINKER.downcallHandle(CLinker.systemLookup().lookup("mallinfo2").orElseThrow(),
                SegmentAllocator.ofScope(ResourceScope.globalScope()), MethodType.methodType(MemorySegment.class),
                FunctionDescriptor.of(MemoryLayout.structLayout(MemoryLayout.sequenceLayout(10, CLinker.C_LONG))));
        freeMklBuffers = LINKER.downcallHandle(symbol(args[0], "mkl_serv_free_buffers"),
                MethodType.methodType(void.class), FunctionDescriptor.ofVoid());
        report("engine started");
        try (NDManager root = Engines.newRootManager();
                ArpgTransformer model = ArpgTransformer.random(ArpgConfig.ARPG_L, 0, root)) {
            report("weights built");
            model.prepareForDecoding();
            report("prepared");
            ParallelDecoder decoder = new ParallelDecoder(model);
            for (int steps : new int[] {64, 64, 256}) {
                decoder.decode(DecodeTask.classes(SamplingSettings.builder().steps(steps).seed(0).build(), new int[1]),
                        DecodeListener.NONE, new CancellationToken());
                report(steps + " steps");
                freeMklBuffers.invokeExact();
                report("MKL's buffers freed");
            }
        }
    }

    private static MemoryAddress symbol(String library, String name) throws Throwable {
        MethodHandle dlopen = LINKER.downcallHandle(CLinker.systemLookup().lookup("dlopen").orElseThrow(),
                MethodType.methodType(MemoryAddress.class, MemoryAddress.class, int.class),
                FunctionDescriptor.of(CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_INT));
        MethodHandle dlsym = LINKER.downcallHandle(CLinker.systemLookup().lookup("dlsym").orElseThrow(),
                MethodType.methodType(MemoryAddress.class, MemoryAddress.class, MemoryAddress.class),
                FunctionDescriptor.of(CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_POINTER));
        ResourceScope scope = ResourceScope.globalScope();
        MemoryAddress handle = (MemoryAddress) dlopen.invokeExact(CLinker.toCString(library, scope).address(), 2);
        return (MemoryAddress) dlsym.invokeExact(handle, CLinker.toCString(name, scope).address());
    }

    private static void report(String when) throws Throwable {
        String memory = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("VmRSS") || line.startsWith("VmHWM"))
                .map(line -> line.replaceAll("\\s+", " ").replace(" kB", "")).reduce("", (a, b) -> a + " " + b);
        MemorySegment info = (MemorySegment) mallinfo2.invokeExact();
        var fields = info.asByteBuffer().order(ByteOrder.nativeOrder());
        System.out.printf("%-22s KiB:%s; malloc in use %.1f MB (heap %.1f + mapped %.1f), heap size %.1f MB%n", when,
                memory, (fields.getLong(7 * 8) + fields.getLong(4 * 8)) / 1e6, fields.getLong(7 * 8) / 1e6,
                fields.getLong(4 * 8) / 1e6, fields.getLong(0) / 1e6);
    }
}
