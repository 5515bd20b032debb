package dev.arpg.api;

/** Thrown by a generation that was cancelled by its caller between two decoding steps. */
public class GenerationCancelledException extends ArpgException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message at which step the generation stopped
     */
    public GenerationCancelledException(String message) {
        super(message);
    }
}
