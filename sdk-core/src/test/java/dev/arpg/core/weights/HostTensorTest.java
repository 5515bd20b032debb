package dev.arpg.core.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.arpg.api.ModelLoadException;
import dev.arpg.core.engine.Engines;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostTensorTest {

    private static HostTensor halves(TensorType type, int... bits) {
        return HostTensor.of(type, new long[] {bits.length}, ByteBuffer.wrap(TorchCheckpointReaderTest.shorts(bits)));
    }

    @Test
    void bfloat16IsWidenedExactly() {
        HostTensor t = halves(TensorType.BF16, 0x3F80, 0xC000, 0x0000, 0x8000, 0x7F80, 0x3F81);
        float[] values = t.toFloatArray();
        assertThat(values).containsExactly(1f, -2f, 0f, -0f, Float.POSITIVE_INFINITY, 1f + 0x1p-7f);
        assertThat(Float.floatToRawIntBits(values[3])).isEqualTo(0x80000000);
    }

    @Test
    void float16IsWidenedExactlyIncludingSubnormalsAndSpecials() {
        HostTensor t = halves(TensorType.F16, 0x3C00, 0xC000, 0x0001, 0x03FF, 0x8001, 0x7BFF, 0x7C00, 0xFC00, 0x7E00);
        float[] values = t.toFloatArray();
        assertThat(values).startsWith(1f, -2f, 0x1p-24f, 1023 * 0x1p-24f, -0x1p-24f, 65504f,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
        assertThat(values[8]).isNaN();
    }

    @Test
    void toNDArrayWidensHalfTypesToFloat32() {
        try (NDManager manager = Engines.newRootManager()) {
            NDArray bf = halves(TensorType.BF16, 0x3F80, 0xC000).toNDArray(manager);
            assertThat(bf.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(bf.toFloatArray()).containsExactly(1f, -2f);

            NDArray f16 = halves(TensorType.F16, 0x3C00, 0x0001, 0x7C00).toNDArray(manager);
            assertThat(f16.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(f16.toFloatArray()).containsExactly(1f, 0x1p-24f, Float.POSITIVE_INFINITY);
        }
    }

    @Test
    void toNDArrayKeepsValuesShapeAndType() {
        try (NDManager manager = Engines.newRootManager()) {
            NDArray f = HostTensor.ofFloats(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6.5f}).toNDArray(manager);
            assertThat(f.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(f.getShape().getShape()).containsExactly(2, 3);
            assertThat(f.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6.5f);

            NDArray l = HostTensor.ofLongs(new long[] {3}, new long[] {-1, 0, 1L << 50}).toNDArray(manager);
            assertThat(l.getDataType()).isEqualTo(DataType.INT64);
            assertThat(l.toLongArray()).containsExactly(-1, 0, 1L << 50);

            HostTensor bools = HostTensor.of(TensorType.BOOL, new long[] {3}, ByteBuffer.wrap(new byte[] {1, 0, 1}));
            NDArray b = bools.toNDArray(manager);
            assertThat(b.getDataType()).isEqualTo(DataType.BOOLEAN);
            assertThat(b.toBooleanArray()).containsExactly(true, false, true);

            NDArray scalar = HostTensor.ofFloats(new long[] {}, new float[] {7}).toNDArray(manager);
            assertThat(scalar.getShape().dimension()).isZero();
            assertThat(scalar.getFloat()).isEqualTo(7f);
        }
    }

    @Test
    void float32StacksPartsOfEveryFloatingTypeAcrossChunkBoundaries() {
        int rows = TensorBytes.CHUNK_BYTES / Float.BYTES / 8 + 3;
        float[] first = SafetensorsTest.ramp(rows * 8);
        ByteBuffer bf16 = ByteBuffer.allocate(rows * 8 * 2).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer f64 = ByteBuffer.allocate(5 * 8 * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows * 8; i++) {
            bf16.putShort((short) (Float.floatToIntBits(-first[i]) >>> 16));
        }
        for (int i = 0; i < 5 * 8; i++) {
            f64.putDouble(i / 3.0);
        }
        List<HostTensor> parts = List.of(HostTensor.ofFloats(new long[] {rows, 8}, first),
                HostTensor.of(TensorType.BF16, new long[] {rows, 8}, bf16.flip()),
                HostTensor.of(TensorType.F64, new long[] {5, 8}, f64.flip()));

        try (NDManager manager = Engines.newRootManager()) {
            NDArray stacked = HostTensor.float32(parts, new Shape(2L * rows + 5, 8), manager);

            assertThat(stacked.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(stacked.getShape()).isEqualTo(new Shape(2L * rows + 5, 8));
            float[] values = stacked.toFloatArray();
            for (int i = 0; i < rows * 8; i++) {
                assertThat(values[i]).as("F32 %d", i).isEqualTo(first[i]);
                assertThat(values[rows * 8 + i]).as("BF16 %d", i)
                        .isEqualTo(Float.intBitsToFloat(Float.floatToIntBits(-first[i]) & 0xFFFF0000));
            }
            for (int i = 0; i < 5 * 8; i++) {
                assertThat(values[2 * rows * 8 + i]).as("F64 %d", i).isEqualTo((float) (i / 3.0));
            }
            assertThatThrownBy(() -> HostTensor.float32(parts, new Shape(2L * rows, 8), manager))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot fill shape");
            assertThatThrownBy(() -> HostTensor.float32(List.of(HostTensor.ofLongs(new long[] {1}, new long[1])),
                    new Shape(1), manager)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not I64");
        }
    }

    @Test
    void conversionsAcrossTypes() {
        HostTensor bytes = HostTensor.of(TensorType.U8, new long[] {2}, ByteBuffer.wrap(new byte[] {(byte) 200, 3}));
        assertThat(bytes.toLongArray()).containsExactly(200, 3);
        assertThat(bytes.toFloatArray()).containsExactly(200f, 3f);
        HostTensor signed = HostTensor.of(TensorType.I8, new long[] {2}, ByteBuffer.wrap(new byte[] {(byte) 200, 3}));
        assertThat(signed.toDoubleArray()).containsExactly(-56.0, 3.0);
        assertThat(HostTensor.ofFloats(new long[] {1}, new float[] {0.1f}).toDoubleArray()).containsExactly((double) 0.1f);
    }

    @Test
    void mismatchedRequestsAreRejected() {
        HostTensor f = HostTensor.ofFloats(new long[] {1}, new float[] {1});
        assertThatThrownBy(f::toLongArray).isInstanceOf(ModelLoadException.class).hasMessageContaining("F32");
        assertThatThrownBy(f::toBooleanArray).isInstanceOf(ModelLoadException.class).hasMessageContaining("booleans");
        assertThatThrownBy(() -> HostTensor.ofFloats(new long[] {2, 2}, new float[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 16 bytes");
    }
}
