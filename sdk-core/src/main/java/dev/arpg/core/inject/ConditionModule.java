package dev.arpg.core.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import dev.arpg.api.Condition;
import dev.arpg.api.ConditionRegistry;
import java.util.Map;

/**
 * Binds every {@link dev.arpg.api.ConditionProvider} found by {@code ServiceLoader} into a
 * {@code MapBinder<String, Condition.Factory>} by condition name (priorities resolved first), and
 * provides the {@link ConditionRegistry} built from that map. A user module may add its own
 * factories to the same map binder; a name bound twice is a Guice error.
 */
public final class ConditionModule extends AbstractModule {
    private final ClassLoader loader;

    /** Discovers providers on this class's class loader. */
    public ConditionModule() {
        this(ConditionModule.class.getClassLoader());
    }

    /**
     * Discovers providers on a given class loader.
     *
     * @param loader where to look
     */
    public ConditionModule(ClassLoader loader) {
        this.loader = loader;
    }

    @Override
    protected void configure() {
        MapBinder<String, Condition.Factory> binder = MapBinder.newMapBinder(binder(), String.class, Condition.Factory.class);
        ConditionRegistry.discover(loader).factories().forEach((name, factory) -> binder.addBinding(name).toInstance(factory));
    }

    @Provides
    @Singleton
    ConditionRegistry registry(Map<String, Condition.Factory> factories) {
        return ConditionRegistry.ofFactories(factories);
    }
}
