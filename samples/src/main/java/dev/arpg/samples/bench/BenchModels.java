package dev.arpg.samples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.core.bundle.ModelBundle;
import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.model.ArpgTransformer;
import dev.arpg.core.weights.StateDict;
import dev.arpg.samples.cli.EmbeddedModel;
import java.nio.file.Files;
import java.nio.file.Path;

/** The models {@code arpg bench} knows by name, and bundles and weight files by path. */
final class BenchModels {
    /** The embedded default model's name, and the bench's default. */
    static final String EMBEDDED = "embedded";
    /** Where the golden files live unless {@code -Darpg.golden.dir} says otherwise. */
    private static final String DEFAULT_GOLDEN_DIR = "../shared/golden";

    private BenchModels() {
    }

    /**
     * What {@code --model} names, checked before anything is loaded.
     *
     * @param kind the kind of model
     * @param path the bundle directory or weight file; null for the embedded model and random weights
     * @param preset the sizes of a weight file that records none; null otherwise
     */
    record Source(Kind kind, Path path, String preset) {
    }

    /** The kinds of model the bench measures. */
    enum Kind {
        /** Random weights of ARPG-L size. */
        RANDOM_ARPG_L,
        /** A bundle: the embedded default model or a bundle directory. */
        BUNDLE,
        /** A weight file, with its sizes recorded in it or named by a preset. */
        WEIGHT_FILE
    }

    /**
     * Resolves a model name, before anything is loaded.
     *
     * @param name {@value #EMBEDDED} (the embedded default model, the one {@code arpg generate}
     *     runs without options), {@code arpg-l} (random weights of ARPG-L size), {@code tiny} (the
     *     reference's arpg-tiny from the golden files of this project's checkout), a bundle
     *     directory, or a weight file
     * @param preset sizes for a weight file that records none; null otherwise
     * @return where the model comes from
     * @throws InvalidRequestException if the golden files are missing for {@code tiny}, or a
     *     preset is given for a model that brings its own sizes
     */
    static Source source(String name, String preset) {
        Kind kind;
        Path path = null;
        if (name.equalsIgnoreCase("arpg-l")) {
            kind = Kind.RANDOM_ARPG_L;
        } else if (name.equalsIgnoreCase(EMBEDDED)) {
            kind = Kind.BUNDLE;
        } else {
            path = name.equalsIgnoreCase("tiny") ? goldenTiny() : Path.of(name);
            kind = Files.isDirectory(path) ? Kind.BUNDLE : Kind.WEIGHT_FILE;
        }
        if (preset != null && kind != Kind.WEIGHT_FILE) {
            throw new InvalidRequestException("--preset names the sizes of a weight file that records none; "
                    + name + " brings its own");
        }
        return new Source(kind, path, preset);
    }

    /**
     * Loads a model's transformer.
     *
     * @param source the model, from {@link #source}
     * @param seed seed of random weights
     * @param parent parent manager
     * @return the model
     */
    static ArpgTransformer load(Source source, long seed, NDManager parent) {
        return switch (source.kind()) {
            case RANDOM_ARPG_L -> ArpgTransformer.random(ArpgConfig.ARPG_L, seed, parent);
            case BUNDLE -> {
                ModelBundle bundle = source.path() == null ? EmbeddedModel.bundle() : ModelBundle.read(source.path());
                yield ArpgTransformer.load(bundle.arpg().config(),
                        StateDict.read(bundle.resolve(bundle.arpg().weights())), parent);
            }
            case WEIGHT_FILE -> {
                StateDict weights = StateDict.read(source.path());
                yield ArpgTransformer.load(source.preset() != null ? ArpgConfig.preset(source.preset())
                        : ArpgConfig.recordedIn(weights), weights, parent);
            }
        };
    }

    private static Path goldenTiny() {
        Path file = Path.of(System.getProperty("arpg.golden.dir", DEFAULT_GOLDEN_DIR), "arpg-tiny",
                "state_dict.safetensors");
        if (!Files.isRegularFile(file)) {
            throw new InvalidRequestException("--model tiny is the reference's arpg-tiny among this project's golden"
                    + " files, not found at " + file + " (-Darpg.golden.dir names their folder); --model "
                    + EMBEDDED + " is the model that comes with the SDK");
        }
        return file;
    }

    /** @return bytes of the model's named parameters */
    static long weightBytes(ArpgTransformer model) {
        long bytes = 0;
        for (NDArray p : model.parameters().values()) {
            bytes += p.size() * p.getDataType().getNumOfBytes();
        }
        return bytes;
    }
}
