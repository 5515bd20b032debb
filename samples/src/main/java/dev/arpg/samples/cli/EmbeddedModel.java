package dev.arpg.samples.cli;

import dev.arpg.api.ModelLoadException;
import dev.arpg.core.bundle.ModelBundle;
import dev.arpg.samples.train.ShapesRecipe;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded default model ("shapes", {@code samples/MODEL_CARD.md}), read from the class path:
 * in place when the class path is a directory (a build tree, the {@code ./arpg} launcher), else
 * copied once per process into a temporary directory that is deleted on exit (the runnable jar),
 * because weights are read from files by position and a jar entry is not a file.
 */
public final class EmbeddedModel {
    /** Class-path folder of the bundle. */
    static final String RESOURCE = "models/shapes/";

    private static Path directory;

    private EmbeddedModel() {
    }

    /**
     * The embedded bundle, unpacked at most once per process.
     *
     * @return the bundle
     * @throws ModelLoadException if the class path lacks it
     */
    public static synchronized ModelBundle bundle() {
        if (directory == null) {
            directory = directory(EmbeddedModel.class.getClassLoader());
        }
        return ModelBundle.read(directory);
    }

    /**
     * Finds the embedded bundle's files through a class loader.
     *
     * @param loader the class path to search
     * @return the directory of the files, or a fresh temporary copy of them when they lie in a jar
     */
    static Path directory(ClassLoader loader) {
        URL descriptor = loader.getResource(RESOURCE + ModelBundle.DESCRIPTOR);
        if (descriptor == null) {
            throw new ModelLoadException("the embedded model is missing from the class path (" + RESOURCE + ")");
        }
        if ("file".equals(descriptor.getProtocol())) {
            try {
                return Path.of(descriptor.toURI()).getParent();
            } catch (URISyntaxException e) {
                throw new ModelLoadException("cannot locate the embedded model at " + descriptor, e);
            }
        }
        return extract(loader);
    }

    /** @return the bundle's files: descriptor, transformer, tokenizer and one encoder per condition */
    static List<String> files() {
        List<String> files = new ArrayList<>(List.of(ModelBundle.DESCRIPTOR, "arpg.safetensors", "vq.safetensors"));
        ShapesRecipe.CONTROLS.keySet().stream().sorted().forEach(name -> files.add("control-" + name + ".safetensors"));
        return files;
    }

    private static Path extract(ClassLoader loader) {
        try {
            Path directory = Files.createTempDirectory("arpg-shapes-");
            List<Path> written = new ArrayList<>();
            for (String name : files()) {
                try (InputStream in = loader.getResourceAsStream(RESOURCE + name)) {
                    if (in == null) {
                        throw new ModelLoadException("the embedded model lacks " + RESOURCE + name);
                    }
                    Path file = directory.resolve(name);
                    Files.copy(in, file);
                    written.add(file);
                }
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(written, directory)));
            return directory;
        } catch (IOException e) {
            throw new ModelLoadException("cannot unpack the embedded model into a temporary directory: "
                    + e.getMessage(), e);
        }
    }

    private static void delete(List<Path> files, Path directory) {
        try {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
