package dev.arpg.conditions.depth.torchscript;

import dev.arpg.api.InvalidRequestException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How a {@link TorchScriptDepthEstimator} feeds its model: the input size and the per-channel
 * normalisation {@code (rgb - mean) / std} applied to RGB in [0, 1]. Immutable.
 */
public final class TorchScriptOptions {
    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    private static final float[] HALF = {0.5f, 0.5f, 0.5f};

    private final int inputWidth;
    private final int inputHeight;
    private final float[] mean;
    private final float[] std;

    /**
     * Creates options.
     *
     * @param inputWidth model input width, or 0 to keep the image's width (then inputHeight must be 0 too)
     * @param inputHeight model input height, or 0
     * @param mean three channel means (R, G, B)
     * @param std three positive channel standard deviations
     * @throws InvalidRequestException for negative sizes or a bad mean/std
     */
    public TorchScriptOptions(int inputWidth, int inputHeight, float[] mean, float[] std) {
        if (inputWidth < 0 || inputHeight < 0 || (inputWidth == 0) != (inputHeight == 0)) {
            throw new InvalidRequestException("depth estimator: input size must be positive (or both 0 for the image"
                    + " size), got " + inputWidth + "x" + inputHeight);
        }
        if (mean == null || std == null || mean.length != 3 || std.length != 3) {
            throw new InvalidRequestException("depth estimator: mean and std need 3 values (R, G, B)");
        }
        for (int c = 0; c < 3; c++) {
            if (!Float.isFinite(mean[c]) || !(std[c] > 0) || !Float.isFinite(std[c])) {
                throw new InvalidRequestException("depth estimator: mean must be finite and std positive, got mean "
                        + Arrays.toString(mean) + ", std " + Arrays.toString(std));
            }
        }
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /**
     * MiDaS v2.1 (large, {@code dpt_*} excluded): 384x384, ImageNet mean and std.
     *
     * @return the options
     */
    public static TorchScriptOptions midas() {
        return new TorchScriptOptions(384, 384, IMAGENET_MEAN, IMAGENET_STD);
    }

    /**
     * DPT / MiDaS v3 models: 384x384, mean 0.5 and std 0.5 (input in [-1, 1]).
     *
     * @return the options
     */
    public static TorchScriptOptions dpt() {
        return new TorchScriptOptions(384, 384, HALF, HALF);
    }

    /** @return model input width, 0 for the image's */
    public int inputWidth() {
        return inputWidth;
    }

    /** @return model input height, 0 for the image's */
    public int inputHeight() {
        return inputHeight;
    }

    /** @return channel means (copy) */
    public float[] mean() {
        return mean.clone();
    }

    /** @return channel standard deviations (copy) */
    public float[] std() {
        return std.clone();
    }

    /** @return the options as report parameters */
    public Map<String, String> asParameters() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("input", inputWidth == 0 ? "image" : inputWidth + "x" + inputHeight);
        m.put("mean", join(mean));
        m.put("std", join(std));
        return m;
    }

    private static String join(float[] v) {
        return String.format(Locale.ROOT, "%s,%s,%s", v[0], v[1], v[2]);
    }
}
