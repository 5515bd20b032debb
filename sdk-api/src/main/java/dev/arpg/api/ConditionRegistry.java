package dev.arpg.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The conditions available by name, gathered from {@link ConditionProvider}s. Immutable.
 */
public final class ConditionRegistry {
    private final Map<String, Condition.Factory> factories;

    private ConditionRegistry(Map<String, Condition.Factory> factories) {
        this.factories = Collections.unmodifiableMap(factories);
    }

    /**
     * Finds every provider on a class path through {@link ServiceLoader}.
     *
     * @param loader where to look
     * @return the registry
     * @throws ArpgException if two providers of equal priority offer the same name
     */
    public static ConditionRegistry discover(ClassLoader loader) {
        return of(ServiceLoader.load(ConditionProvider.class, loader));
    }

    /**
     * Builds a registry from given providers; the higher priority wins a shared name.
     *
     * @param providers the providers
     * @return the registry
     * @throws ArpgException if two providers of equal priority offer the same name
     */
    public static ConditionRegistry of(Iterable<? extends ConditionProvider> providers) {
        Map<String, Condition.Factory> factories = new LinkedHashMap<>();
        Map<String, ConditionProvider> owners = new LinkedHashMap<>();
        for (ConditionProvider provider : providers) {
            for (Map.Entry<String, Condition.Factory> e : provider.conditions().entrySet()) {
                String name = Objects.requireNonNull(e.getKey(), "condition name");
                ConditionProvider previous = owners.get(name);
                if (previous != null && previous.priority() == provider.priority()) {
                    throw new ArpgException("condition '" + name + "' is offered by both "
                            + previous.getClass().getName() + " and " + provider.getClass().getName()
                            + " with priority " + provider.priority() + "; give one a higher priority");
                }
                if (previous == null || provider.priority() > previous.priority()) {
                    owners.put(name, provider);
                    factories.put(name, e.getValue());
                }
            }
        }
        return new ConditionRegistry(factories);
    }

    /**
     * Wraps factories that are already resolved by name (e.g. a Guice {@code MapBinder}).
     *
     * @param factories name to factory
     * @return the registry
     */
    public static ConditionRegistry ofFactories(Map<String, Condition.Factory> factories) {
        return new ConditionRegistry(new LinkedHashMap<>(factories));
    }

    /** @return the names available */
    public Set<String> names() {
        return factories.keySet();
    }

    /** @return name to factory, unmodifiable */
    public Map<String, Condition.Factory> factories() {
        return factories;
    }

    /**
     * Builds a condition by name.
     *
     * @param name the condition name
     * @param parameters its parameters
     * @return the condition
     * @throws UnknownConditionException if no provider offers the name
     */
    public Condition create(String name, Map<String, String> parameters) {
        Condition.Factory factory = factories.get(name);
        if (factory == null) {
            throw new UnknownConditionException(name, factories.keySet());
        }
        return factory.create(parameters);
    }
}
