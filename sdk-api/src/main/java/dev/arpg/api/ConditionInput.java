package dev.arpg.api;

import java.awt.image.BufferedImage;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One condition of a request: which condition (by name, or an instance), its control image, its
 * parameters, and how strongly and when it acts. Immutable.
 *
 * <p>{@code conditioningScale} multiplies the condition's query offsets; the condition is active on
 * the decoding steps {@code s} of {@code S} with {@code s/S >= guidanceStart} and {@code (s+1)/S <=
 * guidanceEnd} (the rule of ControlNet in diffusers).
 */
public final class ConditionInput {
    private final String name;
    private final Condition condition;
    private final BufferedImage image;
    private final Map<String, String> parameters;
    private final double conditioningScale;
    private final double guidanceStart;
    private final double guidanceEnd;

    private ConditionInput(Builder b) {
        this.name = b.condition != null ? b.condition.name() : b.name;
        this.condition = b.condition;
        this.image = b.image;
        this.parameters = Map.copyOf(new TreeMap<>(b.parameters));
        this.conditioningScale = b.scale;
        this.guidanceStart = b.start;
        this.guidanceEnd = b.end;
    }

    /** @return the condition name */
    public String name() {
        return name;
    }

    /** @return the caller's condition instance, or empty when it is looked up by name */
    public Optional<Condition> condition() {
        return Optional.ofNullable(condition);
    }

    /** @return the control image */
    public BufferedImage image() {
        return image;
    }

    /** @return parameters for the condition's factory (ignored for a given instance) */
    public Map<String, String> parameters() {
        return parameters;
    }

    /** @return the multiplier of the condition's query offsets */
    public double conditioningScale() {
        return conditioningScale;
    }

    /** @return fraction of the steps before which the condition is off */
    public double guidanceStart() {
        return guidanceStart;
    }

    /** @return fraction of the steps after which the condition is off */
    public double guidanceEnd() {
        return guidanceEnd;
    }

    /**
     * Whether the condition acts at a step.
     *
     * @param step 0-based step
     * @param steps number of steps
     * @return true within [guidanceStart, guidanceEnd]
     */
    public boolean activeAt(int step, int steps) {
        return (double) step / steps >= guidanceStart && (step + 1.0) / steps <= guidanceEnd;
    }

    /** Settings of one condition; {@link #build()} checks them. */
    public static final class Builder {
        private final String name;
        private final Condition condition;
        private final BufferedImage image;
        private final Map<String, String> parameters = new TreeMap<>();
        private double scale = 1.0;
        private double start;
        private double end = 1.0;

        Builder(String name, Condition condition, BufferedImage image) {
            this.name = name;
            this.condition = condition;
            this.image = image;
        }

        /**
         * @param value multiplier of the condition's offsets, finite (default 1)
         * @return this builder
         */
        public Builder scale(double value) {
            this.scale = value;
            return this;
        }

        /**
         * @param startFraction fraction of the steps where the condition starts acting (default 0)
         * @param endFraction fraction of the steps where it stops (default 1)
         * @return this builder
         */
        public Builder guidance(double startFraction, double endFraction) {
            this.start = startFraction;
            this.end = endFraction;
            return this;
        }

        /**
         * @param key parameter name, e.g. {@code low} for Canny
         * @param value its value
         * @return this builder
         */
        public Builder parameter(String key, String value) {
            parameters.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * @param values parameters to add
         * @return this builder
         */
        public Builder parameters(Map<String, String> values) {
            values.forEach(this::parameter);
            return this;
        }

        /**
         * Checks and builds.
         *
         * @return the input
         * @throws InvalidRequestException naming the bad value
         */
        public ConditionInput build() {
            String label = condition != null ? condition.name() : name;
            if (label == null || label.isBlank()) {
                throw new InvalidRequestException("a condition needs a name");
            }
            if (image == null) {
                throw new InvalidRequestException("condition '" + label + "' has no control image");
            }
            if (!Double.isFinite(scale)) {
                throw new InvalidRequestException("condition '" + label + "': conditioningScale must be finite, got "
                        + scale);
            }
            if (!(start >= 0 && end <= 1 && start <= end)) {
                throw new InvalidRequestException("condition '" + label + "': need 0 <= guidanceStart <= guidanceEnd"
                        + " <= 1, got start " + start + ", end " + end);
            }
            return new ConditionInput(this);
        }
    }

    /**
     * Starts a condition looked up by name among the installed plugins.
     *
     * @param name the condition name
     * @param image the control image
     * @return a builder
     */
    public static Builder named(String name, BufferedImage image) {
        return new Builder(name, null, image);
    }

    /**
     * Starts a condition from an instance the caller built.
     *
     * @param condition the condition
     * @param image the control image
     * @return a builder
     */
    public static Builder of(Condition condition, BufferedImage image) {
        return new Builder(null, Objects.requireNonNull(condition, "condition"), image);
    }
}
