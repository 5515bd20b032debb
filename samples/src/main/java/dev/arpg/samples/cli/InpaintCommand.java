package dev.arpg.samples.cli;

import com.google.gson.JsonObject;
import dev.arpg.api.Edit;
import dev.arpg.api.GenerationRequest;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code arpg inpaint}: regenerate the cells a mask touches, keep the others. */
@Command(name = "inpaint", mixinStandardHelpOptions = true,
        description = "Regenerate where the mask is white (luminance >= 128); keep the rest of the image.")
final class InpaintCommand extends GenerationCommand {
    @Option(names = "--image", required = true, description = "The source image (the model's image size).")
    Path image;

    @Option(names = "--mask", required = true, description = "The mask, same size: white = regenerate.")
    Path mask;

    @Override
    void configure(GenerationRequest.Builder request) {
        request.edit(Edit.inpaint(ConditionOption.read(image, "image"), ConditionOption.read(mask, "mask")));
    }

    @Override
    void describe(JsonObject sidecar) {
        JsonObject edit = new JsonObject();
        edit.addProperty("kind", "inpaint");
        edit.addProperty("image", image.toString());
        edit.addProperty("mask", mask.toString());
        sidecar.add("edit", edit);
    }
}
