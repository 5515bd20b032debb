package dev.arpg.api;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything one generation needs: class labels (or none for unconditional images), images per
 * label, sampling settings, zero or more conditions, and an optional edit. Immutable; build one with
 * {@link #builder()}.
 *
 * <pre>{@code
 * GenerationRequest.builder()
 *     .classLabel(3)
 *     .condition("canny", edges, c -> c.scale(1.0).guidance(0.0, 0.8))
 *     .sampling(s -> s.steps(32).guidance(4.0).seed(42))
 *     .build();
 * }</pre>
 */
public final class GenerationRequest {
    private final int[] classLabels;
    private final int imagesPerLabel;
    private final SamplingSettings sampling;
    private final List<ConditionInput> conditions;
    private final double controlGuidance;
    private final Edit edit;

    private GenerationRequest(Builder b) {
        this.classLabels = b.classLabels.clone();
        this.imagesPerLabel = b.imagesPerLabel;
        this.sampling = b.sampling.build();
        this.conditions = List.copyOf(b.conditions);
        this.controlGuidance = b.controlGuidance;
        this.edit = b.edit;
    }

    /**
     * A builder with no label, one image, default sampling, no condition and no edit.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the class labels; empty for unconditional generation */
    public int[] classLabels() {
        return classLabels.clone();
    }

    /** @return images generated per class label (or in all, without labels) */
    public int imagesPerLabel() {
        return imagesPerLabel;
    }

    /** @return the sampling settings */
    public SamplingSettings sampling() {
        return sampling;
    }

    /** @return the conditions, in the order given */
    public List<ConditionInput> conditions() {
        return conditions;
    }

    /**
     * Extra guidance towards the conditions: when positive, a third batch runs without the
     * conditions and the logits move by {@code controlGuidance * (controlled - uncontrolled)}.
     *
     * @return the control guidance scale; 0 disables it
     */
    public double controlGuidance() {
        return controlGuidance;
    }

    /** @return the edit, if any */
    public Optional<Edit> edit() {
        return Optional.ofNullable(edit);
    }

    /** Builds a {@link GenerationRequest}; {@link #build()} checks it. */
    public static final class Builder {
        private int[] classLabels = new int[0];
        private int imagesPerLabel = 1;
        private SamplingSettings.Builder sampling = SamplingSettings.builder();
        private final List<ConditionInput> conditions = new ArrayList<>();
        private double controlGuidance;
        private Edit edit;

        private Builder() {
        }

        /**
         * @param label one class label
         * @return this builder
         */
        public Builder classLabel(int label) {
            return classLabels(label);
        }

        /**
         * @param labels class labels, one image (times {@link #imagesPerLabel}) each
         * @return this builder
         */
        public Builder classLabels(int... labels) {
            this.classLabels = labels.clone();
            return this;
        }

        /**
         * @param count images per label, {@code >= 1}
         * @return this builder
         */
        public Builder imagesPerLabel(int count) {
            this.imagesPerLabel = count;
            return this;
        }

        /**
         * @param settings sampling settings to start from
         * @return this builder
         */
        public Builder sampling(SamplingSettings settings) {
            this.sampling = settings.toBuilder();
            return this;
        }

        /**
         * @param edit changes to the sampling settings
         * @return this builder
         */
        public Builder sampling(Consumer<SamplingSettings.Builder> edit) {
            edit.accept(sampling);
            return this;
        }

        /**
         * Adds a condition looked up by name among the installed plugins.
         *
         * @param name condition name, e.g. {@code canny}
         * @param image the control image
         * @param settings scale, guidance window, parameters
         * @return this builder
         */
        public Builder condition(String name, BufferedImage image, Consumer<ConditionInput.Builder> settings) {
            ConditionInput.Builder b = ConditionInput.named(name, image);
            settings.accept(b);
            conditions.add(b.build());
            return this;
        }

        /**
         * Adds a condition with default settings.
         *
         * @param name condition name
         * @param image the control image
         * @return this builder
         */
        public Builder condition(String name, BufferedImage image) {
            return condition(name, image, c -> { });
        }

        /**
         * Adds a prepared condition input.
         *
         * @param input the condition
         * @return this builder
         */
        public Builder condition(ConditionInput input) {
            conditions.add(Objects.requireNonNull(input, "input"));
            return this;
        }

        /**
         * @param scale control guidance, finite and {@code >= 0}; 0 (default) disables it
         * @return this builder
         */
        public Builder controlGuidance(double scale) {
            this.controlGuidance = scale;
            return this;
        }

        /**
         * @param value an inpainting or outpainting edit
         * @return this builder
         */
        public Builder edit(Edit value) {
            this.edit = value;
            return this;
        }

        /**
         * Checks and builds.
         *
         * @return the request
         * @throws InvalidRequestException naming the bad value
         */
        public GenerationRequest build() {
            if (imagesPerLabel < 1) {
                throw new InvalidRequestException("imagesPerLabel must be >= 1, got " + imagesPerLabel);
            }
            if (Arrays.stream(classLabels).anyMatch(l -> l < 0)) {
                throw new InvalidRequestException("class labels must be >= 0, got " + Arrays.toString(classLabels));
            }
            if (!(Double.isFinite(controlGuidance) && controlGuidance >= 0)) {
                throw new InvalidRequestException("controlGuidance must be finite and >= 0, got " + controlGuidance);
            }
            if (controlGuidance > 0 && conditions.isEmpty()) {
                throw new InvalidRequestException("controlGuidance needs at least one condition");
            }
            return new GenerationRequest(this);
        }
    }
}
