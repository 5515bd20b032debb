package dev.arpg.samples.eval;

import dev.arpg.core.train.TrainingSample;
import dev.arpg.samples.shapes.ShapesDataset;
import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * The class-fidelity judge of the model card: a k-nearest-neighbour classifier over rotation- and
 * scale-invariant silhouette features, fitted on real procedural images. Features: the histogram of
 * foreground pixel distances to the centroid (normalised by the largest), the fill ratio of the
 * enclosing disc, and whether the centroid is foreground (rings are hollow).
 */
public final class ShapeClassifier {
    private static final int BINS = 12;
    private static final int K = 5;
    private final double[][] features;
    private final int[] labels;

    private ShapeClassifier(double[][] features, int[] labels) {
        this.features = features;
        this.labels = labels;
    }

    /**
     * Fits the classifier on real images.
     *
     * @param data the dataset (use a seed the generator never trained on)
     * @param samples images to remember
     * @return the classifier
     */
    public static ShapeClassifier fit(ShapesDataset data, int samples) {
        double[][] features = new double[samples][];
        int[] labels = new int[samples];
        for (int i = 0; i < samples; i++) {
            TrainingSample s = data.sample(i);
            features[i] = features(s.image());
            labels[i] = s.label();
        }
        return new ShapeClassifier(features, labels);
    }

    /**
     * Classifies an image.
     *
     * @param image a 32x32 shape image
     * @param classes number of classes
     * @return the predicted label
     */
    public int predict(BufferedImage image, int classes) {
        double[] f = features(image);
        Integer[] order = new Integer[features.length];
        double[] distance = new double[features.length];
        for (int i = 0; i < features.length; i++) {
            order[i] = i;
            double d = 0;
            for (int j = 0; j < f.length; j++) {
                d += (f[j] - features[i][j]) * (f[j] - features[i][j]);
            }
            distance[i] = d;
        }
        Arrays.sort(order, (a, b) -> Double.compare(distance[a], distance[b]));
        int[] votes = new int[classes];
        for (int i = 0; i < K; i++) {
            votes[labels[order[i]]]++;
        }
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (votes[c] > votes[best]) {
                best = c;
            }
        }
        return best;
    }

    static double[] features(BufferedImage image) {
        boolean[] mask = ImageMetrics.foreground(image, 60);
        int w = image.getWidth();
        double cx = 0;
        double cy = 0;
        int count = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                cx += i % w + 0.5;
                cy += i / w + 0.5;
                count++;
            }
        }
        double[] f = new double[BINS + 2];
        if (count == 0) {
            return f;
        }
        cx /= count;
        cy /= count;
        double[] r = new double[count];
        double max = 0;
        int k = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                r[k] = Math.hypot(i % w + 0.5 - cx, i / w + 0.5 - cy);
                max = Math.max(max, r[k++]);
            }
        }
        for (double v : r) {
            f[Math.min(BINS - 1, (int) (BINS * v / (max + 1e-9)))] += 1.0 / count;
        }
        f[BINS] = count / (Math.PI * max * max + 1e-9);
        int centre = (int) cy * w + (int) cx;
        f[BINS + 1] = centre >= 0 && centre < mask.length && mask[centre] ? 1 : 0;
        return f;
    }
}
