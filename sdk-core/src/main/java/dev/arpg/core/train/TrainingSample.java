package dev.arpg.core.train;

import java.awt.image.BufferedImage;
import java.util.Map;

/**
 * One training example.
 *
 * @param image the image, the model's image size
 * @param label its class label
 * @param controls control images by condition name (e.g. its depth map), possibly none
 */
public record TrainingSample(BufferedImage image, int label, Map<String, BufferedImage> controls) {
}
