package dev.arpg.core.autograd;

/** Test helper: lets the collector free what is unreachable, as it may between forward and backward. */
public final class GarbageCollections {
    private GarbageCollections() {}

    /** Full collections, with time for the cleaner thread to free unreachable direct buffers. */
    public static void collect() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
    }
}
