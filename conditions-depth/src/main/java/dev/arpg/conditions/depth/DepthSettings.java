package dev.arpg.conditions.depth;

import dev.arpg.api.ConditionParameters;
import dev.arpg.api.InvalidRequestException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The settings of a {@link DepthCondition}.
 *
 * @param invert false (default): the input is relative inverse depth, near = large (MiDaS, DPT, ControlNet
 *     depth PNGs); true: the input is depth, far = large (metric depth, Z buffers), and the normalised
 *     map is flipped ({@code 1 - v}) so that near is bright either way
 * @param clipLow lower percentile clipped before normalising, in [0, 100) (default 0: none)
 * @param clipHigh upper percentile, in (clipLow, 100] (default 100: none)
 * @param nonFinite what to do with NaN and infinite values (default {@link NonFinite#REJECT})
 */
public record DepthSettings(boolean invert, double clipLow, double clipHigh, NonFinite nonFinite) {
    /** Parameter name of the input is depth (far = large). */
    public static final String INVERT = "invert";
    /** Parameter name of the lower clip percentile. */
    public static final String CLIP_LOW = "clipLow";
    /** Parameter name of the upper clip percentile. */
    public static final String CLIP_HIGH = "clipHigh";
    /** Parameter name of the NaN/Inf policy. */
    public static final String NON_FINITE = "nonFinite";
    /** The defaults. */
    public static final DepthSettings DEFAULTS = new DepthSettings(false, 0, 100, NonFinite.REJECT);

    /**
     * Checks the values.
     *
     * @param invert false (default): the input is relative inverse depth, near = large (MiDaS, DPT, ControlNet
     *     depth PNGs); true: the input is depth, far = large (metric depth, Z buffers), and the normalised
     *     map is flipped ({@code 1 - v}) so that near is bright either way
     * @param clipLow lower percentile clipped before normalising, in [0, 100) (default 0: none)
     * @param clipHigh upper percentile, in (clipLow, 100] (default 100: none)
     * @param nonFinite what to do with NaN and infinite values (default {@link NonFinite#REJECT})
     */
    public DepthSettings {
        if (!(clipLow >= 0 && clipLow < clipHigh && clipHigh <= 100)) {
            throw new InvalidRequestException("depth: need 0 <= clipLow < clipHigh <= 100 (percentiles), got clipLow "
                    + clipLow + ", clipHigh " + clipHigh);
        }
        if (nonFinite == null) {
            throw new InvalidRequestException("depth: nonFinite policy missing");
        }
    }

    /**
     * Reads settings from parameters; missing ones take the defaults.
     *
     * @param parameters name to value
     * @return the settings
     * @throws InvalidRequestException for an unknown name or a bad value
     */
    public static DepthSettings parse(Map<String, String> parameters) {
        ConditionParameters p = new ConditionParameters("depth", parameters, Set.of(INVERT, CLIP_LOW, CLIP_HIGH, NON_FINITE));
        Set<String> policies = Arrays.stream(NonFinite.values()).map(NonFinite::parameter).collect(Collectors.toSet());
        return new DepthSettings(p.bool(INVERT, DEFAULTS.invert), p.decimal(CLIP_LOW, DEFAULTS.clipLow),
                p.decimal(CLIP_HIGH, DEFAULTS.clipHigh),
                NonFinite.valueOf(p.choice(NON_FINITE, DEFAULTS.nonFinite.parameter(), policies)
                        .toUpperCase(java.util.Locale.ROOT)));
    }

    /** @return every parameter as a string */
    public Map<String, String> asParameters() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(INVERT, Boolean.toString(invert));
        m.put(CLIP_LOW, number(clipLow));
        m.put(CLIP_HIGH, number(clipHigh));
        m.put(NON_FINITE, nonFinite.parameter());
        return m;
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
