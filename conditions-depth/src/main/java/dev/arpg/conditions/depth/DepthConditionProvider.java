package dev.arpg.conditions.depth;

import dev.arpg.api.Condition;
import dev.arpg.api.ConditionProvider;
import java.util.Map;

/** Offers the {@code depth} condition; registered in {@code META-INF/services}. */
public final class DepthConditionProvider implements ConditionProvider {
    /** Creates the provider (for {@link java.util.ServiceLoader}). */
    public DepthConditionProvider() {
    }

    @Override
    public Map<String, Condition.Factory> conditions() {
        return Map.of(DepthCondition.NAME, parameters -> new DepthCondition(DepthSettings.parse(parameters)));
    }
}
