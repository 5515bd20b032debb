package dev.arpg.api;

import java.util.Set;

/**
 * Generates images. Implementations are thread-safe: concurrent calls run as independent requests,
 * each with its own seed and scope. Close the generator to free the model.
 */
public interface Generator extends AutoCloseable {
    /**
     * Generates without progress reports.
     *
     * @param request what to generate
     * @return the result
     */
    default GenerationResult generate(GenerationRequest request) {
        return generate(request, ProgressListener.NONE, new CancellationToken());
    }

    /**
     * Generates, reporting every step and stopping when cancelled.
     *
     * @param request what to generate
     * @param listener told after every step
     * @param cancellation checked between steps
     * @return the result
     * @throws InvalidRequestException for a request the model cannot honour
     * @throws GenerationCancelledException when cancelled
     */
    GenerationResult generate(GenerationRequest request, ProgressListener listener, CancellationToken cancellation);

    /** @return the token grid of the generated images */
    GridSpec grid();

    /** @return the number of class labels the model knows */
    int numClasses();

    /** @return the sampling settings the model recommends (start requests from them) */
    SamplingSettings recommendedSampling();

    /** @return the conditions this generator's model has control encoders for */
    Set<String> conditions();

    /** Frees the model. */
    @Override
    void close();
}
