package dev.arpg.samples.eval;

import dev.arpg.core.train.TrainingSample;
import dev.arpg.samples.shapes.ShapesDataset;
import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * The class-fidelity judge of the model card: a k-nearest-neighbour classifier over the object's
 * silhouette, fitted on real procedural images. The silhouette (pixels far from the border colour)
 * is cropped to its bounding box and resampled to a {@value #GRID}x{@value #GRID} occupancy grid,
 * so the features ignore colour, position and size but keep the shape (the dataset's shapes are
 * upright); the box's aspect ratio is one more feature.
 */
public final class ShapeClassifier {
    private static final int GRID = 12;
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
        int h = image.getHeight();
        int minX = w;
        int minY = h;
        int maxX = -1;
        int maxY = -1;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                minX = Math.min(minX, i % w);
                maxX = Math.max(maxX, i % w);
                minY = Math.min(minY, i / w);
                maxY = Math.max(maxY, i / w);
            }
        }
        double[] f = new double[GRID * GRID + 1];
        if (maxX < 0) {
            return f;
        }
        int boxW = maxX - minX + 1;
        int boxH = maxY - minY + 1;
        double[] counts = new double[GRID * GRID];
        for (int y = minY; y <= maxY; y++) {
            for (int x = minX; x <= maxX; x++) {
                int cell = (y - minY) * GRID / boxH * GRID + (x - minX) * GRID / boxW;
                counts[cell] += 1;
                f[cell] += mask[y * w + x] ? 1 : 0;
            }
        }
        for (int c = 0; c < counts.length; c++) {
            f[c] = counts[c] == 0 ? 0 : f[c] / counts[c];
        }
        f[GRID * GRID] = Math.log((double) boxW / boxH);
        return f;
    }
}
