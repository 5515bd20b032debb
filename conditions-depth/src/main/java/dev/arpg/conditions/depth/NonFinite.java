package dev.arpg.conditions.depth;

import java.util.Locale;

/** What a {@link DepthCondition} does with NaN and infinite depth values. */
public enum NonFinite {
    /** Refuse the map, naming the first bad pixel (default). */
    REJECT,
    /** Replace them with the farthest finite value (typical for sky or missing returns). */
    FAR,
    /** Replace them with the nearest finite value. */
    NEAR;

    /** @return the parameter spelling, e.g. {@code far} */
    public String parameter() {
        return name().toLowerCase(Locale.ROOT);
    }
}
