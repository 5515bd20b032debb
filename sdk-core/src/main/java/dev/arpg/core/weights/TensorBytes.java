package dev.arpg.core.weights;

import dev.arpg.api.ModelLoadException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The little-endian bytes of one tensor in row-major order: held in memory, or a range of a weight
 * file read when the tensor is used. Reading a file range goes through a small buffer straight into
 * its destination, so a loaded model holds its weights once: a memory map of the file would add
 * every page it copied to the process's resident set until the map is collected (an ARPG-L
 * safetensors file loaded at twice its size, docs/benchmarks.md, session 22).
 */
abstract class TensorBytes {
    /** Bytes handed to a {@link ChunkSink} at a time: a multiple of every element size. */
    static final int CHUNK_BYTES = 1 << 20;

    /** Receives consecutive chunks of a tensor's bytes. */
    @FunctionalInterface
    interface ChunkSink {
        /**
         * Takes one chunk.
         *
         * @param chunk little-endian bytes, valid only during the call; every chunk but the last
         *     holds a whole number of elements
         */
        void accept(ByteBuffer chunk);
    }

    private final long length;

    TensorBytes(long length) {
        this.length = length;
    }

    /** @return the number of bytes */
    final long length() {
        return length;
    }

    /**
     * Hands all bytes to {@code sink} in order, in chunks of at most {@link #CHUNK_BYTES}.
     *
     * @throws ModelLoadException if the file they come from can no longer be read or has changed
     */
    abstract void forEachChunk(ChunkSink sink);

    /**
     * Returns the bytes from {@code skip} on, {@code count} of them: without reading them where they
     * are a range of a file or of memory, else read now.
     *
     * @param skip bytes to leave out at the start
     * @param count bytes to keep; {@code skip + count <= length()}
     * @return the range
     */
    TensorBytes range(long skip, long count) {
        return inMemory(readAll()).range(skip, count);
    }

    /** @return all bytes in a new little-endian heap buffer (in memory already: a read-only view) */
    ByteBuffer readAll() {
        if (length > Integer.MAX_VALUE - 8) {
            throw new ModelLoadException("a tensor of " + length + " bytes is too large for one buffer");
        }
        ByteBuffer all = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
        forEachChunk(all::put);
        return all.flip();
    }

    /**
     * Bytes held in memory.
     *
     * @param bytes the bytes (their remaining ones), not copied
     * @return the tensor bytes
     */
    static TensorBytes inMemory(ByteBuffer bytes) {
        return new InMemory(bytes.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
    }

    /**
     * A range of a file, read when used.
     *
     * @param file the file, as it was when its header was read
     * @param where the tensor and file, for messages
     * @param offset first byte in the file
     * @param length bytes
     * @return the tensor bytes
     */
    static TensorBytes fileRange(WeightFile file, String where, long offset, long length) {
        return new FileRange(file, where, offset, length);
    }

    /**
     * The start of a zip entry's uncompressed data, read when used.
     *
     * @param file the zip file, as it was when its directory was read
     * @param where the tensor and file, for messages
     * @param entry the entry's name
     * @param length bytes from the entry's start
     * @return the tensor bytes
     */
    static TensorBytes zipEntry(WeightFile file, String where, String entry, long length) {
        return new ZipEntryRange(file, where, entry, 0, length);
    }

    /**
     * A weight file and what it was when it was opened (its file key, size and modification time),
     * so that reading a tensor later fails loudly, rather than reading other values, when the file
     * has been replaced or changed in between.
     */
    static final class WeightFile {
        private final Path path;
        private final Object key;
        private final long size;
        private final FileTime modified;

        private WeightFile(Path path, BasicFileAttributes attributes) {
            this.path = path;
            this.key = attributes.fileKey();
            this.size = attributes.size();
            this.modified = attributes.lastModifiedTime();
        }

        /**
         * Records a file as it is now.
         *
         * @param path the file
         * @return the record
         * @throws IOException if its attributes cannot be read
         */
        static WeightFile of(Path path) throws IOException {
            return new WeightFile(path, Files.readAttributes(path, BasicFileAttributes.class));
        }

        /** @return the file's path */
        Path path() {
            return path;
        }

        /** Checks, after opening the file again, that it is still the file that was read. */
        void checkUnchanged(String where) throws IOException {
            BasicFileAttributes now = Files.readAttributes(path, BasicFileAttributes.class);
            if (!Objects.equals(key, now.fileKey()) || size != now.size() || !modified.equals(now.lastModifiedTime())) {
                throw new ModelLoadException("cannot read " + where + ": " + path + " changed after it was read ("
                        + size + " bytes modified " + modified + ", now " + now.size() + " bytes modified "
                        + now.lastModifiedTime() + "); read the weight file again");
            }
        }
    }

    private static ModelLoadException unreadable(String where, IOException e) {
        return e instanceof EOFException
                ? new ModelLoadException("cannot read " + where + ": " + e.getMessage(), e)
                : new ModelLoadException("cannot read " + where + ": " + e, e);
    }

    private static final class InMemory extends TensorBytes {
        private final ByteBuffer bytes;

        InMemory(ByteBuffer bytes) {
            super(bytes.remaining());
            this.bytes = bytes;
        }

        @Override
        void forEachChunk(ChunkSink sink) {
            ByteBuffer all = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            for (int at = 0; at < all.limit(); at += CHUNK_BYTES) {
                sink.accept(all.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(at)
                        .limit(Math.min(all.limit(), at + CHUNK_BYTES)));
            }
        }

        @Override
        TensorBytes range(long skip, long count) {
            return new InMemory(bytes.duplicate().position((int) skip).limit((int) (skip + count)).slice()
                    .order(ByteOrder.LITTLE_ENDIAN));
        }

        @Override
        ByteBuffer readAll() {
            return bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static final class FileRange extends TensorBytes {
        private final WeightFile file;
        private final String where;
        private final long offset;

        FileRange(WeightFile file, String where, long offset, long length) {
            super(length);
            this.file = file;
            this.where = where;
            this.offset = offset;
        }

        @Override
        void forEachChunk(ChunkSink sink) {
            try (FileChannel channel = FileChannel.open(file.path(), StandardOpenOption.READ)) {
                file.checkUnchanged(where);
                ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, length()))
                        .order(ByteOrder.LITTLE_ENDIAN);
                for (long done = 0; done < length(); ) {
                    chunk.clear().limit((int) Math.min(chunk.capacity(), length() - done));
                    while (chunk.hasRemaining()) {
                        if (channel.read(chunk, offset + done + chunk.position()) < 0) {
                            throw new EOFException(file.path() + " ended at byte " + (offset + done
                                    + chunk.position()) + ", inside the tensor's " + length() + " bytes");
                        }
                    }
                    sink.accept(chunk.flip());
                    done += chunk.limit();
                }
            } catch (IOException e) {
                throw unreadable(where, e);
            }
        }

        @Override
        TensorBytes range(long skip, long count) {
            return new FileRange(file, where, offset + skip, count);
        }
    }

    private static final class ZipEntryRange extends TensorBytes {
        private final WeightFile file;
        private final String where;
        private final String entry;
        private final long skip;

        ZipEntryRange(WeightFile file, String where, String entry, long skip, long length) {
            super(length);
            this.file = file;
            this.where = where;
            this.entry = entry;
            this.skip = skip;
        }

        @Override
        void forEachChunk(ChunkSink sink) {
            try (ZipFile zip = new ZipFile(file.path().toFile())) {
                file.checkUnchanged(where);
                ZipEntry found = zip.getEntry(entry);
                if (found == null) {
                    throw new ModelLoadException("cannot read " + where + ": " + file.path() + " has no entry " + entry);
                }
                try (InputStream in = zip.getInputStream(found)) {
                    in.skipNBytes(skip);
                    byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, length())];
                    for (long done = 0; done < length(); ) {
                        int want = (int) Math.min(chunk.length, length() - done);
                        if (in.readNBytes(chunk, 0, want) < want) {
                            throw new EOFException("the zip entry " + entry + " of " + file.path()
                                    + " ended inside the tensor's " + length() + " bytes");
                        }
                        sink.accept(ByteBuffer.wrap(chunk, 0, want).order(ByteOrder.LITTLE_ENDIAN));
                        done += want;
                    }
                }
            } catch (IOException e) {
                throw unreadable(where, e);
            }
        }

        @Override
        TensorBytes range(long skipMore, long count) {
            return new ZipEntryRange(file, where, entry, skip + skipMore, count);
        }
    }
}
