package dev.arpg.core.model;

import ai.djl.ndarray.NDArray;

/**
 * Receives intermediate activations of a forward pass, named like the reference's module paths
 * ({@code embeddings.input}, {@code layers.self_dec.0}, {@code layers.to_k}, {@code head}, ...).
 * Used by parity tests and debugging tools; the array is only valid during the call (decoding
 * frees activations as soon as the next one is made): a recorder that keeps one copies it.
 */
@FunctionalInterface
public interface ActivationRecorder {
    /** Records nothing. */
    ActivationRecorder NONE = (name, value) -> { };

    /**
     * Called once per named activation.
     *
     * @param name module path of the activation
     * @param value the activation
     */
    void record(String name, NDArray value);
}
