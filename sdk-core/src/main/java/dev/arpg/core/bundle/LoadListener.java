package dev.arpg.core.bundle;

/** Hears about a bundle being loaded, one call per part (transformer, tokenizer, each control encoder). */
@FunctionalInterface
public interface LoadListener {
    /** A listener that ignores every event. */
    LoadListener NONE = (part, done, total) -> { };

    /**
     * Called after a part has been loaded.
     *
     * @param part the part's weight file as the bundle names it
     * @param done parts loaded so far, from 1
     * @param total parts in the bundle
     */
    void loaded(String part, int done, int total);
}
