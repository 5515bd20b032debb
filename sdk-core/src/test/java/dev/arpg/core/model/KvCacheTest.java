package dev.arpg.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arpg.core.testing.TinyModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KvCacheTest {
    @RegisterExtension
    static final TinyModel TINY = new TinyModel();

    private static NDArray keysValues(NDManager m, int batch, int tokens, float from) {
        ArpgConfig c = TINY.model().config();
        Shape shape = new Shape(2, batch, c.heads(), tokens, c.headDim());
        return m.arange(from, from + shape.size()).reshape(shape);
    }

    @Test
    void aSlotReturnsEverythingWrittenSoFarInOrder() {
        try (NDManager m = TINY.model().manager().newSubManager();
                KvCache cache = TINY.model().newKvCache(2, 5, m)) {
            NDArray first = keysValues(m, 2, 2, 0);
            cache.begin(2);
            assertThat(cache.appendPacked(0, first)).isEqualTo(first);
            cache.commit();
            NDArray second = keysValues(m, 2, 3, 1000);
            cache.begin(3);
            assertThat(cache.appendPacked(0, second)).isEqualTo(first.concat(second, 3));
            cache.commit();
            assertThatThrownBy(() -> cache.begin(1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("KV cache full: 5 + 1 tokens > capacity 5");
        }
    }

    @Test
    void aCacheOnReusedMemoryReadsOnlyWhatItWrote() {
        try (NDManager m = TINY.model().manager().newSubManager()) {
            try (KvCache larger = TINY.model().newKvCache(4, 6, m)) {
                larger.begin(6);
                larger.appendPacked(larger.crossSlot(), keysValues(m, 4, 6, 7));
                larger.commit();
            }
            try (KvCache cache = TINY.model().newKvCache(2, 3, m)) {
                NDArray kv = keysValues(m, 2, 1, -50);
                cache.begin(1);
                assertThat(cache.appendPacked(cache.crossSlot(), kv)).isEqualTo(kv);
            }
        }
    }

    @Test
    void aClosedCacheCannotBeUsedAndClosingTwiceIsHarmless() {
        try (NDManager m = TINY.model().manager().newSubManager()) {
            KvCache cache = TINY.model().newKvCache(2, 4, m);
            cache.close();
            cache.close();
            assertThatThrownBy(() -> cache.begin(1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        }
    }

    @Test
    void aCacheNeedsAPositiveBatchAndCapacity() {
        try (NDManager m = TINY.model().manager().newSubManager()) {
            assertThatThrownBy(() -> TINY.model().newKvCache(0, 4, m)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("batch 0");
            assertThatThrownBy(() -> TINY.model().newKvCache(2, 0, m)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("capacity 0");
        }
    }
}
