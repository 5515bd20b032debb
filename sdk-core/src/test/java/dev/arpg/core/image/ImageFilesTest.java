package dev.arpg.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arpg.api.InvalidRequestException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PNG writing and explicit centre-crop resizing. */
class ImageFilesTest {

    private static BufferedImage filled(int width, int height, int rgb) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    @Test
    void pngKeepsEveryPixel(@TempDir Path dir) throws IOException {
        BufferedImage image = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 35; i++) {
            image.setRGB(i % 7, i / 7, i * 0x071523);
        }
        Path file = dir.resolve("out.png");
        PngImages.write(image, file);
        BufferedImage back = ImageIO.read(file.toFile());
        assertThat(back.getRGB(0, 0, 7, 5, null, 0, 7)).containsExactly(image.getRGB(0, 0, 7, 5, null, 0, 7));
    }

    @Test
    void pngToAMissingFolderFails(@TempDir Path dir) {
        assertThatThrownBy(() -> PngImages.write(filled(1, 1, 0), dir.resolve("no/such/dir.png")))
                .isInstanceOf(IOException.class);
    }

    @Test
    void cropsTheCentredSquareThenScales() {
        BufferedImage image = filled(48, 32, 0x0000FF);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 8; x++) {
                image.setRGB(x, y, 0xFF0000);
                image.setRGB(47 - x, y, 0x00FF00);
            }
        }
        BufferedImage out = ImageResize.centerCropAndScale(image, 16);
        assertThat(out.getWidth()).isEqualTo(16);
        assertThat(out.getHeight()).isEqualTo(16);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                assertThat(out.getRGB(x, y) & 0xFFFFFF).as("pixel %d,%d", x, y).isEqualTo(0x0000FF);
            }
        }
    }

    @Test
    void resizeLeavesImagesOfTheRightSizeAlone() {
        BufferedImage image = filled(16, 16, 0x123456);
        assertThat(ImageResize.centerCropAndScale(image, 16)).isSameAs(image);
    }

    @Test
    void resizeCompositesTransparencyOnWhite() {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB);
        BufferedImage out = ImageResize.centerCropAndScale(image, 4);
        assertThat(out.getRGB(1, 1) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    }

    @Test
    void resizeRejectsBadArguments() {
        assertThatThrownBy(() -> ImageResize.centerCropAndScale(null, 4))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("null");
        assertThatThrownBy(() -> ImageResize.centerCropAndScale(filled(2, 2, 0), 0))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("> 0");
    }
}
