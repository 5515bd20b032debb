package dev.arpg.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the golden reference data (system property {@code arpg.golden.dir}, set by the build).
 * A missing property, folder or file fails the test loudly instead of skipping it.
 */
public final class Golden {
    /** The system property naming the golden folder. */
    public static final String PROPERTY = "arpg.golden.dir";

    private Golden() {}

    /**
     * Returns the golden folder.
     *
     * @return an existing directory
     */
    public static Path dir() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            fail("system property " + PROPERTY + " is not set; run the tests through Maven or pass -D"
                    + PROPERTY + "=<path to shared/golden>");
        }
        Path dir = Path.of(value);
        if (!Files.isDirectory(dir)) {
            fail("golden folder " + dir.toAbsolutePath() + " (from " + PROPERTY + ") does not exist");
        }
        return dir;
    }

    /**
     * Returns a file of the golden data.
     *
     * @param relative path inside the golden folder, e.g. {@code arpg-tiny/model.pt}
     * @return an existing regular file
     */
    public static Path file(String relative) {
        Path file = dir().resolve(relative);
        if (!Files.isRegularFile(file)) {
            fail("golden file " + file.toAbsolutePath() + " does not exist");
        }
        return file;
    }
}
