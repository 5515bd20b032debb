package dev.arpg.conditions.depth;

import dev.arpg.api.InvalidRequestException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Reads typed values out of a condition's string parameters, naming the parameter in every error. */
final class Parameters {
    private final String condition;
    private final Map<String, String> values;

    Parameters(String condition, Map<String, String> values, Set<String> known) {
        this.condition = condition;
        this.values = values == null ? Map.of() : values;
        Set<String> unknown = new TreeSet<>(this.values.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new InvalidRequestException(condition + ": unknown parameter(s) " + unknown + "; known are "
                    + new TreeSet<>(known));
        }
    }

    double decimal(String key, double fallback) {
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

    int integer(String key, int fallback) {
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

    boolean bool(String key, boolean fallback) {
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

    String choice(String key, String fallback, Set<String> allowed) {
        String v = values.getOrDefault(key, fallback).trim().toLowerCase(java.util.Locale.ROOT);
        if (!allowed.contains(v)) {
            throw new InvalidRequestException(condition + ": parameter '" + key + "' must be one of "
                    + new TreeSet<>(allowed) + ", got '" + values.get(key) + "'");
        }
        return v;
    }
}
