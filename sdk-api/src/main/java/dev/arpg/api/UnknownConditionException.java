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
        this(name, known, "installed conditions");
    }

    /**
     * Creates the exception, saying which list the name was looked up in.
     *
     * @param name the unknown name
     * @param known the names that are available
     * @param where what the available names are, e.g. {@code control encoders of this model}
     */
    public UnknownConditionException(String name, Set<String> known, String where) {
        super("unknown condition '" + name + "'; " + where + ": " + known.stream().sorted().toList());
    }
}
