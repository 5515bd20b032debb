package dev.arpg.core;

import ai.djl.ndarray.NDManager;
import dev.arpg.api.ConditionRegistry;
import dev.arpg.api.Generator;
import dev.arpg.core.bundle.LoadListener;
import dev.arpg.core.bundle.ModelBundle;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.generate.ArpgGenerator;
import dev.arpg.core.inject.Devices;
import java.nio.file.Path;

/** The shortest way in: open a model bundle as a {@link Generator}, without Guice. */
public final class Arpg {
    private Arpg() {
    }

    /**
     * Opens a bundle on the CPU with every condition plugin on the class path.
     *
     * @param bundleDirectory the bundle directory
     * @return a generator; close it to free the model
     */
    public static Generator load(Path bundleDirectory) {
        return load(ModelBundle.read(bundleDirectory), "cpu");
    }

    /**
     * Opens a bundle on a device with every condition plugin on the class path.
     *
     * @param bundle the bundle
     * @param device {@code cpu}, {@code gpu} or {@code gpu:N}
     * @return a generator; close it to free the model
     */
    public static Generator load(ModelBundle bundle, String device) {
        return load(bundle, device, LoadListener.NONE);
    }

    /**
     * Opens a bundle on a device with every condition plugin on the class path, reporting each part
     * as it is loaded (e.g. to draw a progress bar).
     *
     * @param bundle the bundle
     * @param device {@code cpu}, {@code gpu} or {@code gpu:N}
     * @param listener hears about each loaded part
     * @return a generator; close it to free the model
     */
    public static Generator load(ModelBundle bundle, String device, LoadListener listener) {
        NDManager root = Engines.newRootManager(Devices.parse(device));
        try {
            return new RootOwningGenerator(root, ArpgGenerator.open(bundle, root,
                    ConditionRegistry.discover(Arpg.class.getClassLoader()), listener));
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
    }
}
