package dev.arpg.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arpg.core.testing.Golden;
import dev.arpg.core.testing.Tensors;
import dev.arpg.core.weights.HostTensor;
import dev.arpg.core.weights.StateDict;
import org.junit.jupiter.api.Test;

class RopeTableTest {

    @Test
    void matchesTheReferenceTableAndZeroesTheClassRow() {
        HostTensor expected = StateDict.read(Golden.file("arpg-tiny/freqs_cis.safetensors")).get("freqs_cis");
        RopeTable table = new RopeTable(8, 16, 10000);
        assertThat(expected.shape()).containsExactly(table.rows(), table.pairs(), 2);
        float[] actual = table.interleaved();
        Tensors.assertClose("freqs_cis", actual, expected.toFloatArray(), 1e-6);
        for (int i = 0; i < table.pairs() * 2; i++) {
            assertThat(actual[i]).as("class row entry " + i).isZero();
        }
    }
}
