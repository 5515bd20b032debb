package dev.arpg.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ElfSymbolsTest {
    @TempDir
    Path tmp;

    @Test
    void findsHiddenAndExportedFunctionsOfLibtorchAndOnlyThose() throws IOException {
        Engines.prepare();
        Path libtorch = CLibrary.mappedLibtorch().orElseThrow();
        Map<String, Long> found = ElfSymbols.functions(libtorch,
                Set.of("dnnl_version", "dnnl_primitive_execute", "cblas_sgemm_pack", "no_such_function_here"));
        assertThat(found).containsOnlyKeys("dnnl_version", "dnnl_primitive_execute", "cblas_sgemm_pack");
        assertThat(found.values()).allMatch(value -> value > 0).doesNotHaveDuplicates();
        long base = CLibrary.exported(libtorch, "cblas_sgemm_pack").orElseThrow().toRawLongValue()
                - found.get("cblas_sgemm_pack");
        assertThat(base % 4096).as("the library's load address is page-aligned").isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 20, 200})
    void rejectsAFileThatIsNotElf(int length) throws IOException {
        Path text = Files.writeString(tmp.resolve("not-elf.so"), "x".repeat(length));
        assertThatThrownBy(() -> ElfSymbols.functions(text, Set.of("dnnl_version")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a 64-bit little-endian ELF");
    }
}
