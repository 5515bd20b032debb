package dev.arpg.conditions.depth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arpg.api.InvalidRequestException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DepthMapsTest {
    @TempDir
    Path tmp;

    @Test
    void npyAndPfmFilesReadTheRampInRasterOrder() {
        for (String name : new String[] {"ramp.npy", "ramp_f8_be_1hw.npy", "ramp.pfm", "ramp_be.pfm"}) {
            DepthMap map = DepthMaps.read(DepthFiles.file(name));
            assertThat(map.width()).as(name).isEqualTo(4);
            assertThat(map.height()).as(name).isEqualTo(3);
            assertThat(map.values()).as(name).containsExactly(DepthFiles.RAMP);
        }
    }

    @Test
    void a16BitPngKeepsItsFullValues() {
        DepthMap map = DepthMaps.read(DepthFiles.file("ramp16.png"));
        float[] expected = DepthFiles.RAMP.clone();
        for (int i = 0; i < expected.length; i++) {
            expected[i] *= 1000;
        }
        assertThat(map.values()).containsExactly(expected);
    }

    @Test
    void nonFiniteValuesAreReadAsStored() {
        DepthMap map = DepthMaps.read(DepthFiles.file("ramp_nan.npy"));
        assertThat(map.get(2, 1)).isNaN();
        assertThat(map.get(3, 0)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(map.get(1, 2)).isEqualTo(21f);
    }

    @Test
    void floatMapsTravelLosslesslyAsImages() {
        DepthMap map = new DepthMap(3, 2, new float[] {0.001f, Float.NaN, 1e9f, -5f, Float.NEGATIVE_INFINITY, 7.25f});
        BufferedImage image = DepthMaps.toImage(map);
        assertThat(DepthMaps.fromImage(image)).isEqualTo(map);
    }

    @Test
    void greyImagesOfEveryKindAreRead() throws IOException {
        BufferedImage grey8 = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey8.getRaster().setSample(1, 0, 0, 200);
        assertThat(DepthMaps.fromImage(grey8).values()).containsExactly(0f, 200f);

        BufferedImage grey16 = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        grey16.getRaster().setSample(0, 0, 0, 65535);
        Path png = tmp.resolve("java16.png");
        ImageIO.write(grey16, "png", png.toFile());
        assertThat(DepthMaps.read(png).values()).containsExactly(65535f, 0f);

        BufferedImage rgbGrey = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        rgbGrey.setRGB(0, 0, 0x404040);
        assertThat(DepthMaps.fromImage(rgbGrey).values()).containsExactly(64f, 0f);
    }

    @Test
    void colourPixelsAreRejected() {
        BufferedImage rgb = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(1, 1, 0x102030);
        assertThatThrownBy(() -> DepthMaps.fromImage(rgb)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("must be greyscale, but pixel (1, 1) is #102030");
        assertThatThrownBy(() -> DepthMaps.fromImage(null)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("no depth image");
    }

    @Test
    void badFilesAreClearErrors() throws IOException {
        assertThatThrownBy(() -> DepthMaps.read(DepthFiles.file("ramp_int32.npy")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("unsupported dtype '<i4'");
        assertThatThrownBy(() -> DepthMaps.read(DepthFiles.file("two_planes.npy")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("is not one image plane");
        assertThatThrownBy(() -> DepthMaps.read(DepthFiles.file("colour.pfm")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("colour PFM");
        assertThatThrownBy(() -> DepthMaps.read(DepthFiles.file("not_a_png.png")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("is not a readable PNG image");
        Path exr = Files.writeString(tmp.resolve("depth.exr"), "x");
        assertThatThrownBy(() -> DepthMaps.read(exr)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("unsupported depth file 'depth.exr'");
        assertThatThrownBy(() -> DepthMaps.read(tmp.resolve("missing.npy")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("cannot read depth file");
        Path text = Files.writeString(tmp.resolve("text.npy"), "hello");
        assertThatThrownBy(() -> DepthMaps.read(text)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("not a .npy file");
        Path truncated = tmp.resolve("short.pfm");
        Files.write(truncated, new byte[] {'P', 'f', '\n', '4', ' ', '3', '\n', '-', '1', '\n', 0, 0});
        assertThatThrownBy(() -> DepthMaps.read(truncated)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> new DepthMap(-1, 2, new float[0])).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("sizes must be positive");
    }
}
