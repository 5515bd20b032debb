package dev.arpg.api;

/**
 * Root of every exception the ARPG SDK throws on purpose.
 *
 * <p>Unchecked, so callers catch it where they can act on it. The subclasses say which side is at
 * fault: the request ({@link InvalidRequestException}), the model files ({@link
 * ModelLoadException}) or the caller's decision to stop ({@link GenerationCancelledException}).
 */
public class ArpgException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message that names the problem.
     *
     * @param message what went wrong, in words a user can act on
     */
    public ArpgException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and the underlying cause.
     *
     * @param message what went wrong, in words a user can act on
     * @param cause the lower-level failure
     */
    public ArpgException(String message, Throwable cause) {
        super(message, cause);
    }
}
