package dev.arpg.samples.cli;

import dev.arpg.api.GenerationRequest;
import picocli.CommandLine.Command;

/** {@code arpg generate}: class-conditional generation, optionally with conditions. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate images for class labels.")
final class GenerateCommand extends GenerationCommand {
    @Override
    void configure(GenerationRequest.Builder request) {
        // labels, sampling and conditions are all this command needs
    }
}
