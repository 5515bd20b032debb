package dev.arpg.core.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the SDK opens the engine: every root manager of the SDK comes from {@link #newRootManager},
 * whose first call prepares libtorch for this CPU.
 *
 * <p>On an x86-64 Linux CPU that is not Intel's (AMD EPYC and Ryzen, Hygon), the oneMKL inside
 * libtorch runs a generic code path for float32 products instead of the AVX-512 or AVX2 kernels the
 * CPU supports. The first call therefore lets MKL pick its kernels from the CPU's features as it does
 * on Intel CPUs ({@link MklIntelPath}): 2.5x the matmul rate and twice the training throughput on the
 * benchmark's AMD EPYC (docs/benchmarks.md, session 15).
 *
 * <p>Before libtorch loads, the first call also sets how its OpenMP threads wait between products,
 * unless {@code OMP_WAIT_POLICY} or {@code GOMP_SPINCOUNT} is set in the environment: where MKL is
 * switched, they spin up to {@value #SPINS} times (about 0.8 s on that EPYC) before sleeping, so that
 * the next product does not wait for a sleeping thread to wake (a 64-step generation 20-30 % faster,
 * session 16); elsewhere the Java few-row product shares the cores ({@code FewRowProduct}) and they
 * sleep at once ({@code OMP_WAIT_POLICY=PASSIVE}, which keeps spinning threads from starving it). On
 * a host whose cores are oversubscribed, set {@code OMP_WAIT_POLICY=PASSIVE} yourself.
 *
 * <p>Once libtorch has loaded, the first call drops its code pages from the process's resident memory
 * on Linux: its static initializers leave 42 MiB of code resident that never runs again, and pages
 * that do run are mapped back from the page cache on first use, so every later peak of the process
 * is ~30 MiB lower ({@link ResidentCode}).
 *
 * <p>All three need the JVM options {@code --add-modules jdk.incubator.foreign
 * --enable-native-access=ALL-UNNAMED} (the {@code ./arpg} launcher and the tests pass them; without
 * them one INFO log line says what is lost). MKL and OpenMP must be prepared before libtorch is loaded
 * and runs its first product in the process, so open the SDK's managers here, and reach the engine through
 * {@link #engine}, before any other DJL work. Set the system property {@value #MKL_PROPERTY} to
 * {@code false} to leave MKL and OpenMP as they are. Nothing changes on Intel CPUs but the waiting,
 * nor on GPUs' own kernels; results are equal up to float32 summation order.
 */
public final class Engines {
    /**
     * System property: {@code false} leaves libtorch's MKL on its generic path on non-Intel CPUs and
     * its OpenMP waiting as libgomp's defaults say.
     */
    public static final String MKL_PROPERTY = "arpg.mkl.cpuKernels";
    /** Spins of an idle OpenMP thread before it sleeps, where MKL is switched. */
    static final String SPINS = "30000000";
    private static final System.Logger LOG = System.getLogger(Engines.class.getName());
    private static String preparation;
    /** Why oneDNN cannot be used, empty when it can, null before {@link #oneDnn} looked. */
    private static String oneDnnUnavailable;

    private Engines() {
    }

    /**
     * A root manager on a device, with the engine prepared (see the class comment).
     *
     * @param device the device
     * @return a new base manager; close it to free everything under it
     */
    public static NDManager newRootManager(Device device) {
        prepare();
        return NDManager.newBaseManager(device);
    }

    /**
     * A root manager on the engine's default device, with the engine prepared.
     *
     * @return a new base manager; close it to free everything under it
     */
    public static NDManager newRootManager() {
        prepare();
        return NDManager.newBaseManager();
    }

    /**
     * The engine, prepared (see the class comment): use it instead of {@code Engine.getInstance()}.
     *
     * @return DJL's default engine
     */
    public static Engine engine() {
        prepare();
        return Engine.getInstance();
    }

    /**
     * Loads the engine and, on its first call, prepares libtorch's OpenMP threads and MKL for this
     * CPU and drops the code libtorch ran while it started from memory.
     *
     * @return what the preparation did, in words (the same on every call)
     */
    public static synchronized String prepare() {
        if (preparation == null) {
            String vendor = cpuVendor();
            String reasonToLeaveMkl = reasonToLeaveMkl(vendor);
            String waiting = prepareOpenMp(reasonToLeaveMkl == null);
            Engine.getInstance();
            preparation = (reasonToLeaveMkl == null ? switchMkl(vendor) : reasonToLeaveMkl) + "; " + waiting + "; "
                    + dropStartupCode();
            LOG.log(System.Logger.Level.DEBUG, preparation);
        }
        return preparation;
    }

    /**
     * Whether the preparation switched libtorch's MKL to the CPU's own kernels (so that its products
     * of few rows are faster than the Java ones, docs/benchmarks.md session 15). Prepares the engine
     * if that has not happened yet.
     *
     * @return true on a non-Intel CPU whose MKL was switched; false elsewhere
     */
    public static boolean switchedMklToCpuKernels() {
        return prepare().startsWith(MklIntelPath.SWITCHED);
    }

    /**
     * The oneDNN inside libtorch, for products on blocked weights ({@link OneDnn}), if it can be used
     * in this process: it needs the JVM options {@code --add-modules jdk.incubator.foreign
     * --enable-native-access=ALL-UNNAMED} on Linux, and the system property {@value OneDnn#PROPERTY}
     * not {@code false}. Prepares the engine first. Use this, not {@link OneDnn} directly: without the
     * foreign API that class cannot even be loaded.
     *
     * @return the instance, or empty (why is logged once at INFO)
     */
    public static synchronized Optional<OneDnn> oneDnn() {
        prepare();
        if (oneDnnUnavailable == null) {
            if (!Boolean.parseBoolean(System.getProperty(OneDnn.PROPERTY, "true"))) {
                oneDnnUnavailable = "-D" + OneDnn.PROPERTY + "=false";
            } else if (!foreignApi()) {
                oneDnnUnavailable = "the JVM runs without --add-modules jdk.incubator.foreign "
                        + "--enable-native-access=ALL-UNNAMED";
            } else if (!System.getProperty("os.name").equals("Linux")) {
                oneDnnUnavailable = "it is found only on Linux";
            } else {
                oneDnnUnavailable = OneDnn.unavailable();
            }
            if (!oneDnnUnavailable.isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "decoding uses libtorch's products, not oneDNN's: "
                        + oneDnnUnavailable);
            }
        }
        return oneDnnUnavailable.isEmpty() ? Optional.of(OneDnn.instance()) : Optional.empty();
    }

    /**
     * Hands the memory the process has freed back to the system, where it can (Linux with glibc,
     * the JVM started with {@code --add-modules jdk.incubator.foreign
     * --enable-native-access=ALL-UNNAMED}); does nothing elsewhere. glibc keeps freed memory in its
     * heap: after an ARPG-L model closed, loading one again grew the process by 0.2-0.5 GB each time
     * it was not trimmed, and not at all with this (docs/benchmarks.md, session 22). Takes ~0.1 s
     * after a model of 1.2 GB is freed, holding glibc's heap lock meanwhile (other threads'
     * allocations wait). Models and generators call it when they close.
     */
    public static void returnFreedMemory() {
        if (!foreignApi() || !System.getProperty("os.name").equals("Linux")) {
            return;
        }
        try {
            CLibrary.trimHeap();
        } catch (IllegalCallerException | IllegalStateException e) {
            LOG.log(System.Logger.Level.DEBUG, "freed memory not returned to the system: " + e.getMessage());
        }
    }

    /** Why MKL is left as it is, or {@code null} when it is to be switched. */
    private static String reasonToLeaveMkl(String vendor) {
        if (!enabled()) {
            return "MKL left as it is (" + MKL_PROPERTY + "=false)";
        }
        if (!x86Linux()) {
            return "MKL left as it is (not x86-64 Linux)";
        }
        if (vendor.equals("GenuineIntel") || vendor.isEmpty()) {
            return "MKL picks its kernels itself (CPU vendor " + (vendor.isEmpty() ? "unknown" : vendor) + ")";
        }
        if (!foreignApi()) {
            String lost = "libtorch's MKL runs its generic, slower code path on this " + vendor + " CPU: start the JVM "
                    + "with --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED to let it use the "
                    + "CPU's own kernels";
            LOG.log(System.Logger.Level.INFO, lost);
            return lost;
        }
        return null;
    }

    private static String switchMkl(String vendor) {
        try {
            return MklIntelPath.apply() + " (CPU vendor " + vendor + ")";
        } catch (IllegalCallerException e) {
            String lost = "libtorch's MKL runs its generic, slower code path on this " + vendor + " CPU: add the "
                    + "JVM option --enable-native-access=ALL-UNNAMED to let it use the CPU's own kernels";
            LOG.log(System.Logger.Level.INFO, lost);
            return lost;
        } catch (RuntimeException e) {
            String failed = "MKL left as it is: " + e.getMessage();
            LOG.log(System.Logger.Level.WARNING, failed, e);
            return failed;
        }
    }

    /** Drops libtorch's code pages from memory once it has started; see the class comment. */
    private static String dropStartupCode() {
        if (!foreignApi() || !System.getProperty("os.name").equals("Linux")) {
            return "libtorch's code left in memory (needs Linux and the foreign API)";
        }
        try {
            return ResidentCode.dropLibtorchPages();
        } catch (IllegalCallerException e) {
            return "libtorch's code left in memory (no native access)";
        } catch (RuntimeException e) {
            String failed = "libtorch's code left in memory: " + e.getMessage();
            LOG.log(System.Logger.Level.WARNING, failed, e);
            return failed;
        }
    }

    /** Sets libgomp's waiting before libtorch loads; see the class comment. */
    private static String prepareOpenMp(boolean spin) {
        for (String name : new String[] {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT"}) {
            if (System.getenv(name) != null) {
                return "OpenMP threads wait as the environment says (" + name + "=" + System.getenv(name) + ")";
            }
        }
        if (!enabled() || !x86Linux() || !foreignApi()) {
            return "OpenMP threads wait as libgomp's defaults say";
        }
        try {
            return spin ? OpenMpWaiting.set("GOMP_SPINCOUNT", SPINS) : OpenMpWaiting.set("OMP_WAIT_POLICY", "PASSIVE");
        } catch (IllegalCallerException e) {
            return "OpenMP threads wait as libgomp's defaults say (no native access)";
        } catch (RuntimeException e) {
            String failed = "OpenMP waiting left as it is: " + e.getMessage();
            LOG.log(System.Logger.Level.WARNING, failed, e);
            return failed;
        }
    }

    private static boolean enabled() {
        return Boolean.parseBoolean(System.getProperty(MKL_PROPERTY, "true"));
    }

    private static boolean foreignApi() {
        return ModuleLayer.boot().findModule("jdk.incubator.foreign").isPresent();
    }

    private static boolean x86Linux() {
        String arch = System.getProperty("os.arch");
        return System.getProperty("os.name").equals("Linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    private static String cpuVendor() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.toLowerCase(Locale.ROOT).startsWith("vendor_id"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse("");
        } catch (IOException e) {
            return "";
        }
    }
}
