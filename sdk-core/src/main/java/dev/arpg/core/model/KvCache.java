package dev.arpg.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every token fed so far during one generation: one pair per self-attention
 * block plus the pair shared by all cross-attention blocks. Preallocated at full capacity and
 * written in place, so a step costs no concatenation; keys and values of a slot share one array
 * {@code [2, B, H, capacity, headDim]}, so a step writes and reads each slot once. All slots are
 * views of one block of memory, which the model keeps for its next request when this one closes
 * ({@link KvCacheMemory}: per-slot blocks stayed in the C allocator's heap after each request and
 * raised the peak memory; a fresh block per request cost 0.1-0.45 s of page clearing). Only
 * positions already written are ever read. Created by {@link ArpgTransformer#newKvCache}; its
 * views belong to one request's manager.
 */
public final class KvCache implements AutoCloseable {
    private final NDArray[] slots;
    private final int capacity;
    private final KvCacheMemory memory;
    private final NDArray block;
    private boolean closed;
    private int length;
    private int pending;

    KvCache(ArpgConfig config, int batch, int capacity, KvCacheMemory memory, NDManager manager) {
        this.slots = new NDArray[config.layersPerStage() + 1];
        Shape shape = new Shape(slots.length, 2, batch, config.heads(), capacity, config.headDim());
        this.memory = memory;
        this.block = memory.lease(shape.size());
        NDArray all = block.get(manager, new NDIndex(":{}", shape.size())).reshape(shape);
        for (int i = 0; i < slots.length; i++) {
            slots[i] = all.get(i);
        }
        this.capacity = capacity;
    }

    /** @return the slot of the keys/values shared by the cross-attention stage */
    int crossSlot() {
        return slots.length - 1;
    }

    void begin(int tokens) {
        if (closed) {
            throw new IllegalStateException("KV cache used after it was closed");
        }
        if (length + tokens > capacity) {
            throw new IllegalStateException(
                    "KV cache full: " + length + " + " + tokens + " tokens > capacity " + capacity);
        }
        pending = tokens;
    }

    /**
     * Writes this step's packed keys and values into a slot and returns everything cached in it.
     *
     * @param slot self-attention block index, or {@link #crossSlot()}
     * @param kv {@code [2, B, H, tokens, headDim]}: keys, then values
     * @return {@code [2, B, H, tokens so far, headDim]}, this step's included
     */
    NDArray appendPacked(int slot, NDArray kv) {
        slots[slot].set(new NDIndex(":, :, :, {}:{}", length, length + pending), kv);
        return slots[slot].get(kv.getManager(), new NDIndex(":, :, :, :{}", length + pending));
    }

    void commit() {
        length += pending;
        pending = 0;
    }

    /**
     * Hands the cache's memory back to the model for its next request. The cache must not be used
     * afterwards; closing twice does nothing.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            memory.giveBack(block);
        }
    }
}
