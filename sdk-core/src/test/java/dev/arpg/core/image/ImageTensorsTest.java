package dev.arpg.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.core.engine.Engines;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BufferedImage &lt;-&gt; [-1, 1] CHW tensors: colour types, alpha, grey, clamping, bad shapes. */
class ImageTensorsTest {

    private static float f(int pixel) {
        return pixel / 127.5f - 1f;
    }

    @Test
    void rgbImageBecomesChannelFirstFloats() {
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_3BYTE_BGR}) {
            BufferedImage image = new BufferedImage(2, 2, type);
            image.setRGB(0, 0, 0x000000);
            image.setRGB(1, 0, 0xFFFFFF);
            image.setRGB(0, 1, 0xFF0080);
            image.setRGB(1, 1, 0x0A141E);
            assertThat(ImageTensors.toChw(image)).as("type " + type).containsExactly(
                    f(0), f(255), f(255), f(10),
                    f(0), f(255), f(0), f(20),
                    f(0), f(255), f(128), f(30));
        }
    }

    @Test
    void transparencyIsCompositedOnWhite() {
        BufferedImage image = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0x00000000);
        image.setRGB(1, 0, 0x80FF0000);
        image.setRGB(2, 0, 0xFF102030);
        float[] chw = ImageTensors.toChw(image);
        float halfWhite = (255f * 127f) / 255f;
        assertThat(chw).containsExactly(
                1f, 1f, f(0x10),
                1f, halfWhite / 127.5f - 1f, f(0x20),
                1f, halfWhite / 127.5f - 1f, f(0x30));
    }

    @Test
    void greyLevelsAreReplicatedAsStored() {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSample(0, 0, 0, 128);
        image.getRaster().setSample(1, 0, 0, 7);
        assertThat(ImageTensors.toChw(image)).containsExactly(f(128), f(7), f(128), f(7), f(128), f(7));
        BufferedImage wide = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
        wide.getRaster().setSample(0, 0, 0, 65535);
        assertThat(ImageTensors.toChw(wide)).containsExactly(1f, 1f, 1f);
    }

    @Test
    void toPixelClampsAndTruncatesLikeTheReference() {
        assertThat(ImageTensors.toPixel(-1f)).isZero();
        assertThat(ImageTensors.toPixel(1f)).isEqualTo(255);
        assertThat(ImageTensors.toPixel(0f)).isEqualTo(128);
        assertThat(ImageTensors.toPixel(5f)).isEqualTo(255);
        assertThat(ImageTensors.toPixel(-5f)).isZero();
        assertThat(ImageTensors.toPixel(-0.01f)).isEqualTo(126);
        assertThat(ImageTensors.toPixel(Float.NaN)).isZero();
        assertThat(ImageTensors.toPixel(Float.POSITIVE_INFINITY)).isEqualTo(255);
    }

    @Test
    void everyPixelValueSurvivesARoundTrip() {
        BufferedImage image = new BufferedImage(256, 1, BufferedImage.TYPE_INT_RGB);
        for (int v = 0; v < 256; v++) {
            image.setRGB(v, 0, v << 16 | (255 - v) << 8 | v);
        }
        try (NDManager m = Engines.newRootManager()) {
            NDArray tensor = m.create(ImageTensors.toChw(image), new Shape(1, 3, 1, 256));
            BufferedImage back = ImageTensors.fromTensor(tensor)[0];
            assertThat(back.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
            assertThat(back.getRGB(0, 0, 256, 1, null, 0, 256)).containsExactly(image.getRGB(0, 0, 256, 1, null, 0, 256));
        }
    }

    @Test
    void fromTensorClampsOutOfRangeValues() {
        try (NDManager m = Engines.newRootManager()) {
            NDArray tensor = m.create(new float[] {3f, -3f, 0f}, new Shape(1, 3, 1, 1));
            assertThat(ImageTensors.fromTensor(tensor)[0].getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFF0080);
        }
    }

    @Test
    void batchesImagesOfTheRequiredSize() {
        BufferedImage a = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        BufferedImage b = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        Arrays.fill(((DataBufferByte) b.getRaster().getDataBuffer()).getData(), (byte) 255);
        try (NDManager m = Engines.newRootManager()) {
            NDArray batch = ImageTensors.toTensor(m, List.of(a, b), 2);
            assertThat(batch.getShape()).isEqualTo(new Shape(2, 3, 2, 2));
            float[] values = batch.toFloatArray();
            assertThat(Arrays.copyOfRange(values, 0, 12)).containsOnly(-1f);
            assertThat(Arrays.copyOfRange(values, 12, 24)).containsOnly(1f);
        }
    }

    @Test
    void rejectsBadInput() {
        try (NDManager m = Engines.newRootManager()) {
            assertThatThrownBy(() -> ImageTensors.fromTensor(m.zeros(new Shape(1, 4, 2, 2))))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("3 RGB channels")
                    .hasMessageContaining("(1, 4, 2, 2)");
            assertThatThrownBy(() -> ImageTensors.fromTensor(m.zeros(new Shape(3, 2, 2))))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("[B, 3, H, W]");
            assertThatThrownBy(() -> ImageTensors.fromTensor(m.zeros(new Shape(0, 3, 2, 2))))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("non-empty");
            BufferedImage wrong = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
            assertThatThrownBy(() -> ImageTensors.toTensor(m, List.of(wrong), 2))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("image 0 is 3x2 pixels, expected 2x2");
            assertThatThrownBy(() -> ImageTensors.toTensor(m, List.of(), 2))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("no image");
            assertThatThrownBy(() -> ImageTensors.toTensor(m, Arrays.asList(wrong, null), 3))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("image 0 is 3x2");
            assertThatThrownBy(() -> ImageTensors.toChw(null))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("null");
        }
    }
}
