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
import java.nio.file.*;
import java.util.*;
import jdk.incubator.foreign.*;

/**
 * Resident memory by mapped file (each file's mappings by permission, over 1 MiB) when the engine
 * has started, when a random ARPG-L model is prepared for decoding and after each of two batch-1
 * 64-step generations; optionally advises the executable, unwritten mappings of the files whose path
 * contains a filter right after the engine starts (madvise: 4 = MADV_DONTNEED). The SDK's own drop
 * (Engines, session 23) happens in Engines.prepare, so for the "before" numbers run it with a jar of
 * session 22 (8b8398e). Run (docs/benchmarks.md, session 23) with the launcher's memory settings:
 *
 * MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=34603008 MALLOC_TRIM_THRESHOLD_=536870912 java
 *   --add-modules jdk.incubator.vector,jdk.incubator.foreign --enable-native-access=ALL-UNNAMED
 *   -XX:+UseSerialGC -Xmn8m -cp samples/target/arpg.jar docs/machine-probes/ResidentLibraries.java 4 libtorch_cpu
 *
 * Arguments: the advice (0: none), the filter (default libtorch_cpu; "/" for every library).
 */
public class ResidentLibraries {
    record Mapping(long start, long end, String perms, String file, long rssKb, long dirtyKb) {}

    static List<Mapping> mappings() throws Exception {
        List<Mapping> out = new ArrayList<>();
        Mapping cur = null; long s = 0, e = 0; String perms = null, file = null; long rss = 0, dirty = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            String[] f = line.trim().split("\\s+");
            if (f[0].matches("[0-9a-f]+-[0-9a-f]+")) {
                if (perms != null) out.add(new Mapping(s, e, perms, file, rss, dirty));
                String[] r = f[0].split("-");
                s = Long.parseUnsignedLong(r[0], 16); e = Long.parseUnsignedLong(r[1], 16);
                perms = f[1]; file = f.length > 5 ? f[5] : ""; rss = 0; dirty = 0;
            } else if (f[0].equals("Rss:")) rss = Long.parseLong(f[1]);
            else if (f[0].equals("Private_Dirty:")) dirty = Long.parseLong(f[1]);
        }
        if (perms != null) out.add(new Mapping(s, e, perms, file, rss, dirty));
        return out;
    }

    static void report(String when) throws Exception {
        Map<String, long[]> byFile = new TreeMap<>();
        for (Mapping m : mappings()) {
            if (!m.file.startsWith("/")) continue;
            String name = Path.of(m.file).getFileName() + " " + m.perms;
            long[] a = byFile.computeIfAbsent(name, k -> new long[2]);
            a[0] += m.rssKb; a[1] += m.dirtyKb;
        }
        StringBuilder b = new StringBuilder(when + ":");
        boolean in = false; long pmd = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) in = line.contains("libtorch_cpu") && line.contains("r-xp");
            else if (in && line.startsWith("FilePmdMapped:")) pmd += Long.parseLong(line.trim().split("\\s+")[1]);
        }
        b.append(" libtorch r-xp FilePmdMapped " + pmd + " kB");
        byFile.forEach((k, v) -> { if (v[0] > 1024) b.append(String.format("\n  %-40s %6.1f MiB (dirty %.1f)", k, v[0] / 1024.0, v[1] / 1024.0)); });
        String st = Files.readString(Path.of("/proc/self/status"));
        for (String l : st.split("\n")) if (l.startsWith("VmHWM") || l.startsWith("VmRSS") || l.startsWith("RssFile") || l.startsWith("RssAnon")) b.append("\n  " + l);
        System.out.println(b);
    }

    static void advise(int advice, String filter) throws Throwable {
        MethodHandle madvise = CLinker.getInstance().downcallHandle(CLinker.systemLookup().lookup("madvise").orElseThrow(),
            MethodType.methodType(int.class, MemoryAddress.class, long.class, int.class),
            FunctionDescriptor.of(CLinker.C_INT, CLinker.C_POINTER, CLinker.C_LONG, CLinker.C_INT));
        long total = 0;
        for (Mapping m : mappings()) {
            if (m.perms.equals("r-xp") && m.file.contains(filter) && m.dirtyKb == 0) {
                int rc = (int) madvise.invokeExact(MemoryAddress.ofLong(m.start), m.end - m.start, advice);
                if (rc != 0) System.out.println("madvise failed on " + m.file);
                total += m.rssKb;
            }
        }
        System.out.printf("advised %d on %.1f MiB resident%n", advice, total / 1024.0);
    }

    public static void main(String[] args) throws Throwable {
        int advice = Integer.parseInt(args[0]);
        String filter = args.length > 1 ? args[1] : "libtorch_cpu";
        System.out.println(Engines.prepare());
        try (NDManager root = Engines.newRootManager()) {
            root.zeros(new ai.djl.ndarray.types.Shape(4)).add(1).close();
            report("engine started");
            if (advice > 0) { advise(advice, filter); report("after advice"); }
            try (ArpgTransformer model = ArpgTransformer.random(ArpgConfig.ARPG_L, 0, root)) {
                model.prepareForDecoding();
                report("model prepared");
                ParallelDecoder decoder = new ParallelDecoder(model);
                for (int g = 0; g < 2; g++) {
                    long t = System.nanoTime();
                    SamplingSettings settings = SamplingSettings.builder().steps(64).seed(1).build();
                    var r = decoder.decode(DecodeTask.classes(settings, new int[1]), DecodeListener.NONE, new CancellationToken());
                    System.out.printf("generation %d: %.2f s, hash %d%n", g, (System.nanoTime() - t) / 1e9, Arrays.deepHashCode(r.tokens()));
                    report("after generation " + g);
                }
            }
        }
    }
}
