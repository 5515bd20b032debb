package dev.arpg.core.testing;

import dev.arpg.api.Condition;
import dev.arpg.api.ConditionProvider;
import dev.arpg.api.ControlMap;
import dev.arpg.api.GridSpec;
import dev.arpg.api.InvalidRequestException;
import java.awt.image.BufferedImage;
import java.util.Map;
import java.util.Set;

/**
 * A test plugin registered only through {@code META-INF/services} of the test class path: the
 * condition {@code luma} maps an image to its luminance (nearest resize to the grid's pixels),
 * optionally inverted.
 */
public final class LumaConditionProvider implements ConditionProvider {
    @Override
    public Map<String, Condition.Factory> conditions() {
        return Map.of("luma", LumaCondition::new);
    }

    /** The {@code luma} condition. */
    static final class LumaCondition implements Condition {
        private final boolean invert;

        LumaCondition(Map<String, String> parameters) {
            Set<String> unknown = new java.util.TreeSet<>(parameters.keySet());
            unknown.remove("invert");
            if (!unknown.isEmpty()) {
                throw new InvalidRequestException("luma: unknown parameter(s) " + unknown);
            }
            this.invert = Boolean.parseBoolean(parameters.getOrDefault("invert", "false"));
        }

        @Override
        public String name() {
            return "luma";
        }

        @Override
        public ControlMap prepare(BufferedImage image, GridSpec grid) {
            float[] v = new float[grid.height() * grid.width()];
            for (int y = 0; y < grid.height(); y++) {
                for (int x = 0; x < grid.width(); x++) {
                    int rgb = image.getRGB(x * image.getWidth() / grid.width(), y * image.getHeight() / grid.height());
                    float luma = (0.299f * ((rgb >> 16) & 255) + 0.587f * ((rgb >> 8) & 255) + 0.114f * (rgb & 255)) / 255f;
                    v[y * grid.width() + x] = invert ? 1 - luma : luma;
                }
            }
            return new ControlMap(1, grid.height(), grid.width(), v);
        }

        @Override
        public Map<String, String> parameters() {
            return Map.of("invert", Boolean.toString(invert));
        }
    }
}
