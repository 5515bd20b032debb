package dev.arpg.samples.cli;

import dev.arpg.api.GenerationRequest;
import dev.arpg.api.InvalidRequestException;
import picocli.CommandLine.Command;

/** {@code arpg control}: generation steered by at least one {@code --condition}. */
@Command(name = "control", mixinStandardHelpOptions = true,
        description = "Generate images that follow control images (--condition NAME=IMAGE, repeatable).")
final class ControlCommand extends GenerationCommand {
    @Override
    void configure(GenerationRequest.Builder request) {
        if (conditions.isEmpty()) {
            throw new InvalidRequestException("control needs at least one --condition NAME=IMAGE");
        }
    }
}
