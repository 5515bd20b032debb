package dev.arpg.conditions.canny;

import dev.arpg.api.Condition;
import dev.arpg.api.ConditionProvider;
import java.util.Map;

/** Offers the {@code canny} condition; registered in {@code META-INF/services}. */
public final class CannyConditionProvider implements ConditionProvider {
    /** Creates the provider (for {@link java.util.ServiceLoader}). */
    public CannyConditionProvider() {
    }

    @Override
    public Map<String, Condition.Factory> conditions() {
        return Map.of(CannyCondition.NAME, parameters -> new CannyCondition(CannySettings.parse(parameters)));
    }
}
