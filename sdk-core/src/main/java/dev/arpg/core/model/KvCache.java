package dev.arpg.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every token fed so far during one generation: one pair per self-attention
 * block plus the pair shared by all cross-attention blocks. Preallocated at full capacity and
 * written in place, so a step costs no concatenation; keys and values of a slot share one array
 * {@code [2, B, H, capacity, headDim]}, so a step writes and reads each slot once. All slots are
 * views of one allocation, which the C allocator maps and unmaps as a whole for a large model
 * (per-slot blocks stayed in its heap after each request and raised the peak memory). Belongs to
 * one request's manager.
 */
public final class KvCache {
    private final NDArray[] slots;
    private final int capacity;
    private int length;
    private int pending;

    /**
     * Allocates the cache.
     *
     * @param config the model sizes
     * @param batch rows of the batch (twice the images with classifier-free guidance)
     * @param capacity most tokens the cache will hold
     * @param manager the request's manager
     */
    public KvCache(ArpgConfig config, int batch, int capacity, NDManager manager) {
        this.slots = new NDArray[config.layersPerStage() + 1];
        NDArray all = manager.zeros(new Shape(slots.length, 2, batch, config.heads(), capacity, config.headDim()),
                DataType.FLOAT32);
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
}
