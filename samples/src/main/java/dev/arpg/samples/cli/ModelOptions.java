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

    @Option(names = "--arpg-config", paramLabel = "JSON",
            description = "The ARPG config as the reference's JSON (dim, n_layer, n_head, ...), for checkpoints that record none.")
    Path arpgConfig;

    @Option(names = "--vq-config", paramLabel = "JSON",
            description = "The VQ config as the reference's JSON, for checkpoints that record none (default VQ-16).")
    Path vqConfig;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N. Default: ${DEFAULT-VALUE}.")
    String device;

    /** @return the bundle the options name */
    ModelBundle bundle() {
        if (bundle != null) {
            if (arpgCheckpoint != null || vqCheckpoint != null) {
                throw new InvalidRequestException("give either --bundle or --arpg-ckpt with --vq-ckpt, not both");
            }
            return ModelBundle.read(bundle);
        }
        if (arpgCheckpoint == null && vqCheckpoint == null) {
            return EmbeddedModel.bundle();
        }
        if (arpgCheckpoint == null || vqCheckpoint == null) {
            throw new InvalidRequestException("name a model: --bundle DIR, or --arpg-ckpt FILE with --vq-ckpt FILE"
                    + " (or neither, for the embedded shapes model)");
        }
        ArpgConfig arpgSizes = preset != null ? ArpgConfig.preset(preset)
                : arpgConfig != null ? ArpgConfig.fromReferenceJson(text(arpgConfig))
                : ArpgConfig.recordedIn(StateDict.read(arpgCheckpoint));
        String vqJson = vqConfig != null ? text(vqConfig) : StateDict.read(vqCheckpoint).metadata().get("config");
        VqConfig vqSizes = VqConfig.VQ_16;
        if (vqJson != null) {
            VqConfig shape = VqConfig.fromReferenceJson(vqJson, arpgSizes.gridSize() * 64);
            vqSizes = VqConfig.fromReferenceJson(vqJson, arpgSizes.gridSize() * shape.downsampling());
        }
        return ModelBundle.published(arpgCheckpoint, arpgSizes, vqCheckpoint, vqSizes);
    }

    private static String text(Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            throw new InvalidRequestException("cannot read the config file " + file + ": " + e.getMessage());
        }
    }
}
