package dev.arpg.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResidentCodeTest {
    private static final Path LIBRARY = Path.of("/home/u/.djl.ai/pytorch/2.7.1-cpu-linux-x86_64/libtorch_cpu.so");

    private static List<String> mapping(String range, String perms, String path, int rssKb, int dirtyKb,
            int anonymousKb) {
        return List.of(
                range + " " + perms + " 00a3c000 fd:01 1234567                    " + path,
                "Size:              43008 kB",
                "Rss:               " + rssKb + " kB",
                "Shared_Clean:          0 kB",
                "Shared_Dirty:          0 kB",
                "Private_Clean:     " + (rssKb - dirtyKb) + " kB",
                "Private_Dirty:     " + dirtyKb + " kB",
                "Anonymous:         " + anonymousKb + " kB",
                "VmFlags: rd ex mr mw me sd");
    }

    private static List<String> smaps(List<List<String>> mappings) {
        return mappings.stream().flatMap(List::stream).toList();
    }

    @Test
    void onlyTheLibrarysExecutableMappingsWithNothingWrittenInThemAreDroppable() {
        List<String> smaps = smaps(List.of(
                mapping("7f0000000000-7f0000a00000", "r--p", LIBRARY.toString(), 2048, 0, 0),
                mapping("7f0000a00000-7f0003000000", "r-xp", LIBRARY.toString(), 43008, 0, 0),
                mapping("7f0003000000-7f0003100000", "r-xp", "/usr/lib/x86_64-linux-gnu/libc.so.6", 1024, 0, 0),
                mapping("7f0003100000-7f0003200000", "r-xp", LIBRARY.toString(), 512, 4, 4),
                mapping("7f0003200000-7f0003300000", "rw-p", LIBRARY.toString(), 512, 512, 512),
                mapping("7f0003300000-7f0003400000", "r-xp", "", 64, 0, 0),
                mapping("7f0003400000-7f0003500000", "r-xp", LIBRARY + ".bak", 64, 0, 0),
                mapping("7f0003500000-7f0003600000", "r-xp", LIBRARY.toString(), 128, 0, 0)));

        assertThat(ResidentCode.droppable(smaps, LIBRARY)).containsExactly(
                new ResidentCode.Mapping(0x7f0000a00000L, 0x2600000L, 43008L * 1024),
                new ResidentCode.Mapping(0x7f0003500000L, 0x100000L, 128L * 1024));
    }

    @Test
    void aMappingWithASharedWrittenPageIsLeftAsItIs() {
        List<String> smaps = mapping("7f0000a00000-7f0003000000", "r-xp", LIBRARY.toString(), 43008, 0, 0).stream()
                .map(line -> line.startsWith("Shared_Dirty:") ? "Shared_Dirty:          8 kB" : line).toList();

        assertThat(ResidentCode.droppable(smaps, LIBRARY)).isEmpty();
    }

    @Test
    void droppedCodeLeavesMemoryAndComesBackWhenItRunsWithTheSameResults() {
        if (!System.getProperty("os.name").equals("Linux")) {
            assertThat(Engines.prepare()).contains("libtorch's code left in memory (needs Linux and the foreign API)");
            return;
        }
        assertThat(Engines.prepare()).contains("libtorch's code run at start dropped from memory");
        Path library = CLibrary.mappedLibtorch().orElseThrow();
        try (NDManager m = Engines.newRootManager()) {
            NDArray a = m.randomUniform(-1, 1, new Shape(64, 96));
            NDArray b = m.randomUniform(-1, 1, new Shape(96, 32));
            float[] before = a.matMul(b).softmax(1).toFloatArray();
            assertThat(residentCode(library)).isPositive();

            ResidentCode.dropLibtorchPages();
            long dropped = residentCode(library);
            float[] after = a.matMul(b).softmax(1).toFloatArray();

            // a thread of libtorch's could run a little of its code meanwhile; the test's product alone maps MiBs
            assertThat(dropped).as("resident bytes of libtorch's code once dropped").isLessThan(256 * 1024);
            assertThat(residentCode(library)).as("resident once a product ran again").isPositive();
            assertThat(after).containsExactly(before);
        }
    }

    private static long residentCode(Path library) {
        return ResidentCode.droppable(ResidentCode.smaps(), library).stream()
                .mapToLong(ResidentCode.Mapping::residentBytes).sum();
    }
}
