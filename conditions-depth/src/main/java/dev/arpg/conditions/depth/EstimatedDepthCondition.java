package dev.arpg.conditions.depth;

import dev.arpg.api.Condition;
import dev.arpg.api.ControlMap;
import dev.arpg.api.GridSpec;
import java.awt.image.BufferedImage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code depth} condition fed by a {@link DepthEstimator}: the control image is an ordinary
 * photo, its depth is estimated and then prepared like a given depth map. Pass an instance to
 * {@code ConditionInput.of(condition, photo)}. Thread-safe when the estimator is.
 */
public final class EstimatedDepthCondition implements Condition {
    private final DepthEstimator estimator;
    private final DepthCondition depth;
    private final Map<String, String> parameters;

    /**
     * Creates the condition.
     *
     * @param estimator computes the depth (not closed by this condition)
     * @param settings how the estimated depth is prepared
     */
    public EstimatedDepthCondition(DepthEstimator estimator, DepthSettings settings) {
        this.estimator = Objects.requireNonNull(estimator, "estimator");
        this.depth = new DepthCondition(settings);
        Map<String, String> all = new LinkedHashMap<>(depth.parameters());
        estimator.parameters().forEach((k, v) -> all.put("estimator." + k, v));
        this.parameters = Collections.unmodifiableMap(all);
    }

    @Override
    public String name() {
        return DepthCondition.NAME;
    }

    @Override
    public ControlMap prepare(BufferedImage image, GridSpec grid) {
        return depth.prepare(estimator.estimate(image), grid);
    }

    @Override
    public Map<String, String> parameters() {
        return parameters;
    }
}
