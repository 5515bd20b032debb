package dev.arpg.samples.plugin.colorlayout;

import dev.arpg.api.Condition;
import dev.arpg.api.ConditionProvider;
import java.util.Map;

/**
 * Offers the {@code color} condition. Listed in {@code
 * META-INF/services/dev.arpg.api.ConditionProvider}, so a jar holding it is found by {@link
 * java.util.ServiceLoader} (and by sdk-core's Guice module) with no code in the SDK.
 */
public final class ColorLayoutProvider implements ConditionProvider {
    /** Creates the provider; ServiceLoader needs a public no-argument constructor. */
    public ColorLayoutProvider() {
    }

    @Override
    public Map<String, Condition.Factory> conditions() {
        return Map.of(ColorLayoutCondition.NAME, ColorLayoutCondition::new);
    }
}
