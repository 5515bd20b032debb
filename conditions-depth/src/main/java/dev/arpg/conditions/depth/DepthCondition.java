package dev.arpg.conditions.depth;

import dev.arpg.api.Condition;
import dev.arpg.api.ControlMap;
import dev.arpg.api.GridSpec;
import dev.arpg.api.InvalidRequestException;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;

/**
 * A caller's depth map as a single-channel control map in [0, 1], near = bright (relative inverse
 * depth, min-max normalised), at exactly the grid's pixel size. Steps: read the raw values ({@link
 * DepthMaps#fromImage}: 8/16-bit grey, or float grey from {@link DepthMaps#toImage}); apply the
 * non-finite policy; clip to the percentiles; min-max normalise; flip if {@code invert}; resize
 * bicubic (antialiased when shrinking) and clamp to [0, 1]. Another aspect ratio is stretched.
 * Immutable and thread-safe.
 */
public final class DepthCondition implements Condition {
    /** The condition's name. */
    public static final String NAME = "depth";

    private final DepthSettings settings;

    /**
     * Creates the condition.
     *
     * @param settings its settings
     */
    public DepthCondition(DepthSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ControlMap prepare(BufferedImage image, GridSpec grid) {
        return prepare(DepthMaps.fromImage(image), grid);
    }

    /**
     * Prepares a raw depth map.
     *
     * @param depth the map
     * @param grid the grid
     * @return the control map
     * @throws InvalidRequestException for non-finite values under {@link NonFinite#REJECT} or a constant map
     */
    public ControlMap prepare(DepthMap depth, GridSpec grid) {
        Objects.requireNonNull(grid, "grid");
        float[] v = normalise(depth);
        float[] out = Bicubic.resize(v, depth.width(), depth.height(), grid.width(), grid.height());
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.min(1f, Math.max(0f, out[i]));
        }
        return new ControlMap(1, grid.height(), grid.width(), out);
    }

    /** The map in [0, 1] at its own size, near = 1. */
    float[] normalise(DepthMap depth) {
        float[] v = depth.values();
        double[] finite = Arrays.stream(toDoubles(v)).filter(Double::isFinite).sorted().toArray();
        if (finite.length < v.length && settings.nonFinite() == NonFinite.REJECT) {
            int i = 0;
            while (Float.isFinite(v[i])) {
                i++;
            }
            throw new InvalidRequestException("depth: value at (" + i % depth.width() + ", " + i / depth.width()
                    + ") is " + v[i] + "; set nonFinite=far or nonFinite=near to fill such values");
        }
        if (finite.length == 0) {
            throw new InvalidRequestException("depth: the depth map has no finite value");
        }
        double lo = percentile(finite, settings.clipLow());
        double hi = percentile(finite, settings.clipHigh());
        if (!(hi > lo)) {
            throw new InvalidRequestException("depth: the depth map is constant (every value "
                    + (settings.clipLow() > 0 || settings.clipHigh() < 100 ? "between the clip percentiles " : "")
                    + "is " + lo + "); there is no depth to condition on");
        }
        // "far" is the small end of inverse depth, the large end of depth (invert=true).
        boolean farIsLow = !settings.invert();
        double fill = (settings.nonFinite() == NonFinite.FAR) == farIsLow ? lo : hi;
        for (int i = 0; i < v.length; i++) {
            double x = Float.isFinite(v[i]) ? Math.min(hi, Math.max(lo, v[i])) : fill;
            double n = (x - lo) / (hi - lo);
            v[i] = (float) (settings.invert() ? 1 - n : n);
        }
        return v;
    }

    private static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /** Linear-interpolated percentile of sorted values, as {@code numpy.percentile}. */
    static double percentile(double[] sorted, double percent) {
        double pos = percent / 100 * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        if (i >= sorted.length - 1) {
            return sorted[sorted.length - 1];
        }
        return sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]);
    }

    @Override
    public Map<String, String> parameters() {
        return Collections.unmodifiableMap(settings.asParameters());
    }
}
