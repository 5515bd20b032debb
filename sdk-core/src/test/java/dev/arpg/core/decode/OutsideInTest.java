package dev.arpg.core.decode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutsideInTest {

    @Test
    void cornersComeFirstAndTheCentreLast() {
        int[] cells = new int[16];
        for (int i = 0; i < 16; i++) {
            cells[i] = i;
        }
        int[] order = OutsideIn.sort(cells, 4);
        assertThat(order).hasSize(16).containsExactlyInAnyOrder(cells);
        assertThat(java.util.Arrays.copyOfRange(order, 0, 4)).containsExactly(0, 3, 12, 15);
        assertThat(java.util.Arrays.copyOfRange(order, 12, 16)).containsExactly(5, 6, 9, 10);
    }

    @Test
    void cellsAtEqualDistanceKeepTheOrderTheyCameIn() {
        assertThat(OutsideIn.sort(new int[] {15, 5, 12, 10, 0, 3}, 4)).containsExactly(15, 12, 0, 3, 5, 10);
    }

    @Test
    void anOddGridEndsAtItsCentreCell() {
        int[] cells = {4, 0, 1, 2, 3, 5, 6, 7, 8};
        int[] order = OutsideIn.sort(cells, 3);
        assertThat(order).containsExactly(0, 2, 6, 8, 1, 3, 5, 7, 4);
    }
}
