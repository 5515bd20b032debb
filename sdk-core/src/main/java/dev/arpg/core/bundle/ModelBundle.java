package dev.arpg.core.bundle;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import dev.arpg.api.CfgSchedule;
import dev.arpg.api.DecodingOrder;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.api.ModelLoadException;
import dev.arpg.api.SampleSchedule;
import dev.arpg.api.SamplingSettings;
import dev.arpg.core.control.ControlEncoderConfig;
import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.vq.VqConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A model bundle: one directory with {@code bundle.json} (this record) and safetensors weight files
 * named by it: the ARPG transformer, the VQ tokenizer, one control encoder per condition name. See
 * {@code docs/bundle.md}. Published {@code .pt} checkpoints can be used directly with {@link
 * #published}.
 *
 * @param name a short name of the model
 * @param directory where relative weight paths are resolved (not stored in the JSON)
 * @param arpg the transformer's config and weights
 * @param vq the tokenizer's config and weights
 * @param controls control encoders by condition name
 * @param classNames names of the class labels (may be empty)
 * @param sampling recommended sampling settings (every field optional)
 */
public record ModelBundle(String name, Path directory, Part<ArpgConfig> arpg, Part<VqConfig> vq,
        Map<String, Control> controls, List<String> classNames, Sampling sampling) {
    /** File name of the descriptor inside a bundle directory. */
    public static final String DESCRIPTOR = "bundle.json";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting()
            .registerTypeHierarchyAdapter(Path.class, new TypeAdapter<Path>() {
                @Override
                public void write(JsonWriter out, Path value) throws IOException {
                    out.nullValue();
                }

                @Override
                public Path read(JsonReader in) throws IOException {
                    in.skipValue();
                    return null;
                }
            }.nullSafe()).create();

    /**
     * A model part: its config and its weight file.
     *
     * @param config the config
     * @param weights weight file, relative to the bundle directory (or absolute)
     * @param <C> the config type
     */
    public record Part<C>(C config, String weights) {
    }

    /**
     * A control encoder of the bundle.
     *
     * @param config its sizes
     * @param weights its weight file
     * @param parameters the condition parameters it was trained with (defaults for requests)
     */
    public record Control(ControlEncoderConfig config, String weights, Map<String, String> parameters) {
    }

    /**
     * Recommended sampling settings; null fields keep the SDK defaults.
     *
     * @param steps decoding steps
     * @param guidance CFG scale
     * @param cfgSchedule {@code constant} or {@code linear}
     * @param sampleSchedule {@code arccos} or {@code cosine}
     * @param temperature temperature
     * @param topK top-k
     * @param topP top-p
     * @param order decoding order: {@code random}, {@code outside-in} or {@code raster}
     *     ({@link DecodingOrder#named(String)})
     */
    public record Sampling(Integer steps, Double guidance, String cfgSchedule, String sampleSchedule,
            Double temperature, Integer topK, Double topP, String order) {

        /** @return the recommended settings on top of the SDK defaults */
        public SamplingSettings toSettings() {
            return applyTo(SamplingSettings.builder()).build();
        }

        /**
         * Overwrites the builder's values with the fields that are set.
         *
         * @param b the builder
         * @return the same builder
         */
        public SamplingSettings.Builder applyTo(SamplingSettings.Builder b) {
            if (steps != null) {
                b.steps(steps);
            }
            if (guidance != null) {
                b.guidance(guidance);
            }
            if (cfgSchedule != null) {
                b.cfgSchedule(CfgSchedule.valueOf(cfgSchedule.toUpperCase(Locale.ROOT)));
            }
            if (sampleSchedule != null) {
                b.sampleSchedule(SampleSchedule.valueOf(sampleSchedule.toUpperCase(Locale.ROOT)));
            }
            if (temperature != null) {
                b.temperature(temperature);
            }
            if (topK != null) {
                b.topK(topK);
            }
            if (topP != null) {
                b.topP(topP);
            }
            if (order != null) {
                b.order(DecodingOrder.named(order));
            }
            return b;
        }
    }

    /**
     * Reads a bundle directory and checks that every weight file it names exists.
     *
     * @param directory the bundle directory
     * @return the bundle
     * @throws ModelLoadException if the descriptor is missing or malformed (its recommended sampling
     *     included), or a file is missing
     */
    public static ModelBundle read(Path directory) {
        Path descriptor = directory.resolve(DESCRIPTOR);
        if (!Files.isRegularFile(descriptor)) {
            throw new ModelLoadException(directory + " is not a model bundle: it has no " + DESCRIPTOR);
        }
        ModelBundle parsed;
        try {
            parsed = GSON.fromJson(Files.readString(descriptor), ModelBundle.class);
        } catch (IOException | JsonParseException | IllegalArgumentException e) {
            throw new ModelLoadException("cannot read " + descriptor + ": " + e.getMessage(), e);
        }
        if (parsed == null || parsed.arpg() == null || parsed.vq() == null || parsed.arpg().config() == null
                || parsed.vq().config() == null) {
            throw new ModelLoadException(descriptor + " must describe both 'arpg' and 'vq' with a config and weights");
        }
        ModelBundle bundle = new ModelBundle(parsed.name(), directory, parsed.arpg(), parsed.vq(),
                parsed.controls() == null ? Map.of() : Map.copyOf(parsed.controls()),
                parsed.classNames() == null ? List.of() : List.copyOf(parsed.classNames()), parsed.sampling());
        bundle.checkFiles();
        bundle.checkSampling(descriptor);
        return bundle;
    }

    /**
     * A bundle of published checkpoints used as they are (no control encoders, no class names).
     *
     * @param arpg the ARPG checkpoint ({@code .pt} or safetensors) and its preset
     * @param arpgConfig its sizes, e.g. {@link ArpgConfig#ARPG_L}
     * @param vq the tokenizer checkpoint, e.g. {@code vq_ds16_c2i.pt}
     * @param vqConfig its sizes, e.g. {@link VqConfig#VQ_16}
     * @return the bundle
     */
    public static ModelBundle published(Path arpg, ArpgConfig arpgConfig, Path vq, VqConfig vqConfig) {
        ModelBundle bundle = new ModelBundle("published", Path.of("."),
                new Part<>(arpgConfig, arpg.toAbsolutePath().toString()),
                new Part<>(vqConfig, vq.toAbsolutePath().toString()), Map.of(), List.of(), null);
        bundle.checkFiles();
        return bundle;
    }

    /**
     * Writes {@code bundle.json} into the bundle's directory (the weight files are written by their
     * trainers).
     *
     * @throws ModelLoadException if it cannot be written
     */
    public void writeDescriptor() {
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve(DESCRIPTOR), GSON.toJson(withoutDirectory()));
        } catch (IOException e) {
            throw new ModelLoadException("cannot write " + directory.resolve(DESCRIPTOR) + ": " + e.getMessage(), e);
        }
    }

    private ModelBundle withoutDirectory() {
        return new ModelBundle(name, null, arpg, vq, controls, classNames, sampling);
    }

    /**
     * Resolves a weight path named by the descriptor.
     *
     * @param weights the name as written in the descriptor
     * @return the file
     */
    public Path resolve(String weights) {
        return directory.resolve(Objects.requireNonNull(weights, "weights"));
    }

    /** @return the recommended sampling settings, or the SDK defaults */
    public SamplingSettings recommendedSampling() {
        return sampling == null ? SamplingSettings.defaults() : sampling.toSettings();
    }

    private void checkSampling(Path descriptor) {
        try {
            recommendedSampling();
        } catch (IllegalArgumentException | InvalidRequestException e) {
            throw new ModelLoadException(descriptor + ": invalid 'sampling': " + e.getMessage(), e);
        }
    }

    private void checkFiles() {
        checkFile("arpg", arpg.weights());
        checkFile("vq", vq.weights());
        controls.forEach((name, control) -> checkFile("control '" + name + "'", control.weights()));
        if (arpg.config().blockSize() != vq.config().gridSize() * vq.config().gridSize()) {
            throw new ModelLoadException("bundle " + name + ": the ARPG model makes " + arpg.config().blockSize()
                    + " tokens but the tokenizer's grid has " + vq.config().gridSize() + "x" + vq.config().gridSize());
        }
        if (arpg.config().vocabSize() != vq.config().codebookSize()) {
            throw new ModelLoadException("bundle " + name + ": the ARPG vocabulary (" + arpg.config().vocabSize()
                    + ") differs from the tokenizer's codebook (" + vq.config().codebookSize() + ")");
        }
    }

    private void checkFile(String part, String weights) {
        if (weights == null || !Files.isRegularFile(resolve(weights))) {
            throw new ModelLoadException("bundle " + name + ": weight file of " + part + " not found: "
                    + (weights == null ? "(not named)" : resolve(weights)));
        }
    }
}
