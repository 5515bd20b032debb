package dev.arpg.core.engine;

import java.lang.invoke.MethodHandle;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.ResourceScope;

/**
 * Sets how libtorch's OpenMP threads (its own copy of GNU libgomp) wait between parallel regions,
 * by setting libgomp's environment variable in this process before libtorch is loaded: libgomp
 * reads it once, when it is loaded. Java's {@code System.getenv} does not see the change; the C
 * library's {@code getenv}, which libgomp calls, does.
 *
 * <p>Uses the incubating foreign API of JDK 17 ({@code jdk.incubator.foreign}): touch this class only
 * when {@link Engines} has found the module.
 */
final class OpenMpWaiting {
    private OpenMpWaiting() {
    }

    /**
     * Sets one libgomp variable unless libtorch is loaded already (then it would be read too late).
     *
     * @param name the variable, e.g. {@code GOMP_SPINCOUNT}
     * @param value its value
     * @return what was done, for the log
     * @throws IllegalCallerException if the JVM was started without
     *     {@code --enable-native-access=ALL-UNNAMED} (or the SDK's module)
     */
    static String set(String name, String value) {
        if (CLibrary.mappedLibtorch().isPresent()) {
            return "libtorch was loaded before the SDK prepared it, so its OpenMP threads wait as libgomp's "
                    + "defaults say";
        }
        MethodHandle setenv = CLibrary.function("setenv", FunctionDescriptor.of(CLinker.C_INT, CLinker.C_POINTER,
                CLinker.C_POINTER, CLinker.C_INT), int.class, MemoryAddress.class, MemoryAddress.class, int.class);
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            int result = (int) setenv.invokeExact(CLinker.toCString(name, scope).address(),
                    CLinker.toCString(value, scope).address(), 1);
            if (result != 0) {
                throw new IllegalStateException("setenv(" + name + ") failed");
            }
        } catch (IllegalCallerException | IllegalStateException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("calling the C library failed", e);
        }
        return "libtorch's OpenMP threads wait with " + name + "=" + value;
    }
}
