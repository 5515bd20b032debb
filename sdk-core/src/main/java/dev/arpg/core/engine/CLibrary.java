package dev.arpg.core.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.ResourceScope;

/**
 * The C library's functions and the mapped libtorch, for {@link MklIntelPath}, {@link OpenMpWaiting},
 * {@link OneDnn} and {@link ResidentCode}.
 * Uses the incubating foreign API of JDK 17: touch this class only when {@link Engines} has found the
 * module.
 */
final class CLibrary {
    private static final String LIBTORCH = "/libtorch_cpu.so";
    private static final int RTLD_LAZY = 1;
    private static final int RTLD_NOLOAD = 4;
    private static final int MADV_DONTNEED = 4;

    private CLibrary() {
    }

    /**
     * A downcall handle to a function of the C library.
     *
     * @param name the function
     * @param descriptor its C signature
     * @param returns its Java return type
     * @param parameters its Java parameter types
     * @return the handle
     * @throws IllegalCallerException if the JVM was started without native access for the SDK
     */
    static MethodHandle function(String name, FunctionDescriptor descriptor, Class<?> returns, Class<?>... parameters) {
        MemoryAddress symbol = CLinker.systemLookup().lookup(name)
                .orElseThrow(() -> new IllegalStateException("the C library has no " + name));
        return CLinker.getInstance().downcallHandle(symbol, MethodType.methodType(returns, parameters), descriptor);
    }

    /**
     * Hands the C heap's free memory back to the system ({@code malloc_trim(0)} of glibc): glibc
     * keeps what is freed inside its heap, so memory a closed model or a blocking pass freed stays
     * resident until the same sizes are allocated again.
     *
     * @throws IllegalStateException if the C library has no {@code malloc_trim} (not glibc)
     * @throws IllegalCallerException if the JVM was started without native access for the SDK
     */
    static void trimHeap() {
        try {
            int ignored = (int) function("malloc_trim", FunctionDescriptor.of(CLinker.C_INT, CLinker.C_LONG),
                    int.class, long.class).invokeExact(0L);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("malloc_trim failed", e);
        }
    }

    /**
     * Unmaps a range's pages from this process ({@code madvise(MADV_DONTNEED)}): a file's page is
     * mapped back from the page cache when it is next read; a page written in this process is lost.
     *
     * @param address the range's first address, page-aligned
     * @param length its bytes
     * @throws IllegalStateException if the kernel refuses
     * @throws IllegalCallerException if the JVM was started without native access for the SDK
     */
    static void adviseNotNeeded(long address, long length) {
        try {
            int result = (int) function("madvise", FunctionDescriptor.of(CLinker.C_INT, CLinker.C_POINTER,
                    CLinker.C_LONG, CLinker.C_INT), int.class, MemoryAddress.class, long.class, int.class)
                    .invokeExact(MemoryAddress.ofLong(address), length, MADV_DONTNEED);
            if (result != 0) {
                throw new IllegalStateException("madvise refused the range at 0x" + Long.toHexString(address));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("madvise failed", e);
        }
    }

    /**
     * Where libtorch's CPU library is mapped in this process, if it is loaded.
     *
     * @return its path, or empty before the engine loads it
     */
    static Optional<Path> mappedLibtorch() {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                    .filter(line -> line.endsWith(LIBTORCH) && line.contains("/"))
                    .map(line -> Path.of(line.substring(line.indexOf('/'))))
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The address of a function a library already loaded in this process exports.
     *
     * @param library the library's path, as mapped
     * @param name the function
     * @return its address, or empty when the library is not loaded or does not export it
     * @throws IllegalCallerException if the JVM was started without native access for the SDK
     */
    static Optional<MemoryAddress> exported(Path library, String name) {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemoryAddress handle = (MemoryAddress) function("dlopen", FunctionDescriptor.of(CLinker.C_POINTER,
                    CLinker.C_POINTER, CLinker.C_INT), MemoryAddress.class, MemoryAddress.class, int.class)
                    .invokeExact(CLinker.toCString(library.toString(), scope).address(), RTLD_LAZY | RTLD_NOLOAD);
            if (handle.equals(MemoryAddress.NULL)) {
                return Optional.empty();
            }
            MemoryAddress symbol = (MemoryAddress) function("dlsym", FunctionDescriptor.of(CLinker.C_POINTER,
                    CLinker.C_POINTER, CLinker.C_POINTER), MemoryAddress.class, MemoryAddress.class, MemoryAddress.class)
                    .invokeExact(handle, CLinker.toCString(name, scope).address());
            return symbol.equals(MemoryAddress.NULL) ? Optional.empty() : Optional.of(symbol);
        } catch (IllegalCallerException | IllegalStateException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("calling the C library failed", e);
        }
    }
}
