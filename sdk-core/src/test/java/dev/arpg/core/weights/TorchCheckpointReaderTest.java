package dev.arpg.core.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.arpg.api.ModelLoadException;
import dev.arpg.core.engine.Engines;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TorchCheckpointReaderTest {
    @TempDir
    Path dir;

    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    static byte[] longs(long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return b.array();
    }

    static byte[] shorts(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.array();
    }

    private static CheckpointBuilder sixFloats() {
        return new CheckpointBuilder().storage("0", floats(0, 1, 2, 3, 4, 5));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void transposedViewIsMaterialisedInRowMajorOrder(boolean protocol4) throws IOException {
        CheckpointBuilder builder = sixFloats()
                .tensor("t", "FloatStorage", "0", 6, 0, new long[] {3, 2}, new long[] {1, 3});
        if (protocol4) {
            builder.protocol4();
        }
        StateDict dict = StateDict.read(builder.write(dir.resolve("t.pt")));

        HostTensor t = dict.get("t");
        assertThat(t.type()).isEqualTo(TensorType.F32);
        assertThat(t.shape()).containsExactly(3, 2);
        assertThat(t.toFloatArray()).containsExactly(0, 3, 1, 4, 2, 5);
        assertThat(dict.metadata()).isEmpty();
    }

    @Test
    void storageOffsetAndSharedStorage() throws IOException {
        Path file = sixFloats()
                .tensor("head", "FloatStorage", "0", 6, 0, new long[] {2}, new long[] {1})
                .tensor("tail", "FloatStorage", "0", 6, 2, new long[] {2, 2}, new long[] {2, 1})
                .tensor("scalar", "FloatStorage", "0", 6, 5, new long[] {}, new long[] {})
                .write(dir.resolve("shared.pt"));

        StateDict dict = TorchCheckpointReader.read(file);

        assertThat(dict.names()).containsExactly("head", "tail", "scalar");
        assertThat(dict.get("head").toFloatArray()).containsExactly(0, 1);
        assertThat(dict.get("tail").toFloatArray()).containsExactly(2, 3, 4, 5);
        assertThat(dict.get("scalar").shape()).isEmpty();
        assertThat(dict.get("scalar").toFloatArray()).containsExactly(5);
        assertThat(dict.contains("not_a_tensor")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"model", "state_dict", "ema", "module"})
    void stateDictNestedUnderAWrapperKey(String key) throws IOException {
        Path file = sixFloats()
                .tensor("w", "FloatStorage", "0", 6, 0, new long[] {6}, new long[] {1})
                .nestUnder(key).protocol4().prefix("model/").deflate()
                .write(dir.resolve("nested.pt"));

        StateDict dict = StateDict.read(file);

        assertThat(dict.names()).containsExactly("w");
        assertThat(dict.get("w").toFloatArray()).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void halfBfloatLongStoragesAndParameters() throws IOException {
        Path file = new CheckpointBuilder()
                .storage("h", shorts(0x3C00, 0xC000, 0x0001, 0x7C00))
                .storage("b", shorts(0x3F80, 0xC000))
                .storage("l", longs(3, -7, 1L << 40))
                .tensor("half", "HalfStorage", "h", 4, 0, new long[] {4}, new long[] {1})
                .parameter("bf", "BFloat16Storage", "b", 2, new long[] {1, 2})
                .tensor("ids", "LongStorage", "l", 3, 0, new long[] {3}, new long[] {1})
                .write(dir.resolve("types.pt"));

        StateDict dict = StateDict.read(file);

        assertThat(dict.get("half").type()).isEqualTo(TensorType.F16);
        assertThat(dict.get("half").toFloatArray())
                .containsExactly(1f, -2f, (float) Math.pow(2, -24), Float.POSITIVE_INFINITY);
        assertThat(dict.get("bf").type()).isEqualTo(TensorType.BF16);
        assertThat(dict.get("bf").shape()).containsExactly(1, 2);
        assertThat(dict.get("bf").toFloatArray()).containsExactly(1f, -2f);
        assertThat(dict.get("ids").toLongArray()).containsExactly(3, -7, 1L << 40);
    }

    @ParameterizedTest
    @ValueSource(strings = {"os system", "builtins eval", "posix system", "subprocess Popen"})
    void maliciousGlobalIsRefusedAndNothingRuns(String global) throws IOException {
        Path marker = dir.resolve("pwned");
        String[] parts = global.split(" ");
        for (boolean protocol4 : new boolean[] {false, true}) {
            byte[] pickle = new PickleBytes(protocol4).global(parts[0], parts[1])
                    .str("touch " + marker).op(0x85, 'R').stop();
            Path file = CheckpointBuilder.writeZip(dir.resolve("evil.pt"), "archive/", pickle, Map.of(), false);

            assertThatThrownBy(() -> StateDict.read(file))
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("refusing to load " + file)
                    .hasMessageContaining("'" + parts[0] + "." + parts[1] + "'")
                    .hasMessageContaining("allow-list");
            assertThat(marker).doesNotExist();
        }
    }

    @Test
    void callingAStorageClassIsRefused() throws IOException {
        byte[] pickle = new PickleBytes(false).global("torch", "FloatStorage").op(')', 'R').stop();
        Path file = CheckpointBuilder.writeZip(dir.resolve("call.pt"), "archive/", pickle, Map.of(), false);

        assertThatThrownBy(() -> StateDict.read(file))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("cannot call 'torch.FloatStorage'");
    }

    @Test
    void unknownOpcodeIsNamedWithItsOffset() throws IOException {
        byte[] pickle = new PickleBytes(false).op('}').op('i').stop();
        Path file = CheckpointBuilder.writeZip(dir.resolve("op.pt"), "archive/", pickle, Map.of(), false);

        assertThatThrownBy(() -> StateDict.read(file))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("unsupported pickle opcode 0x69 at offset 3");
    }

    @Test
    void truncatedPickleIsReported() throws IOException {
        byte[] full = sixFloats().tensor("t", "FloatStorage", "0", 6, 0, new long[] {6}, new long[] {1}).pickle();
        for (int cut : new int[] {1, 10, full.length / 2, full.length - 1}) {
            byte[] pickle = Arrays.copyOf(full, cut);
            Path file = CheckpointBuilder.writeZip(dir.resolve("cut.pt"), "archive/", pickle,
                    Map.of("0", floats(0, 1, 2, 3, 4, 5)), false);

            assertThatThrownBy(() -> StateDict.read(file))
                    .isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("truncated pickle in " + file);
        }
    }

    @Test
    void lyingStringLengthDoesNotAllocate() throws IOException {
        byte[] pickle = new PickleBytes(false).op('X').raw(PickleBytes.le(0xFFFFFFF0L, 4)).stop();
        Path file = CheckpointBuilder.writeZip(dir.resolve("len.pt"), "archive/", pickle, Map.of(), false);

        assertThatThrownBy(() -> StateDict.read(file))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("truncated pickle");
    }

    @Test
    void missingStorageEntryNamesTheTensor() throws IOException {
        Path file = new CheckpointBuilder()
                .tensor("w", "FloatStorage", "9", 6, 0, new long[] {6}, new long[] {1})
                .write(dir.resolve("missing.pt"));

        assertThatThrownBy(() -> StateDict.read(file))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("storage '9' of tensor 'w'")
                .hasMessageContaining("is missing");
    }

    @Test
    void aViewIsReadFromItsStorageEntryWhenUsedAcrossChunkBoundaries() throws IOException {
        int n = TensorBytes.CHUNK_BYTES / Float.BYTES * 2 + 37;
        float[] values = SafetensorsTest.ramp(n);
        Path file = new CheckpointBuilder().storage("0", floats(values))
                .tensor("tail", "FloatStorage", "0", n, 5, new long[] {n - 5}, new long[] {1})
                .write(dir.resolve("big.pt"));

        StateDict read = StateDict.read(file);
        float[] loaded;
        try (NDManager manager = Engines.newRootManager()) {
            loaded = read.get("tail").toNDArray(manager).toFloatArray();
        }

        assertThat(loaded).hasSize(n - 5);
        for (int i = 0; i < n - 5; i++) {
            assertThat(loaded[i]).as("element %d", i).isEqualTo(values[i + 5]);
        }
    }

    @Test
    void aCheckpointReplacedAfterReadingIsRefusedNotRead() throws IOException {
        Path file = sixFloats().tensor("w", "FloatStorage", "0", 6, 0, new long[] {6}, new long[] {1})
                .write(dir.resolve("w.pt"));
        StateDict read = StateDict.read(file);
        Path other = new CheckpointBuilder().storage("0", floats(9, 9, 9, 9, 9, 9, 9))
                .tensor("w", "FloatStorage", "0", 7, 0, new long[] {6}, new long[] {1})
                .write(dir.resolve("other.pt"));
        Files.move(other, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> read.get("w").toFloatArray())
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("tensor 'w' in " + file)
                .hasMessageContaining("changed after it was read");
    }

    @Test
    void viewLargerThanItsStorageIsRejected() throws IOException {
        Path file = sixFloats()
                .tensor("w", "FloatStorage", "0", 6, 1, new long[] {2, 3}, new long[] {3, 1})
                .write(dir.resolve("big.pt"));

        assertThatThrownBy(() -> StateDict.read(file))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("tensor 'w'")
                .hasMessageContaining("storage holds only 6 elements");
    }

    @Test
    void storageEntryShorterThanDeclaredIsRejected() throws IOException {
        Path file = new CheckpointBuilder().storage("0", floats(1, 2))
                .tensor("w", "FloatStorage", "0", 6, 0, new long[] {6}, new long[] {1})
                .write(dir.resolve("short.pt"));

        assertThatThrownBy(() -> StateDict.read(file))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has 8 bytes, expected 24");
    }

    @Test
    void zipWithoutDataPklIsRejected() throws IOException {
        Path file = dir.resolve("nopkl.pt");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("archive/version"));
            zip.write('3');
            zip.closeEntry();
        }

        assertThatThrownBy(() -> StateDict.read(file))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("no data.pkl entry");
    }

    @Test
    void dictWithoutTensorsListsTheTopLevelKeys() throws IOException {
        byte[] pickle = new PickleBytes(false).op('}').mark().str("epoch").integer(3)
                .str("optimizer").op('}').op('u').stop();
        Path file = CheckpointBuilder.writeZip(dir.resolve("empty.pt"), "archive/", pickle, Map.of(), false);

        assertThatThrownBy(() -> StateDict.read(file))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("no tensors found")
                .hasMessageContaining("[epoch, optimizer]");
    }
}
