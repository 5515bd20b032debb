package dev.arpg.conditions.canny;

import dev.arpg.api.ConditionParameters;
import dev.arpg.api.InvalidRequestException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The settings of a {@link CannyCondition}, with the ControlNet/ControlAR defaults.
 *
 * @param low lower hysteresis threshold (default 100), {@code 0 <= low <= high}
 * @param high upper hysteresis threshold (default 200)
 * @param aperture Sobel aperture: 3 (default), 5 or 7
 * @param l2Gradient whether the gradient magnitude is the L2 norm instead of L1 (default false)
 * @param blur Gaussian pre-blur kernel size: 0 for none (default), else an odd size of at least 3
 * @param resolution where edges are found: {@code grid} (default; the image is resized to the grid's
 *     pixel size first, as ControlNet does) or {@code input} (at the image's own size; the binary
 *     edge map is then resized to the grid with nearest neighbour)
 */
public record CannySettings(double low, double high, int aperture, boolean l2Gradient, int blur, String resolution) {
    /** Parameter name of the low threshold. */
    public static final String LOW = "low";
    /** Parameter name of the high threshold. */
    public static final String HIGH = "high";
    /** Parameter name of the Sobel aperture. */
    public static final String APERTURE = "aperture";
    /** Parameter name of the L2 gradient flag. */
    public static final String L2 = "l2";
    /** Parameter name of the pre-blur kernel size. */
    public static final String BLUR = "blur";
    /** Parameter name of the where edges are found. */
    public static final String RESOLUTION = "resolution";
    /** The {@code resolution} values. */
    public static final Set<String> RESOLUTIONS = Set.of("grid", "input");
    /** The defaults. */
    public static final CannySettings DEFAULTS = new CannySettings(100, 200, 3, false, 0, "grid");

    /**
     * Checks every value.
     *
     * @param low lower hysteresis threshold (default 100), {@code 0 <= low <= high}
     * @param high upper hysteresis threshold (default 200)
     * @param aperture Sobel aperture: 3 (default), 5 or 7
     * @param l2Gradient whether the gradient magnitude is the L2 norm instead of L1 (default false)
     * @param blur Gaussian pre-blur kernel size: 0 for none (default), else an odd size of at least 3
     * @param resolution where edges are found: {@code grid} (default; the image is resized to the grid's
     *     pixel size first, as ControlNet does) or {@code input} (at the image's own size; the binary
     *     edge map is then resized to the grid with nearest neighbour)
     */
    public CannySettings {
        if (low < 0 || high < 0) {
            throw new InvalidRequestException("canny: thresholds must not be negative, got low " + low + ", high "
                    + high);
        }
        if (low > high) {
            throw new InvalidRequestException("canny: low threshold " + low + " is above high threshold " + high);
        }
        if (aperture != 3 && aperture != 5 && aperture != 7) {
            throw new InvalidRequestException("canny: aperture must be 3, 5 or 7, got " + aperture);
        }
        if (blur < 0 || blur == 1 || (blur > 0 && blur % 2 == 0)) {
            throw new InvalidRequestException("canny: blur must be 0 (off) or an odd kernel size >= 3, got " + blur);
        }
        if (!RESOLUTIONS.contains(resolution)) {
            throw new InvalidRequestException("canny: resolution must be one of " + RESOLUTIONS + ", got "
                    + resolution);
        }
    }

    /**
     * Reads settings from parameters; missing ones take the defaults.
     *
     * @param parameters parameter name to value
     * @return the settings
     * @throws InvalidRequestException for an unknown name or a bad value
     */
    public static CannySettings parse(Map<String, String> parameters) {
        ConditionParameters p = new ConditionParameters("canny", parameters, Set.of(LOW, HIGH, APERTURE, L2, BLUR, RESOLUTION));
        return new CannySettings(p.decimal(LOW, DEFAULTS.low), p.decimal(HIGH, DEFAULTS.high),
                p.integer(APERTURE, DEFAULTS.aperture), p.bool(L2, DEFAULTS.l2Gradient),
                p.integer(BLUR, DEFAULTS.blur), p.choice(RESOLUTION, DEFAULTS.resolution, RESOLUTIONS));
    }

    /** @return every parameter as a string, in a stable order */
    public Map<String, String> asParameters() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(LOW, number(low));
        m.put(HIGH, number(high));
        m.put(APERTURE, Integer.toString(aperture));
        m.put(L2, Boolean.toString(l2Gradient));
        m.put(BLUR, Integer.toString(blur));
        m.put(RESOLUTION, resolution);
        return m;
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
