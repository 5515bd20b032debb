package dev.arpg.core.weights;

import dev.arpg.api.ModelLoadException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Turns a strided view of a storage (offset, size, stride, in elements) into a contiguous {@link
 * HostTensor}. Contiguous views are a range of the storage's bytes; other views are copied element
 * by element into row-major order each time they are read.
 */
final class StorageView {
    private StorageView() {}

    /**
     * Materialises a view.
     *
     * @param where the tensor and file, for error messages
     * @param storage all bytes of the storage, little-endian, not read here
     * @param type element type of the storage
     * @param offset index of the view's first element in the storage
     * @param size the view's dimensions
     * @param stride elements to step in the storage per index of each dimension
     * @return a contiguous tensor with the view's values
     * @throws ModelLoadException if the view reaches past the end of the storage
     */
    static HostTensor materialise(String where, TensorBytes storage, TensorType type, long offset,
            long[] size, long[] stride) {
        int elementSize = type.byteSize();
        long storageElements = storage.length() / elementSize;
        long count;
        long lastIndex = offset;
        try {
            count = HostTensor.elementCount(size);
            for (int d = 0; d < size.length; d++) {
                if (size[d] > 0) {
                    lastIndex = Math.addExact(lastIndex, Math.multiplyExact(size[d] - 1, stride[d]));
                }
            }
            Math.multiplyExact(count, (long) elementSize);
        } catch (ArithmeticException e) {
            throw new ModelLoadException("corrupt checkpoint: " + where + " has an overflowing size or stride", e);
        }
        if (count > 0 && lastIndex >= storageElements || offset > storageElements) {
            throw new ModelLoadException("corrupt checkpoint: " + where + " views elements up to index "
                    + lastIndex + " but its storage holds only " + storageElements + " elements");
        }
        if (count * elementSize > Integer.MAX_VALUE) {
            throw new ModelLoadException("cannot load " + where + ": larger than 2 GiB");
        }
        if (count == 0) {
            return HostTensor.of(type, size, ByteBuffer.allocate(0));
        }
        if (isContiguous(size, stride)) {
            return HostTensor.read(type, size, storage.range(offset * elementSize, count * elementSize));
        }
        return HostTensor.read(type, size, new Strided(storage, elementSize, offset, size, stride, (int) count));
    }

    private static boolean isContiguous(long[] size, long[] stride) {
        long expected = 1;
        for (int d = size.length - 1; d >= 0; d--) {
            if (size[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= size[d];
        }
        return true;
    }

    /** A view's elements in row-major order, copied out of its storage (read whole) when used. */
    private static final class Strided extends TensorBytes {
        private final TensorBytes storage;
        private final int elementSize;
        private final long offset;
        private final long[] size;
        private final long[] stride;
        private final int count;

        Strided(TensorBytes storage, int elementSize, long offset, long[] size, long[] stride, int count) {
            super((long) count * elementSize);
            this.storage = storage;
            this.elementSize = elementSize;
            this.offset = offset;
            this.size = size.clone();
            this.stride = stride.clone();
            this.count = count;
        }

        @Override
        void forEachChunk(ChunkSink sink) {
            TensorBytes.inMemory(copyStrided(storage.readAll(), elementSize, offset, size, stride, count))
                    .forEachChunk(sink);
        }

    }

    private static ByteBuffer copyStrided(ByteBuffer source, int elementSize, long offset, long[] size,
            long[] stride, int count) {
        byte[] out = new byte[count * elementSize];
        long[] index = new long[size.length];
        long storageIndex = offset;
        for (int i = 0; i < count; i++) {
            source.get((int) storageIndex * elementSize, out, i * elementSize, elementSize);
            for (int d = size.length - 1; d >= 0; d--) {
                index[d]++;
                storageIndex += stride[d];
                if (index[d] < size[d]) {
                    break;
                }
                storageIndex -= stride[d] * index[d];
                index[d] = 0;
            }
        }
        return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    }
}
