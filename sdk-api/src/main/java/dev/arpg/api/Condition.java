package dev.arpg.api;

import java.awt.image.BufferedImage;
import java.util.Map;

/**
 * A condition plugin: turns a control image (edges, depth, a sketch, ...) into a {@link ControlMap}
 * aligned with the token grid. Instances are built by a {@link Factory} from parameters and must be
 * thread-safe (usually immutable).
 */
public interface Condition {
    /** @return the condition's name, e.g. {@code canny}; a model bundle has a control encoder per name */
    String name();

    /**
     * Computes the control channels of an image.
     *
     * @param image the caller's control image, any type and size
     * @param grid the token grid the map must line up with; the result must {@link ControlMap#fits fit}
     * @return the control map
     * @throws InvalidRequestException if the image cannot be used (say why)
     */
    ControlMap prepare(BufferedImage image, GridSpec grid);

    /** @return the parameters this instance uses, defaults included, for reporting in results */
    Map<String, String> parameters();

    /** Builds a condition from string parameters (as given on a command line or in JSON). */
    @FunctionalInterface
    interface Factory {
        /**
         * Builds the condition.
         *
         * @param parameters parameter name to value; unknown names or bad values are an error
         * @return the condition
         * @throws InvalidRequestException naming the bad parameter
         */
        Condition create(Map<String, String> parameters);
    }
}
