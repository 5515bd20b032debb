package dev.arpg.api;

/**
 * Lets one thread ask a running generation to stop. The generation checks the token between
 * decoding steps and then throws {@link GenerationCancelledException}. Thread-safe.
 */
public final class CancellationToken {
    private volatile boolean cancelled;

    /** Asks the generation that holds this token to stop at the next step boundary. */
    public void cancel() {
        cancelled = true;
    }

    /**
     * Whether {@link #cancel()} was called.
     *
     * @return true once cancelled
     */
    public boolean isCancelled() {
        return cancelled;
    }
}
