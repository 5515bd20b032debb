package dev.arpg.api;

import java.util.Map;

/**
 * Service interface through which plugins offer conditions. Register an implementation in
 * {@code META-INF/services/dev.arpg.api.ConditionProvider}; {@link ConditionRegistry#discover}
 * finds it. When two providers offer the same name, the higher {@link #priority()} wins; equal
 * priorities are an error naming both providers.
 */
public interface ConditionProvider {
    /** @return condition name to factory */
    Map<String, Condition.Factory> conditions();

    /** @return the priority of this provider's conditions; built-in plugins use 0 */
    default int priority() {
        return 0;
    }
}
