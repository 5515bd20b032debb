package dev.arpg.conditions.depth;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The committed test files (made by {@code src/test/resources/depth/make_depth_files.py}). */
final class DepthFiles {
    /** The 4x3 ramp, 10 * y + x. */
    static final float[] RAMP = {0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23};

    private DepthFiles() {
    }

    static Path file(String name) {
        URL url = DepthFiles.class.getResource("/depth/" + name);
        assertTrue(url != null, "test file depth/" + name + " is missing");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
