package dev.arpg.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arpg.core.engine.Engines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KvCacheMemoryTest {
    private NDManager owner;
    private KvCacheMemory memory;

    @BeforeEach
    void open() {
        owner = Engines.newRootManager();
        memory = new KvCacheMemory(owner);
    }

    @AfterEach
    void close() {
        owner.close();
    }

    @Test
    void aBlockHandedBackServesTheNextRequestOfItsSizeOrLess() {
        NDArray block = memory.lease(1000);
        assertThat(block.size()).isEqualTo(1000);
        memory.giveBack(block);
        assertThat(memory.lease(1000)).isSameAs(block);
        memory.giveBack(block);
        assertThat(memory.lease(10)).isSameAs(block);
    }

    @Test
    void aLargerRequestGetsANewBlockAndTheLargerIsKept() {
        NDArray small = memory.lease(100);
        memory.giveBack(small);
        NDArray large = memory.lease(200);
        assertThat(large).isNotSameAs(small);
        assertThat(large.size()).isEqualTo(200);
        memory.giveBack(large);
        assertThat(small.isReleased()).isTrue();
        assertThat(memory.lease(150)).isSameAs(large);
    }

    @Test
    void concurrentRequestsGetTheirOwnBlocksAndOnlyOneIsKept() {
        NDArray a = memory.lease(100);
        NDArray b = memory.lease(100);
        assertThat(b).isNotSameAs(a);
        memory.giveBack(a);
        memory.giveBack(b);
        assertThat(b.isReleased()).isTrue();
        assertThat(memory.lease(100)).isSameAs(a);
        assertThat(memory.lease(100)).isNotSameAs(a);
    }

    @Test
    void aBlockHandedBackAfterTheModelClosedIsIgnored() {
        NDArray block = memory.lease(100);
        owner.close();
        memory.giveBack(block);
        assertThat(block.isReleased()).isTrue();
    }
}
