package dev.arpg.samples.cli;

import dev.arpg.api.ConditionInput;
import dev.arpg.api.InvalidRequestException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * One {@code --condition NAME=IMAGE[,scale=S][,start=A][,end=B][,KEY=VALUE...]} argument: the
 * condition's name, its control image file, its scale and guidance window, and any other keys as the
 * condition's own parameters (e.g. {@code low=50} for Canny).
 */
final class ConditionOption {
    private ConditionOption() {
    }

    /**
     * Parses and reads one argument.
     *
     * @param spec the argument
     * @return the condition input
     * @throws InvalidRequestException for a malformed argument or an unreadable image
     */
    static ConditionInput parse(String spec) {
        String[] parts = spec.split(",");
        int eq = parts[0].indexOf('=');
        if (eq <= 0 || eq == parts[0].length() - 1) {
            throw new InvalidRequestException("--condition must look like NAME=IMAGE[,scale=S][,start=A][,end=B], got '"
                    + spec + "'");
        }
        String name = parts[0].substring(0, eq);
        ConditionInput.Builder b = ConditionInput.named(name, read(Path.of(parts[0].substring(eq + 1)), "control image"));
        double start = 0;
        double end = 1;
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv.length != 2) {
                throw new InvalidRequestException("--condition " + name + ": expected KEY=VALUE, got '" + parts[i] + "'");
            }
            switch (kv[0]) {
                case "scale" -> b.scale(number(name, kv));
                case "start" -> start = number(name, kv);
                case "end" -> end = number(name, kv);
                default -> b.parameter(kv[0], kv[1]);
            }
        }
        return b.guidance(start, end).build();
    }

    private static double number(String name, String[] kv) {
        try {
            return Double.parseDouble(kv[1]);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("--condition " + name + ": " + kv[0] + " must be a number, got '" + kv[1] + "'");
        }
    }

    /**
     * Reads an image file.
     *
     * @param file the file
     * @param what what the image is, for messages
     * @return the image
     * @throws InvalidRequestException if it is missing or not an image
     */
    static BufferedImage read(Path file, String what) {
        try {
            BufferedImage image = Files.isRegularFile(file) ? ImageIO.read(file.toFile()) : null;
            if (image == null) {
                throw new InvalidRequestException("cannot read the " + what + " " + file
                        + (Files.isRegularFile(file) ? " (not an image format Java can read)" : " (no such file)"));
            }
            return image;
        } catch (IOException e) {
            throw new InvalidRequestException("cannot read the " + what + " " + file + ": " + e.getMessage());
        }
    }
}
