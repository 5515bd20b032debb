package dev.arpg.samples.cli;

import dev.arpg.api.InvalidRequestException;
import dev.arpg.core.bundle.ModelBundle;
import dev.arpg.core.model.ArpgConfig;
import dev.arpg.core.vq.VqConfig;
import dev.arpg.core.weights.StateDict;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Which model to run: the embedded default model (no option), a bundle directory, or published checkpoints. Files that record their config
 * (safetensors written by the reference harness or by this SDK) need no preset; published {@code
 * .pt} files need {@code --preset} (the tokenizer defaults to VQ-16).
 */
final class ModelOptions {
    @Option(names = "--bundle", paramLabel = "DIR", description = "A model bundle directory.")
    Path bundle;

    @Option(names = "--arpg-ckpt", paramLabel = "FILE",
            description = "ARPG weights (.pt or .safetensors), instead of a bundle.")
    Path arpgCheckpoint;

    @Option(names = "--vq-ckpt", paramLabel = "FILE",
            description = "VQ tokenizer weights (.pt or .safetensors), with --arpg-ckpt.")
    Path vqCheckpoint;

    @Option(names = "--preset", paramLabel = "NAME",
            description = "ARPG sizes (ARPG-L, ARPG-XL, ARPG-XXL) for checkpoints that record no config.")
    String preset;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N. Default: ${DEFAULT-VALUE}.")
    String device;

    /** @return the embedded default model: {@code samples/src/main/resources/models/shapes} under {@code arpg.home} */
    static Path embeddedBundle() {
        return Path.of(System.getProperty("arpg.home", "."), "samples", "src", "main", "resources", "models", "shapes");
    }

    /** @return the bundle the options name */
    ModelBundle bundle() {
        if (bundle != null) {
            if (arpgCheckpoint != null || vqCheckpoint != null) {
                throw new InvalidRequestException("give either --bundle or --arpg-ckpt with --vq-ckpt, not both");
            }
            return ModelBundle.read(bundle);
        }
        if (arpgCheckpoint == null && vqCheckpoint == null) {
            return ModelBundle.read(embeddedBundle());
        }
        if (arpgCheckpoint == null || vqCheckpoint == null) {
            throw new InvalidRequestException("name a model: --bundle DIR, or --arpg-ckpt FILE with --vq-ckpt FILE"
                    + " (or neither, for the embedded shapes model)");
        }
        StateDict arpg = StateDict.read(arpgCheckpoint);
        ArpgConfig arpgConfig = preset != null ? ArpgConfig.preset(preset) : ArpgConfig.recordedIn(arpg);
        StateDict vq = StateDict.read(vqCheckpoint);
        String vqJson = vq.metadata().get("config");
        VqConfig vqConfig = VqConfig.VQ_16;
        if (vqJson != null) {
            VqConfig shape = VqConfig.fromReferenceJson(vqJson, arpgConfig.gridSize() * 64);
            vqConfig = VqConfig.fromReferenceJson(vqJson, arpgConfig.gridSize() * shape.downsampling());
        }
        return ModelBundle.published(arpgCheckpoint, arpgConfig, vqCheckpoint, vqConfig);
    }
}
