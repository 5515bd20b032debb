package dev.arpg.core.weights;

import dev.arpg.api.ModelLoadException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Turns a strided view of a storage (offset, size, stride, in elements) into a contiguous {@link
 * HostTensor}. Contiguous views share the storage bytes; other views are copied element by
 * element into row-major order.
 */
final class StorageView {
    private StorageView() {}

    /**
     * Materialises a view.
     *
     * @param where the tensor and file, for error messages
     * @param storage all bytes of the storage, little-endian
     * @param type element type of the storage
     * @param offset index of the view's first element in the storage
     * @param size the view's dimensions
     * @param stride elements to step in the storage per index of each dimension
     * @return a contiguous tensor with the view's values
     * @throws ModelLoadException if the view reaches past the end of the storage
     */
    static HostTensor materialise(String where, ByteBuffer storage, TensorType type, long offset,
            long[] size, long[] stride) {
        int elementSize = type.byteSize();
        long storageElements = storage.remaining() / elementSize;
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
        ByteBuffer source = storage.duplicate();
        if (isContiguous(size, stride)) {
            int begin = (int) offset * elementSize;
            return HostTensor.of(type, size, source.position(begin).limit(begin + (int) count * elementSize));
        }
        return HostTensor.of(type, size, copyStrided(source, elementSize, offset, size, stride, (int) count));
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
