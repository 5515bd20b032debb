package dev.arpg.api;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads typed values out of a condition's string parameters, naming the condition and the parameter
 * in every error: the helper a {@link Condition.Factory} uses to parse what it is given.
 *
 * <pre>{@code
 * ConditionParameters p = new ConditionParameters("sketch", params, Set.of("width"));
 * int width = p.integer("width", 3);
 * }</pre>
 */
public final class ConditionParameters {
    private final String condition;
    private final Map<String, String> values;

    /**
     * Wraps the parameters, rejecting names outside {@code known}.
     *
     * @param condition the condition's name, for messages
     * @param values the parameters given (null means none)
     * @param known every parameter name the condition accepts
     * @throws InvalidRequestException listing unknown names
     */
    public ConditionParameters(String condition, Map<String, String> values, Set<String> known) {
        this.condition = condition;
        this.values = values == null ? Map.of() : values;
        Set<String> unknown = new TreeSet<>(this.values.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new InvalidRequestException(condition + ": unknown parameter(s) " + unknown + "; known are "
                    + new TreeSet<>(known));
        }
    }

    /**
     * A finite number.
     *
     * @param key parameter name
     * @param fallback value when absent
     * @return the value
     */
    public double decimal(String key, double fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(condition + ": parameter '" + key + "' must be a finite number, got '"
                    + v + "'");
        }
    }

    /**
     * An integer.
     *
     * @param key parameter name
     * @param fallback value when absent
     * @return the value
     */
    public int integer(String key, int fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(condition + ": parameter '" + key + "' must be an integer, got '"
                    + v + "'");
        }
    }

    /**
     * {@code true} or {@code false}.
     *
     * @param key parameter name
     * @param fallback value when absent
     * @return the value
     */
    public boolean bool(String key, boolean fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidRequestException(condition + ": parameter '" + key
                    + "' must be true or false, got '" + v + "'");
        };
    }

    /**
     * One of a set of words (case-insensitive, returned in lower case).
     *
     * @param key parameter name
     * @param fallback value when absent
     * @param allowed the accepted words, in lower case
     * @return the value
     */
    public String choice(String key, String fallback, Set<String> allowed) {
        String v = values.getOrDefault(key, fallback).trim().toLowerCase(java.util.Locale.ROOT);
        if (!allowed.contains(v)) {
            throw new InvalidRequestException(condition + ": parameter '" + key + "' must be one of "
                    + new TreeSet<>(allowed) + ", got '" + values.get(key) + "'");
        }
        return v;
    }
}
