package dev.arpg.api;

/**
 * A model or weight file that cannot be used: unreadable, truncated, corrupt, unsafe (a pickle that
 * asks for a global outside the allow-list) or not matching the model it is loaded into.
 */
public class ModelLoadException extends ArpgException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which file or tensor is wrong, and how
     */
    public ModelLoadException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message which file or tensor is wrong, and how
     * @param cause the lower-level failure (usually an {@link java.io.IOException})
     */
    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
