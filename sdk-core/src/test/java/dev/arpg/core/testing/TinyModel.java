package dev.arpg.core.testing;

import ai.djl.ndarray.NDManager;
import dev.arpg.core.decode.ParallelDecoder;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.model.ArpgTransformer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The golden tiny model and a decoder over it, as a JUnit extension: loaded into a manager of its
 * own before a test class's first test and closed after its last. Register it with
 * {@code @RegisterExtension static final TinyModel TINY = new TinyModel();}.
 */
public final class TinyModel implements BeforeAllCallback, AfterAllCallback {
    private final boolean prepared;
    private NDManager root;
    private ArpgTransformer model;
    private ParallelDecoder decoder;

    /** The model as loaded: decoding runs libtorch's products on the plain weights. */
    public TinyModel() {
        this(false);
    }

    private TinyModel(boolean prepared) {
        this.prepared = prepared;
    }

    /**
     * The model given {@link ArpgTransformer#prepareForDecoding}: decoding runs oneDNN's products on
     * blocked weights (the tests run where oneDNN is found; loading fails otherwise).
     *
     * @return the extension
     */
    public static TinyModel preparedForDecoding() {
        return new TinyModel(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        root = Engines.newRootManager();
        model = TinyArpg.load(root);
        if (prepared && !model.prepareForDecoding()) {
            throw new IllegalStateException("oneDNN was not found in libtorch_cpu.so");
        }
        decoder = new ParallelDecoder(model);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        model.close();
        root.close();
    }

    /** @return the manager the model lives in (the parent for the test's own arrays) */
    public NDManager manager() {
        return root;
    }

    /** @return the tiny model */
    public ArpgTransformer model() {
        return model;
    }

    /** @return a decoder over the tiny model */
    public ParallelDecoder decoder() {
        return decoder;
    }
}
