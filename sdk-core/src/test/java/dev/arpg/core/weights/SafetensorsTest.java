package dev.arpg.core.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arpg.api.ModelLoadException;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.testing.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    @Test
    void writerRoundTripKeepsOrderValuesAndMetadata() {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put("z.weight", HostTensor.ofFloats(new long[] {2, 2}, new float[] {1.5f, -2, 0, Float.MIN_VALUE}));
        tensors.put("a.ids", HostTensor.ofLongs(new long[] {3}, new long[] {-1, 7, Long.MAX_VALUE}));
        tensors.put("m.bf16", HostTensor.of(TensorType.BF16, new long[] {2},
                ByteBuffer.wrap(TorchCheckpointReaderTest.shorts(0x3F80, 0xC000))));
        tensors.put("empty", HostTensor.ofFloats(new long[] {0, 4}, new float[0]));
        Path file = dir.resolve("out.safetensors");

        SafetensorsWriter.write(file, tensors, Map.of("format", "pt", "step", "12"));
        StateDict read = StateDict.read(file);

        assertThat(read.names()).containsExactly("z.weight", "a.ids", "m.bf16", "empty");
        assertThat(read.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("format", "pt", "step", "12"));
        assertThat(read.get("z.weight").toFloatArray()).containsExactly(1.5f, -2, 0, Float.MIN_VALUE);
        assertThat(read.get("a.ids").toLongArray()).containsExactly(-1, 7, Long.MAX_VALUE);
        assertThat(read.get("m.bf16").type()).isEqualTo(TensorType.BF16);
        assertThat(read.get("m.bf16").toFloatArray()).containsExactly(1f, -2f);
        assertThat(read.get("empty").shape()).containsExactly(0, 4);
        assertThat(read.source()).isEqualTo(file);
        assertThatThrownBy(() -> read.get("nope")).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("no tensor 'nope' in " + file);
        assertThat(dir.resolve("out.safetensors.tmp")).doesNotExist();
    }

    /** A tensor of more than one read chunk, with values that differ in every position. */
    static float[] ramp(int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = i * 0.25f - n / 3f;
        }
        return values;
    }

    @Test
    void tensorsAreReadFromTheFileWhenUsedAcrossChunkBoundaries() {
        int n = TensorBytes.CHUNK_BYTES / Float.BYTES * 2 + 37;
        float[] values = ramp(n);
        short[] halves = new short[n];
        ByteBuffer bf16 = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            halves[i] = (short) (Float.floatToIntBits(values[i]) >>> 16);
            bf16.putShort(halves[i]);
        }
        Path file = dir.resolve("big.safetensors");
        SafetensorsWriter.write(file, new LinkedHashMap<>(Map.of(
                "f32", HostTensor.ofFloats(new long[] {n}, values),
                "bf16", HostTensor.of(TensorType.BF16, new long[] {n}, bf16.flip()))), Map.of());

        StateDict read = StateDict.read(file);
        float[] loaded;
        try (NDManager manager = Engines.newRootManager()) {
            loaded = HostTensor.float32(List.of(read.get("f32"), read.get("bf16")), new Shape(2, n), manager)
                    .toFloatArray();
        }

        for (int i = 0; i < n; i++) {
            assertThat(loaded[i]).as("f32 %d", i).isEqualTo(values[i]);
            assertThat(loaded[n + i]).as("bf16 %d", i).isEqualTo(Float.intBitsToFloat(halves[i] << 16));
        }
        assertThat(read.get("f32").toFloatArray()).containsExactly(values);
    }

    @Test
    void aFileChangedAfterReadingIsRefusedNotRead() throws IOException {
        Path file = dir.resolve("w.safetensors");
        SafetensorsWriter.write(file, Map.of("w", HostTensor.ofFloats(new long[] {3}, new float[] {1, 2, 3})), Map.of());
        StateDict read = StateDict.read(file);
        assertThat(read.get("w").toFloatArray()).containsExactly(1, 2, 3);

        SafetensorsWriter.write(file, Map.of("w", HostTensor.ofFloats(new long[] {3}, new float[] {7, 8, 9})), Map.of());

        assertThatThrownBy(() -> read.get("w").toFloatArray())
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("tensor 'w' in " + file)
                .hasMessageContaining("changed after it was read");
        assertThat(StateDict.read(file).get("w").toFloatArray()).containsExactly(7, 8, 9);

        StateDict again = StateDict.read(file);
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), (int) Files.size(file) - 4));
        assertThatThrownBy(() -> again.get("w").toFloatArray())
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("changed after it was read");
    }

    private Path withHeader(String json, int dataBytes) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        return Files.write(dir.resolve("bad.safetensors"), b.array());
    }

    private void assertRejected(Path file, String phrase) {
        assertThatThrownBy(() -> StateDict.read(file))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(phrase);
    }

    @Test
    void truncatedGoldenFileIsRejected() throws IOException {
        byte[] full = Files.readAllBytes(Golden.file("arpg-tiny/state_dict.safetensors"));
        Path half = Files.write(dir.resolve("half.safetensors"), Arrays.copyOf(full, full.length / 2));
        assertRejected(half, "outside the data block");
        Path headerCut = Files.write(dir.resolve("cut.safetensors"), Arrays.copyOf(full, 100));
        assertRejected(headerCut, "exceeds the 92 bytes after the length field");
    }

    @Test
    void malformedHeadersAreRejected() throws IOException {
        assertRejected(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,16]}}", 8),
                "outside the data block");
        assertRejected(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8),
                "has 8 bytes of data but its shape and dtype need 12");
        assertRejected(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8),
                "outside the data block");
        assertRejected(withHeader("{\"w\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8),
                "unsupported dtype 'C64' for tensor 'w'");
        assertRejected(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4),
                "non-integer shape");
        assertRejected(withHeader("{\"w\": [", 0), "invalid JSON");
        assertRejected(withHeader("[1, 2]", 0), "not a JSON object");
    }

    @Test
    void lyingHeaderLengthAndGarbageAreRejected() throws IOException {
        ByteBuffer lying = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).putLong(0);
        assertRejected(Files.write(dir.resolve("lying.safetensors"), lying.array()), "header length 1000 exceeds");
        ByteBuffer huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).putLong(0);
        assertRejected(Files.write(dir.resolve("huge.safetensors"), huge.array()), "declares a header length");
        assertRejected(Files.write(dir.resolve("garbage.bin"), "this is not a weight file at all".getBytes()),
                "declares a header length");
        assertRejected(Files.write(dir.resolve("empty.bin"), new byte[0]), "too short");
    }

    @Test
    void truncatedCheckpointZipIsRejected() throws IOException {
        byte[] full = Files.readAllBytes(Golden.file("arpg-tiny/model.pt"));
        Path cut = Files.write(dir.resolve("cut.pt"), Arrays.copyOf(full, full.length / 2));
        assertRejected(cut, "not a readable zip archive");
    }

    @Test
    void missingFileIsReported() {
        assertRejected(dir.resolve("absent.safetensors"), "cannot read weight file");
    }
}
