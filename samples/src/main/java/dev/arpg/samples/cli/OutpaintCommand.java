package dev.arpg.samples.cli;

import com.google.gson.JsonObject;
import dev.arpg.api.Edit;
import dev.arpg.api.GenerationRequest;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code arpg outpaint}: place an image on the canvas and generate around it. */
@Command(name = "outpaint", mixinStandardHelpOptions = true,
        description = "Draw the source at (x, y) on the canvas and generate every cell it does not cover.")
final class OutpaintCommand extends GenerationCommand {
    @Option(names = "--image", required = true, description = "The source image (at most the canvas size).")
    Path image;

    @Option(names = "--x", defaultValue = "0", description = "Left edge on the canvas, pixels. Default: ${DEFAULT-VALUE}.")
    int x;

    @Option(names = "--y", defaultValue = "0", description = "Top edge on the canvas, pixels. Default: ${DEFAULT-VALUE}.")
    int y;

    @Override
    void configure(GenerationRequest.Builder request) {
        request.edit(Edit.outpaint(ConditionOption.read(image, "image"), x, y));
    }

    @Override
    void describe(JsonObject sidecar) {
        JsonObject edit = new JsonObject();
        edit.addProperty("kind", "outpaint");
        edit.addProperty("image", image.toString());
        edit.addProperty("x", x);
        edit.addProperty("y", y);
        sidecar.add("edit", edit);
    }
}
