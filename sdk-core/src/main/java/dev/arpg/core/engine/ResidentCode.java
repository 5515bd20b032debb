package dev.arpg.core.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Drops libtorch's code pages from the process's resident memory once the engine has started.
 * Loading libtorch runs its static initializers, which register thousands of operators: 42 MiB of
 * {@code libtorch_cpu.so}'s code is resident before the first product, and much of it never runs
 * again. Resident file pages count in the process's RSS like any other, so they stayed part of
 * every peak (57 MiB of that library's code after a generation). Dropped, the pages stay in the
 * system's page cache, and a page that runs again is mapped back on first use: 26 MiB after a
 * generation, the process's peak 31-34 MiB lower (docs/benchmarks.md, session 23).
 *
 * <p>Only executable mappings in which this process wrote nothing are dropped ({@code madvise}
 * {@code MADV_DONTNEED}: a written page, e.g. a debugger's breakpoint, would be lost; such a mapping
 * is left as it is). Uses the incubating foreign API of JDK 17: touch this class only when
 * {@link Engines} has found the module.
 */
final class ResidentCode {
    /** The first field of a mapping's header line: its address range. */
    private static final Pattern RANGE = Pattern.compile("[0-9a-f]+-[0-9a-f]+");

    private ResidentCode() {
    }

    /**
     * An executable mapping of a library.
     *
     * @param start its first address
     * @param length its bytes
     * @param residentBytes its bytes in memory
     */
    record Mapping(long start, long length, long residentBytes) {
    }

    /**
     * Drops libtorch's code pages from memory (see the class comment).
     *
     * @return what was done, for the engine's preparation
     * @throws IllegalCallerException if the JVM was started without native access for the SDK
     */
    static String dropLibtorchPages() {
        Path library = CLibrary.mappedLibtorch().orElse(null);
        if (library == null) {
            return "libtorch's code left in memory (libtorch is not mapped)";
        }
        long dropped = 0;
        for (Mapping mapping : droppable(smaps(), library)) {
            CLibrary.adviseNotNeeded(mapping.start(), mapping.length());
            dropped += mapping.residentBytes();
        }
        return String.format("libtorch's code run at start dropped from memory (%.1f MiB)", dropped / 1048576.0);
    }

    /**
     * The executable mappings of a library, in {@code /proc/<pid>/smaps}' format, that hold only the
     * library's own pages (no page written in this process).
     *
     * @param smaps the lines of a {@code smaps} file
     * @param library the library's path, as mapped
     * @return the mappings that can be dropped
     * @throws NumberFormatException if a size line of such a mapping holds no number
     */
    static List<Mapping> droppable(List<String> smaps, Path library) {
        List<Mapping> found = new ArrayList<>();
        Mapping current = null;
        boolean written = false;
        for (String line : smaps) {
            String[] fields = line.trim().split("\\s+");
            if (RANGE.matcher(fields[0]).matches()) {
                addUnwritten(found, current, written);
                current = null;
                written = false;
                int path = line.indexOf('/');
                if (fields.length > 5 && fields[1].equals("r-xp") && path >= 0
                        && Path.of(line.substring(path)).equals(library)) {
                    String[] range = fields[0].split("-");
                    long start = Long.parseUnsignedLong(range[0], 16);
                    current = new Mapping(start, Long.parseUnsignedLong(range[1], 16) - start, 0);
                }
            } else if (current != null && fields.length == 3 && fields[2].equals("kB")) {
                long bytes = 1024 * Long.parseLong(fields[1]);
                switch (fields[0]) {
                    case "Rss:" -> current = new Mapping(current.start(), current.length(), bytes);
                    case "Private_Dirty:", "Shared_Dirty:", "Anonymous:" -> written |= bytes > 0;
                    default -> {
                    }
                }
            }
        }
        addUnwritten(found, current, written);
        return found;
    }

    private static void addUnwritten(List<Mapping> found, Mapping mapping, boolean written) {
        if (mapping != null && !written) {
            found.add(mapping);
        }
    }

    /** @return the lines of this process's {@code /proc/self/smaps} */
    static List<String> smaps() {
        try {
            return Files.readAllLines(Path.of("/proc/self/smaps"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
