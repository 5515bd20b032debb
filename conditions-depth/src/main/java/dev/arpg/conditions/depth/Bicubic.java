package dev.arpg.conditions.depth;

/**
 * Bicubic resampling of float planes (Keys kernel, a = -0.5, as PIL and PyTorch's antialiased
 * bicubic use). When shrinking, the kernel is widened by the scale factor so that every input pixel
 * contributes (antialiasing, like PIL's {@code Image.resize(..., BICUBIC)}). Pixels outside the
 * plane are left out and the weights renormalised. Results are not clamped.
 */
public final class Bicubic {
    private static final double A = -0.5;

    private Bicubic() {
    }

    /**
     * Resizes one plane.
     *
     * @param values {@code height * width} values, row-major
     * @param width input width
     * @param height input height
     * @param outWidth output width, positive
     * @param outHeight output height, positive
     * @return {@code outHeight * outWidth} values
     */
    public static float[] resize(float[] values, int width, int height, int outWidth, int outHeight) {
        if (width == outWidth && height == outHeight) {
            return values.clone();
        }
        float[] rows = new float[height * outWidth];
        Weights wx = new Weights(width, outWidth);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < outWidth; x++) {
                double s = 0;
                for (int k = 0; k < wx.count[x]; k++) {
                    s += wx.weight[x][k] * values[y * width + wx.first[x] + k];
                }
                rows[y * outWidth + x] = (float) s;
            }
        }
        float[] out = new float[outHeight * outWidth];
        Weights wy = new Weights(height, outHeight);
        for (int y = 0; y < outHeight; y++) {
            for (int x = 0; x < outWidth; x++) {
                double s = 0;
                for (int k = 0; k < wy.count[y]; k++) {
                    s += wy.weight[y][k] * rows[(wy.first[y] + k) * outWidth + x];
                }
                out[y * outWidth + x] = (float) s;
            }
        }
        return out;
    }

    static double kernel(double x) {
        double t = Math.abs(x);
        if (t < 1) {
            return ((A + 2) * t - (A + 3)) * t * t + 1;
        }
        if (t < 2) {
            return (((t - 5) * t + 8) * t - 4) * A;
        }
        return 0;
    }

    /** Per output position: first input index, number of taps, normalised weights. */
    private static final class Weights {
        final int[] first;
        final int[] count;
        final double[][] weight;

        Weights(int in, int out) {
            double scale = (double) in / out;
            double support = 2 * Math.max(scale, 1);
            double stretch = Math.max(scale, 1);
            first = new int[out];
            count = new int[out];
            weight = new double[out][];
            for (int i = 0; i < out; i++) {
                double center = (i + 0.5) * scale;
                int lo = Math.max(0, (int) Math.floor(center - support));
                int hi = Math.min(in, (int) Math.ceil(center + support));
                double[] w = new double[hi - lo];
                double sum = 0;
                for (int j = lo; j < hi; j++) {
                    w[j - lo] = kernel((j + 0.5 - center) / stretch);
                    sum += w[j - lo];
                }
                for (int j = 0; j < w.length; j++) {
                    w[j] /= sum;
                }
                first[i] = lo;
                count[i] = w.length;
                weight[i] = w;
            }
        }
    }
}
