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

/**
 * The C library's functions and the mapped libtorch, for {@link MklIntelPath} and {@link OpenMpWaiting}.
 * Uses the incubating foreign API of JDK 17: touch this class only when {@link Engines} has found the
 * module.
 */
final class CLibrary {
    private static final String LIBTORCH = "/libtorch_cpu.so";

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
}
