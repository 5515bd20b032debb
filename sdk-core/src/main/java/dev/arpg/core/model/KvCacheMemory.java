package dev.arpg.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The memory of one model's KV caches, kept from one request to the next. A cache is large (an
 * ARPG-L request of 4 images with guidance: 219 MB) and freshly mapped memory is slow to touch the
 * first time (the kernel clears every 4 KiB page as it is first written: 0.3-0.45 s for those 219 MB
 * on the benchmark's virtual machine, docs/benchmarks.md), so the block of a finished request is kept
 * for the next instead of being freed. At most one block is kept idle: the largest handed back.
 * Requests that run at the same time each get their own block. Thread-safe.
 */
final class KvCacheMemory {
    private final NDManager owner;
    /** The block kept for the next request, or {@code null}. */
    private NDArray idle;

    /**
     * @param owner the model's manager, which owns every block and frees them when it closes
     */
    KvCacheMemory(NDManager owner) {
        this.owner = owner;
    }

    /**
     * Takes the idle block if it holds at least {@code floats} values, else allocates one of exactly
     * that size. The contents are undefined: a cache reads only what it has written.
     *
     * @param floats float32 values needed
     * @return a flat float32 block of at least {@code floats} values, owned by the model's manager
     */
    NDArray lease(long floats) {
        synchronized (this) {
            if (idle != null && idle.size() >= floats) {
                NDArray block = idle;
                idle = null;
                return block;
            }
        }
        return owner.create(new Shape(floats), DataType.FLOAT32);
    }

    /**
     * Hands a leased block back: kept for the next request if it is larger than the idle one (which
     * is then freed), freed otherwise.
     *
     * @param block a block from {@link #lease}, no longer used
     */
    synchronized void giveBack(NDArray block) {
        if (!owner.isOpen()) {
            return;
        }
        NDArray freed = block;
        if (idle == null || idle.size() < block.size()) {
            freed = idle;
            idle = block;
        }
        if (freed != null) {
            freed.close();
        }
    }
}
