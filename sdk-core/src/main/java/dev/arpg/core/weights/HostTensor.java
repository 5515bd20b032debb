package dev.arpg.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.arpg.api.ModelLoadException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * One tensor held on the host (not an NDArray): its type, shape and little-endian bytes, held in
 * memory or read from its weight file each time they are used (the file must then not change; a
 * changed file is refused, not read). Instances are immutable.
 */
public final class HostTensor {
    private final TensorType type;
    private final long[] shape;
    private final long elementCount;
    private final TensorBytes data;

    private HostTensor(TensorType type, long[] shape, TensorBytes data) {
        this.type = type;
        this.shape = shape.clone();
        this.elementCount = elementCount(this.shape);
        long expected = Math.multiplyExact(elementCount, (long) type.byteSize());
        if (data.length() != expected) {
            throw new IllegalArgumentException(
                    "a " + type + " tensor of shape " + Arrays.toString(shape) + " needs " + expected
                            + " bytes, got " + data.length());
        }
        this.data = data;
    }

    /**
     * Wraps raw little-endian bytes as a tensor. The buffer's remaining bytes are used without
     * copying; the caller must not modify them afterwards.
     *
     * @param type element type
     * @param shape dimensions, each non-negative; empty for a scalar
     * @param littleEndianBytes exactly {@code elementCount * type.byteSize()} remaining bytes
     * @return the tensor
     * @throws IllegalArgumentException if the byte count does not match the shape
     */
    public static HostTensor of(TensorType type, long[] shape, ByteBuffer littleEndianBytes) {
        return new HostTensor(type, shape, TensorBytes.inMemory(littleEndianBytes));
    }

    /**
     * A tensor whose bytes are read from a weight file when used.
     *
     * @param type element type
     * @param shape dimensions
     * @param bytes where the bytes are
     * @return the tensor
     * @throws IllegalArgumentException if the byte count does not match the shape
     */
    static HostTensor read(TensorType type, long[] shape, TensorBytes bytes) {
        return new HostTensor(type, shape, bytes);
    }

    /**
     * Creates an F32 tensor from values in row-major order.
     *
     * @param shape dimensions; their product must equal {@code values.length}
     * @param values the elements
     * @return the tensor
     */
    public static HostTensor ofFloats(long[] shape, float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return of(TensorType.F32, shape, bytes);
    }

    /**
     * Creates an I64 tensor from values in row-major order.
     *
     * @param shape dimensions; their product must equal {@code values.length}
     * @param values the elements
     * @return the tensor
     */
    public static HostTensor ofLongs(long[] shape, long[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        return of(TensorType.I64, shape, bytes);
    }

    /**
     * Multiplies the dimensions, rejecting negative ones and overflow.
     *
     * @param shape dimensions
     * @return the number of elements (1 for a scalar)
     */
    static long elementCount(long[] shape) {
        long count = 1;
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, dim);
        }
        return count;
    }

    /**
     * Returns the element type.
     *
     * @return the type
     */
    public TensorType type() {
        return type;
    }

    /**
     * Returns the dimensions (a copy).
     *
     * @return the shape; empty for a scalar
     */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * Returns the number of elements.
     *
     * @return the product of the dimensions
     */
    public long elementCount() {
        return elementCount;
    }

    /** Returns the little-endian bytes, positioned at 0 (read from the file when they live there). */
    ByteBuffer bytes() {
        return data.readAll();
    }

    /** @return the number of bytes */
    long byteCount() {
        return data.length();
    }

    /** Hands the bytes to {@code sink} in order, a chunk at a time, without holding them all. */
    void forEachChunk(TensorBytes.ChunkSink sink) {
        data.forEachChunk(sink);
    }

    /**
     * Returns the elements as floats: F32 as is, F16 and BF16 widened exactly, F64 narrowed,
     * integers converted, BOOL as 0 or 1.
     *
     * @return the elements in row-major order
     */
    public float[] toFloatArray() {
        float[] out = new float[arrayLength()];
        ByteBuffer b = bytes();
        for (int i = 0; i < out.length; i++) {
            out[i] = floatAt(b, i);
        }
        return out;
    }

    private float floatAt(ByteBuffer b, int i) {
        return switch (type) {
            case F32 -> b.getFloat(i * 4);
            case F16 -> HalfPrecision.f16ToFloat(b.getShort(i * 2));
            case BF16 -> HalfPrecision.bf16ToFloat(b.getShort(i * 2));
            case F64 -> (float) b.getDouble(i * 8);
            default -> integerAt(b, i);
        };
    }

    /**
     * Creates a FLOAT32 NDArray holding {@code parts} one after the other (stacked along axis 0
     * when they are matrices): F16 and BF16 widened exactly, F64 rounded. Its memory is the
     * engine's, freed when the array closes; the values go through one small buffer (a Java direct
     * buffer under an NDArray would stay allocated until the garbage collector collects it, so a
     * model loaded and closed again would hold its weights on).
     *
     * @param parts floating-point tensors whose elements add up to {@code shape}'s
     * @param shape the new array's shape
     * @param manager owner of the new array
     * @return the array
     * @throws IllegalArgumentException if the parts' elements do not add up to the shape's
     * @throws IllegalStateException if a part is not floating-point
     * @throws ModelLoadException if a part's weight file can no longer be read or has changed
     */
    public static NDArray float32(List<HostTensor> parts, Shape shape, NDManager manager) {
        long total = parts.stream().mapToLong(HostTensor::elementCount).sum();
        if (total != shape.size()) {
            throw new IllegalArgumentException(parts.size() + " tensors of " + total + " elements cannot fill shape "
                    + shape);
        }
        parts.forEach(HostTensor::requireFloatingPoint);
        NDArray out = manager.create(shape, DataType.FLOAT32);
        if (total == 0) {
            return out;
        }
        try (NDArray flat = out.reshape(total)) {
            EngineArrayWriter writer = new EngineArrayWriter(flat, manager, total);
            parts.forEach(part -> part.forEachFloat32Chunk(writer));
            writer.flush();
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    /** Copies float32 chunks into a flat engine array in order, through one small direct buffer. */
    private static final class EngineArrayWriter implements TensorBytes.ChunkSink {
        private final NDArray flat;
        private final NDManager manager;
        private final ByteBuffer pending;
        private long written;

        EngineArrayWriter(NDArray flat, NDManager manager, long floats) {
            this.flat = flat;
            this.manager = manager;
            this.pending = ByteBuffer.allocateDirect((int) Math.min(TensorBytes.CHUNK_BYTES, floats * Float.BYTES))
                    .order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public void accept(ByteBuffer chunk) {
            while (chunk.hasRemaining()) {
                int n = Math.min(chunk.remaining(), pending.remaining());
                pending.put(chunk.slice(chunk.position(), n));
                chunk.position(chunk.position() + n);
                if (!pending.hasRemaining()) {
                    flush();
                }
            }
        }

        /** Copies what is pending into the array, after what was copied before. */
        void flush() {
            int floats = pending.position() / Float.BYTES;
            if (floats == 0) {
                return;
            }
            try (NDArray chunk = manager.create(pending.flip(), new Shape(floats), DataType.FLOAT32)) {
                flat.set(new NDIndex("{}:{}", written, written + floats), chunk);
            }
            written += floats;
            pending.clear();
        }
    }

    /** Hands the elements to {@code sink} as little-endian float32 chunks, converting a chunk at a time. */
    private void forEachFloat32Chunk(TensorBytes.ChunkSink sink) {
        if (type == TensorType.F32) {
            data.forEachChunk(sink);
            return;
        }
        ByteBuffer floats = ByteBuffer.allocate(TensorBytes.CHUNK_BYTES / type.byteSize() * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        data.forEachChunk(chunk -> {
            ByteBuffer elements = chunk.slice().order(ByteOrder.LITTLE_ENDIAN);
            floats.clear();
            for (int i = 0, n = elements.remaining() / type.byteSize(); i < n; i++) {
                floats.putFloat(floatAt(elements, i));
            }
            sink.accept(floats.flip());
        });
    }

    private void requireFloatingPoint() {
        if (!type.isFloatingPoint()) {
            throw new IllegalStateException("float32 values need a floating-point tensor, not " + type);
        }
    }

    /**
     * Returns the elements as doubles (all types; floats widened exactly).
     *
     * @return the elements in row-major order
     */
    public double[] toDoubleArray() {
        if (type == TensorType.F64) {
            double[] out = new double[arrayLength()];
            bytes().asDoubleBuffer().get(out);
            return out;
        }
        if (type.isFloatingPoint()) {
            float[] floats = toFloatArray();
            double[] out = new double[floats.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = floats[i];
            }
            return out;
        }
        long[] longs = toLongArray();
        double[] out = new double[longs.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = longs[i];
        }
        return out;
    }

    /**
     * Returns the elements of an integer or BOOL tensor as longs (U8 unsigned, BOOL 0 or 1).
     *
     * @return the elements in row-major order
     * @throws ModelLoadException if the tensor holds floating-point values
     */
    public long[] toLongArray() {
        if (type.isFloatingPoint()) {
            throw new ModelLoadException("a " + type + " tensor cannot be read as integers");
        }
        long[] out = new long[arrayLength()];
        ByteBuffer b = bytes();
        for (int i = 0; i < out.length; i++) {
            out[i] = integerAt(b, i);
        }
        return out;
    }

    /**
     * Returns the elements of a BOOL tensor (any non-zero byte is true).
     *
     * @return the elements in row-major order
     * @throws ModelLoadException if the tensor is not BOOL
     */
    public boolean[] toBooleanArray() {
        if (type != TensorType.BOOL) {
            throw new ModelLoadException("a " + type + " tensor cannot be read as booleans");
        }
        boolean[] out = new boolean[arrayLength()];
        ByteBuffer b = bytes();
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i) != 0;
        }
        return out;
    }

    /**
     * Creates an NDArray with these values in {@code manager}: F32, F16 and BF16 become FLOAT32
     * (16-bit floats are widened in Java, since a BF16 NDArray aborts the JVM on CPU in DJL 0.36),
     * F64 becomes FLOAT64, I64 INT64, I32 INT32, I8 INT8, U8 UINT8 and BOOL BOOLEAN.
     *
     * @param manager owner of the new array
     * @return a new NDArray of the same shape
     */
    public NDArray toNDArray(NDManager manager) {
        Shape djlShape = new Shape(shape);
        return switch (type) {
            case F32, F16, BF16 -> float32(List.of(this), djlShape, manager);
            case F64 -> manager.create(toDoubleArray(), djlShape);
            case I64 -> manager.create(toLongArray(), djlShape);
            case I32 -> manager.create(toIntArray(), djlShape);
            case BOOL -> manager.create(toBooleanArray(), djlShape);
            case I8 -> manager.create(toByteArray(), djlShape);
            case U8 -> manager.create(ByteBuffer.wrap(toByteArray()), djlShape, DataType.UINT8);
        };
    }

    private int[] toIntArray() {
        int[] out = new int[arrayLength()];
        bytes().asIntBuffer().get(out);
        return out;
    }

    private byte[] toByteArray() {
        byte[] out = new byte[arrayLength()];
        bytes().get(out);
        return out;
    }

    private long integerAt(ByteBuffer b, int i) {
        return switch (type) {
            case I64 -> b.getLong(i * 8);
            case I32 -> b.getInt(i * 4);
            case I8 -> b.get(i);
            case U8, BOOL -> b.get(i) & 0xFF;
            default -> throw new IllegalStateException("not an integer type: " + type);
        };
    }

    private int arrayLength() {
        if (elementCount > Integer.MAX_VALUE - 8) {
            throw new ModelLoadException(
                    "tensor with " + elementCount + " elements is too large for a Java array");
        }
        return (int) elementCount;
    }

    @Override
    public String toString() {
        return "HostTensor[" + type + " " + Arrays.toString(shape) + "]";
    }
}
