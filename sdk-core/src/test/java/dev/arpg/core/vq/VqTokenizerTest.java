package dev.arpg.core.vq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.arpg.api.ImageTokenizer.ResizePolicy;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.image.ImageTensors;
import dev.arpg.core.model.ActivationRecorder;
import dev.arpg.core.testing.Golden;
import dev.arpg.core.weights.StateDict;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tokenizer end to end: ARPG codes to images, chunking, resizing and input validation. */
class VqTokenizerTest {
    private static NDManager root;
    private static VqTokenizer tokenizer;

    @BeforeAll
    static void load() {
        root = Engines.newRootManager();
        tokenizer = VqTokenizer.load(TinyVq.config(), Golden.file("vq-tiny/model.pt"), root);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        root.close();
    }

    private static int[][] rows(StateDict file, String name) {
        long[] flat = file.get(name).toLongArray();
        int cols = (int) file.get(name).shape()[1];
        int[][] out = new int[flat.length / cols][cols];
        for (int i = 0; i < flat.length; i++) {
            out[i / cols][i % cols] = (int) flat[i];
        }
        return out;
    }

    private static int[] pixels(BufferedImage image) {
        int w = image.getWidth();
        return image.getRGB(0, 0, w, image.getHeight(), null, 0, w);
    }

    private static int[][] pixels(BufferedImage[] images) {
        int[][] out = new int[images.length][];
        for (int i = 0; i < images.length; i++) {
            out[i] = pixels(images[i]);
        }
        return out;
    }

    @Test
    void describesItsGrid() {
        assertThat(tokenizer.imageSize()).isEqualTo(32);
        assertThat(tokenizer.gridSize()).isEqualTo(8);
        assertThat(tokenizer.downsampling()).isEqualTo(4);
        assertThat(tokenizer.codebookSize()).isEqualTo(64);
        assertThat(tokenizer.chunkSize()).isEqualTo(VqTokenizer.DEFAULT_CHUNK_SIZE);
    }

    @Test
    void generatedArpgCodesDecodeToTheReferenceImage() {
        StateDict generated = StateDict.read(Golden.file("arpg-tiny/generate_b2_arccos_linear.safetensors"));
        StateDict golden = StateDict.read(Golden.file("vq-tiny/decode_code.safetensors"));
        int[][] codes = rows(generated, "sequence");
        assertThat(codes).isDeepEqualTo(rows(golden, "codes"));

        BufferedImage[] images = tokenizer.decode(codes);
        assertThat(images).hasSize(2);
        try (NDManager m = root.newSubManager()) {
            BufferedImage[] expected = ImageTensors.fromTensor(golden.get("image").toNDArray(m));
            int worst = 0;
            for (int b = 0; b < 2; b++) {
                assertThat(images[b].getWidth()).isEqualTo(32);
                assertThat(images[b].getHeight()).isEqualTo(32);
                int[] actual = pixels(images[b]);
                int[] reference = pixels(expected[b]);
                for (int i = 0; i < actual.length; i++) {
                    for (int shift = 0; shift <= 16; shift += 8) {
                        worst = Math.max(worst, Math.abs((actual[i] >> shift & 0xFF) - (reference[i] >> shift & 0xFF)));
                    }
                }
            }
            // Float differences of ~1e-5 can only move a value across one truncation boundary.
            assertThat(worst).as("largest 8-bit channel difference").isLessThanOrEqualTo(1);
        }
    }

    @Test
    void chunkSizeDoesNotChangeTheResult() {
        int[][] codes = rows(StateDict.read(Golden.file("vq-tiny/decode_code.safetensors")), "codes");
        int[][] five = {codes[0], codes[1], codes[1], codes[0], codes[1]};
        BufferedImage[] whole = tokenizer.decode(five);
        try (VqTokenizer small = new VqTokenizer(TinyVq.load(root), 2)) {
            BufferedImage[] chunked = small.decode(five);
            assertThat(pixels(chunked)).isDeepEqualTo(pixels(whole));
            assertThat(pixels(chunked[3])).containsExactly(pixels(whole[0]));
            assertThat(small.encode(whole)).isDeepEqualTo(tokenizer.encode(whole));
        }
    }

    @Test
    void callsLeaveNoArrayBehind() {
        int[][] codes = rows(StateDict.read(Golden.file("vq-tiny/decode_code.safetensors")), "codes");
        VqModel model = TinyVq.load(root);
        try (VqTokenizer owner = new VqTokenizer(model, 1)) {
            BaseNDManager weights = (BaseNDManager) model.manager();
            int before = weights.getManagedArrays().size();
            owner.encode(owner.decode(new int[][] {codes[0], codes[1], codes[0]}));
            assertThat(weights.getManagedArrays()).hasSize(before);
        }
        assertThat(model.manager().isOpen()).as("closing the tokenizer frees the model").isFalse();
    }

    @Test
    void encodesImagesToTheModelsIndices() {
        int[][] codes = rows(StateDict.read(Golden.file("vq-tiny/decode_code.safetensors")), "codes");
        BufferedImage[] images = tokenizer.decode(codes);
        int[][] tokens = tokenizer.encode(images);
        assertThat(tokens).hasNumberOfRows(2);
        try (NDManager m = root.newSubManager();
                VqModel model = TinyVq.load(root)) {
            NDArray x = m.create(ImageTensors.toChw(images[1]), new Shape(1, 3, 32, 32));
            long[] expected = model.encode(x, ActivationRecorder.NONE).indices().toLongArray();
            assertThat(tokens[1]).hasSize(64);
            for (int j = 0; j < 64; j++) {
                assertThat((long) tokens[1][j]).isEqualTo(expected[j]).isBetween(0L, 63L);
            }
        }
    }

    @Test
    void resizesOnlyWhenAsked() {
        BufferedImage big = new BufferedImage(64, 48, BufferedImage.TYPE_INT_ARGB);
        assertThatThrownBy(() -> tokenizer.encode(big))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("image 0 is 64x48 pixels but the tokenizer takes 32x32")
                .hasMessageContaining("CENTER_CROP_AND_SCALE");
        BufferedImage white = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        white.getGraphics().fillRect(0, 0, 32, 32);
        assertThat(tokenizer.encode(ResizePolicy.CENTER_CROP_AND_SCALE, big))
                .isDeepEqualTo(tokenizer.encode(white));
    }

    @Test
    void rejectsBadImages() {
        assertThatThrownBy(() -> tokenizer.encode())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("no image");
        assertThatThrownBy(() -> tokenizer.encode(new BufferedImage(32, 32, 1), null))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("image 1 is null");
        assertThatThrownBy(() -> tokenizer.encode((ResizePolicy) null, new BufferedImage(32, 32, 1)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("resize policy");
    }

    @Test
    void rejectsBadTokenGrids() {
        int[] ok = new int[64];
        assertThatThrownBy(() -> tokenizer.decode(new int[][] {ok, new int[63]}))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("token row 1 has 63 tokens, expected 64 (8x8 grid)");
        int[] high = ok.clone();
        high[5] = 64;
        assertThatThrownBy(() -> tokenizer.decode(new int[][] {high}))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("token 5 of row 0 is 64, outside [0, 64)");
        int[] negative = ok.clone();
        negative[0] = -1;
        assertThatThrownBy(() -> tokenizer.decode(new int[][] {negative}))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("is -1");
        assertThatThrownBy(() -> tokenizer.decode(new int[][] {null}))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("has no tokens");
        assertThatThrownBy(() -> tokenizer.decode(new int[0][]))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("no token grid");
        assertThatThrownBy(() -> new VqTokenizer(null, 0))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("chunkSize");
    }

    @Test
    void decodingFreesEachBlocksActivationOnceTheNextIsMade() {
        try (NDManager request = root.newSubManager();
                VqModel model = TinyVq.load(root)) {
            int g = model.config().gridSize();
            NDArray codes = request.arange(0, g * g, 1, DataType.INT64).reshape(1, (long) g * g);
            NDArray image = model.decodeCode(codes, ActivationRecorder.NONE);

            assertThat(image.getShape().get(2)).isGreaterThan(g);
            assertThat(request.getManagedArrays())
                    .filteredOn(a -> a.getShape().dimension() == 4 && a.getShape().get(2) > g)
                    .containsExactly(image);
        }
    }

    @Test
    void modelRejectsBadTensors() {
        try (NDManager m = root.newSubManager();
                VqModel model = TinyVq.load(root)) {
            assertThatThrownBy(() -> model.decodeCode(m.zeros(new Shape(2, 63), DataType.INT64), ActivationRecorder.NONE))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("codes must have shape [B, 64]").hasMessageContaining("(2, 63)");
            assertThatThrownBy(() -> model.decodeCode(m.create(new long[] {64}).broadcast(1, 64), ActivationRecorder.NONE))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("codes must lie in [0, 64), got values from 64 to 64");
            assertThatThrownBy(() -> model.decodeCode(m.zeros(new Shape(1, 64)), ActivationRecorder.NONE))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("integers");
            assertThatThrownBy(() -> model.encode(m.zeros(new Shape(1, 4, 32, 32)), ActivationRecorder.NONE))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("images must have shape [B, 3, 32, 32]");
            assertThatThrownBy(() -> model.encode(m.zeros(new Shape(0, 3, 32, 32)), ActivationRecorder.NONE))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("B > 0");
            assertThatThrownBy(() -> model.decode(m.zeros(new Shape(1, 8, 4, 4)), ActivationRecorder.NONE))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("quant must have shape");
        }
    }
}
