package dev.arpg.core.inject;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.arpg.api.ConditionRegistry;
import dev.arpg.api.Generator;
import dev.arpg.api.ImageTokenizer;
import dev.arpg.core.bundle.LoadListener;
import dev.arpg.core.bundle.ModelBundle;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.generate.ArpgGenerator;
import java.nio.file.Path;

/**
 * Guice wiring of a generator: the device ({@code cpu} by default), the root {@link NDManager} on
 * it, the {@link ModelBundle}, the {@link ImageTokenizer} and the {@link Generator}, plus every
 * condition plugin through {@link ConditionModule}. Override any binding with
 * {@code Modules.override(new ArpgModule(dir)).with(yourModule)}. Close the {@link Generator} (and
 * then the root manager) when done.
 */
public final class ArpgModule extends AbstractModule {
    private final Path bundle;
    private final String device;

    /**
     * Wires a bundle on the CPU.
     *
     * @param bundle the bundle directory
     */
    public ArpgModule(Path bundle) {
        this(bundle, "cpu");
    }

    /**
     * Wires a bundle on a device.
     *
     * @param bundle the bundle directory
     * @param device {@code cpu}, {@code gpu} or {@code gpu:N}
     */
    public ArpgModule(Path bundle, String device) {
        this.bundle = bundle;
        this.device = device;
    }

    @Override
    protected void configure() {
        install(new ConditionModule());
    }

    @Provides
    @Singleton
    Device device() {
        return Devices.parse(device);
    }

    @Provides
    @Singleton
    NDManager rootManager(Device on) {
        return Engines.newRootManager(on);
    }

    @Provides
    @Singleton
    ModelBundle bundle() {
        return ModelBundle.read(bundle);
    }

    @Provides
    @Singleton
    ArpgGenerator arpgGenerator(ModelBundle model, NDManager root, ConditionRegistry conditions) {
        return ArpgGenerator.open(model, root, conditions, LoadListener.NONE);
    }

    @Provides
    @Singleton
    Generator generator(ArpgGenerator generator) {
        return generator;
    }

    @Provides
    @Singleton
    ImageTokenizer tokenizer(ArpgGenerator generator) {
        return generator.tokenizer();
    }
}
