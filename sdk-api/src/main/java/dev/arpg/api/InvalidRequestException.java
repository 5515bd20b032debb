package dev.arpg.api;

/** A request or setting that cannot be honoured: out-of-range class id, steps, temperature, etc. */
public class InvalidRequestException extends ArpgException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which value is wrong and what range is allowed
     */
    public InvalidRequestException(String message) {
        super(message);
    }
}
