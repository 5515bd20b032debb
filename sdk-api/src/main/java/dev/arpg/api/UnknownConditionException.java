package dev.arpg.api;

import java.util.Set;

/** A request named a condition that no installed plugin provides. */
public class UnknownConditionException extends InvalidRequestException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param name the unknown name
     * @param known the names that are installed
     */
    public UnknownConditionException(String name, Set<String> known) {
        super("unknown condition '" + name + "'; installed conditions: " + known.stream().sorted().toList());
    }
}
