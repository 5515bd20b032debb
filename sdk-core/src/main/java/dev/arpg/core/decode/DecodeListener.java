package dev.arpg.core.decode;

/** Told after every decoding step; runs on the decoding thread, so keep it short. */
@FunctionalInterface
public interface DecodeListener {
    /** Listens to nothing. */
    DecodeListener NONE = progress -> { };

    /**
     * Called once per step, after its tokens are drawn.
     *
     * @param progress what the step decided and the tokens known so far
     */
    void onStep(DecodeProgress progress);
}
