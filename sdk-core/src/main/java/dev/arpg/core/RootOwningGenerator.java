package dev.arpg.core;

import ai.djl.ndarray.NDManager;
import dev.arpg.api.CancellationToken;
import dev.arpg.api.GenerationRequest;
import dev.arpg.api.GenerationResult;
import dev.arpg.api.Generator;
import dev.arpg.api.GridSpec;
import dev.arpg.api.ProgressListener;
import dev.arpg.api.SamplingSettings;
import java.util.Set;

/** A generator that also closes the root manager it was opened under. */
final class RootOwningGenerator implements Generator {
    private final NDManager root;
    private final Generator delegate;

    RootOwningGenerator(NDManager root, Generator delegate) {
        this.root = root;
        this.delegate = delegate;
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener listener, CancellationToken cancellation) {
        return delegate.generate(request, listener, cancellation);
    }

    @Override
    public GridSpec grid() {
        return delegate.grid();
    }

    @Override
    public int numClasses() {
        return delegate.numClasses();
    }

    @Override
    public SamplingSettings recommendedSampling() {
        return delegate.recommendedSampling();
    }

    @Override
    public Set<String> conditions() {
        return delegate.conditions();
    }

    @Override
    public void close() {
        delegate.close();
        root.close();
    }
}
