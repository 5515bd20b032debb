package dev.arpg.api;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * How tokens are decoded and drawn: steps, schedules, classifier-free guidance, temperature, top-k,
 * top-p, decoding order and seed. Immutable; build one with {@link #builder()}. Values are checked
 * when built; the step count is checked against the model's token count when a request runs.
 *
 * <p>Defaults follow ARPG: 64 steps, arccos schedule, constant guidance 4.0, temperature 1.0, no
 * top-k or top-p filtering, random order, a fresh seed per request.
 */
public final class SamplingSettings {
    private final int steps;
    private final double guidance;
    private final CfgSchedule cfgSchedule;
    private final SampleSchedule sampleSchedule;
    private final double temperature;
    private final int topK;
    private final double topP;
    private final boolean greedy;
    private final DecodingOrder order;
    private final Long seed;

    private SamplingSettings(Builder b) {
        this.steps = b.steps;
        this.guidance = b.guidance;
        this.cfgSchedule = b.cfgSchedule;
        this.sampleSchedule = b.sampleSchedule;
        this.temperature = b.temperature;
        this.topK = b.topK;
        this.topP = b.topP;
        this.greedy = b.greedy;
        this.order = b.order;
        this.seed = b.seed;
    }

    /**
     * The default settings.
     *
     * @return settings with every default
     */
    public static SamplingSettings defaults() {
        return builder().build();
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from these settings.
     *
     * @return a new builder holding this object's values
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.steps = steps;
        b.guidance = guidance;
        b.cfgSchedule = cfgSchedule;
        b.sampleSchedule = sampleSchedule;
        b.temperature = temperature;
        b.topK = topK;
        b.topP = topP;
        b.greedy = greedy;
        b.order = order;
        b.seed = seed;
        return b;
    }

    /** @return the number of decoding steps */
    public int steps() {
        return steps;
    }

    /** @return the classifier-free guidance value (0 = unconditional logits, 1 = conditional only) */
    public double guidance() {
        return guidance;
    }

    /** @return how the guidance scale evolves over the steps */
    public CfgSchedule cfgSchedule() {
        return cfgSchedule;
    }

    /** @return how many tokens each step decides */
    public SampleSchedule sampleSchedule() {
        return sampleSchedule;
    }

    /** @return the softmax temperature (unused when {@link #greedy()}) */
    public double temperature() {
        return temperature;
    }

    /** @return keep only the k most likely tokens; 0 keeps all */
    public int topK() {
        return topK;
    }

    /** @return nucleus filtering threshold in (0, 1]; 1 keeps all */
    public double topP() {
        return topP;
    }

    /** @return true to take the most likely token instead of drawing one */
    public boolean greedy() {
        return greedy;
    }

    /** @return the decoding order */
    public DecodingOrder order() {
        return order;
    }

    /** @return the seed, or empty when each run picks a fresh one (reported in its result) */
    public OptionalLong seed() {
        return seed == null ? OptionalLong.empty() : OptionalLong.of(seed);
    }

    @Override
    public String toString() {
        return "SamplingSettings{steps=" + steps + ", guidance=" + guidance + ", cfgSchedule=" + cfgSchedule
                + ", sampleSchedule=" + sampleSchedule + ", temperature=" + temperature + ", topK=" + topK
                + ", topP=" + topP + ", greedy=" + greedy + ", order=" + order + ", seed=" + seed + "}";
    }

    /** Builds {@link SamplingSettings}; {@link #build()} checks every value. */
    public static final class Builder {
        private int steps = 64;
        private double guidance = 4.0;
        private CfgSchedule cfgSchedule = CfgSchedule.CONSTANT;
        private SampleSchedule sampleSchedule = SampleSchedule.ARCCOS;
        private double temperature = 1.0;
        private int topK;
        private double topP = 1.0;
        private boolean greedy;
        private DecodingOrder order = DecodingOrder.random();
        private Long seed;

        private Builder() {
        }

        /**
         * @param value number of decoding steps, from 1 to the model's token count; an edit
         *     (inpainting, outpainting) decides fewer tokens, and more steps than it decides mean
         *     one token per step (the result's settings give the steps used)
         * @return this builder
         */
        public Builder steps(int value) {
            this.steps = value;
            return this;
        }

        /**
         * @param value classifier-free guidance, finite and {@code >= 0}
         * @return this builder
         */
        public Builder guidance(double value) {
            this.guidance = value;
            return this;
        }

        /**
         * @param value the guidance schedule
         * @return this builder
         */
        public Builder cfgSchedule(CfgSchedule value) {
            this.cfgSchedule = Objects.requireNonNull(value, "cfgSchedule");
            return this;
        }

        /**
         * @param value the step schedule
         * @return this builder
         */
        public Builder sampleSchedule(SampleSchedule value) {
            this.sampleSchedule = Objects.requireNonNull(value, "sampleSchedule");
            return this;
        }

        /**
         * @param value softmax temperature, finite and {@code > 0} unless greedy
         * @return this builder
         */
        public Builder temperature(double value) {
            this.temperature = value;
            return this;
        }

        /**
         * @param value keep the k most likely tokens, {@code >= 0}; 0 disables
         * @return this builder
         */
        public Builder topK(int value) {
            this.topK = value;
            return this;
        }

        /**
         * @param value nucleus threshold in (0, 1]; 1 disables
         * @return this builder
         */
        public Builder topP(double value) {
            this.topP = value;
            return this;
        }

        /**
         * @param value true to take the argmax of the guided logits instead of drawing
         * @return this builder
         */
        public Builder greedy(boolean value) {
            this.greedy = value;
            return this;
        }

        /**
         * @param value the decoding order
         * @return this builder
         */
        public Builder order(DecodingOrder value) {
            this.order = Objects.requireNonNull(value, "order");
            return this;
        }

        /**
         * @param value the seed of the order and of every draw
         * @return this builder
         */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * Checks the values and builds the settings.
         *
         * @return the settings
         * @throws InvalidRequestException naming the first value out of range
         */
        public SamplingSettings build() {
            if (steps < 1) {
                throw new InvalidRequestException("steps must be >= 1, got " + steps);
            }
            if (!Double.isFinite(guidance) || guidance < 0) {
                throw new InvalidRequestException("guidance must be finite and >= 0, got " + guidance);
            }
            if (!greedy && !(Double.isFinite(temperature) && temperature > 0)) {
                throw new InvalidRequestException(
                        "temperature must be finite and > 0 when sampling, got " + temperature
                                + " (use greedy(true) for argmax decoding)");
            }
            if (topK < 0) {
                throw new InvalidRequestException("topK must be >= 0 (0 disables it), got " + topK);
            }
            if (!(topP > 0 && topP <= 1)) {
                throw new InvalidRequestException("topP must be in (0, 1], got " + topP);
            }
            return new SamplingSettings(this);
        }
    }
}
