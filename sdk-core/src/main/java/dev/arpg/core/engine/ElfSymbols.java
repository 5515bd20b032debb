package dev.arpg.core.engine;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the values (offsets from the load address) of named functions from the full symbol table
 * ({@code .symtab}) of a 64-bit little-endian ELF shared library, which also lists the functions the
 * library does not export. The tables are streamed through a 1 MiB buffer: libtorch_cpu.so's are
 * ~90 MB, which a memory map would add to the process's resident memory while they are read.
 */
final class ElfSymbols {
    private static final int SHT_SYMTAB = 2;
    private static final int STT_FUNC = 2;
    private static final int SYMBOL_BYTES = 24;
    private static final int SECTION_HEADER_BYTES = 64;
    private static final int CHUNK = 1 << 18;

    private ElfSymbols() {
    }

    /**
     * The values of the named functions found in the library's {@code .symtab}.
     *
     * @param library the shared library
     * @param names the functions wanted
     * @return value by name, for those found (none when the library has no {@code .symtab})
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the file is not a 64-bit little-endian ELF file
     */
    static Map<String, Long> functions(Path library, Set<String> names) throws IOException {
        try (FileChannel file = FileChannel.open(library, StandardOpenOption.READ)) {
            ByteBuffer header = file.size() < 64 ? null : read(file, 0, 64);
            if (header == null || header.getInt(0) != 0x464C457F || header.get(4) != 2 || header.get(5) != 1) {
                throw new IllegalArgumentException(library + " is not a 64-bit little-endian ELF file");
            }
            int count = Short.toUnsignedInt(header.getShort(0x3C));
            ByteBuffer sections = read(file, header.getLong(0x28), count * SECTION_HEADER_BYTES);
            Map<String, Long> found = new HashMap<>();
            for (int s = 0; s < count; s++) {
                int at = s * SECTION_HEADER_BYTES;
                if (sections.getInt(at + 4) == SHT_SYMTAB) {
                    int strings = sections.getInt(at + 40) * SECTION_HEADER_BYTES;
                    Map<Long, String> wanted = nameOffsets(file, sections.getLong(strings + 24),
                            sections.getLong(strings + 32), names);
                    readSymbols(file, sections.getLong(at + 24), sections.getLong(at + 32), wanted, found);
                }
            }
            return found;
        }
    }

    /** Where in the string table each wanted name starts (a name may end a longer string). */
    private static Map<Long, String> nameOffsets(FileChannel file, long offset, long size, Set<String> names)
            throws IOException {
        byte[][] wanted = names.stream().map(n -> n.getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);
        Map<Long, String> offsets = new HashMap<>();
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        long start = 0;
        while (start < size) {
            int filled = chunk.position();
            int want = (int) Math.min(chunk.remaining(), size - start - filled);
            readFully(file, chunk.limit(filled + want), offset + start + filled);
            byte[] bytes = chunk.array();
            int end = filled + want;
            int from = 0;
            for (int zero = 0; zero < end; zero++) {
                if (bytes[zero] == 0) {
                    for (byte[] name : wanted) {
                        if (endsWith(bytes, from, zero, name)) {
                            offsets.put(start + zero - name.length, new String(name, StandardCharsets.US_ASCII));
                        }
                    }
                    from = zero + 1;
                }
            }
            if (from == 0 && end == CHUNK) {
                throw new IllegalArgumentException("a symbol name longer than " + CHUNK + " bytes");
            }
            if (start + end >= size) {
                break;
            }
            System.arraycopy(bytes, from, bytes, 0, end - from);
            chunk.clear().position(end - from);
            start += from;
        }
        return offsets;
    }

    private static boolean endsWith(byte[] bytes, int from, int end, byte[] name) {
        if (end - from < name.length) {
            return false;
        }
        for (int i = 1; i <= name.length; i++) {
            if (bytes[end - i] != name[name.length - i]) {
                return false;
            }
        }
        return true;
    }

    private static void readSymbols(FileChannel file, long offset, long size, Map<Long, String> wanted,
            Map<String, Long> found) throws IOException {
        int perChunk = CHUNK / SYMBOL_BYTES * SYMBOL_BYTES;
        ByteBuffer symbols = ByteBuffer.allocate(perChunk).order(ByteOrder.LITTLE_ENDIAN);
        for (long at = 0; at + SYMBOL_BYTES <= size; at += perChunk) {
            symbols.clear().limit((int) Math.min(perChunk, size - at) / SYMBOL_BYTES * SYMBOL_BYTES);
            readFully(file, symbols, offset + at);
            symbols.flip();
            for (int s = 0; s + SYMBOL_BYTES <= symbols.limit(); s += SYMBOL_BYTES) {
                if ((symbols.get(s + 4) & 0xF) == STT_FUNC) {
                    String name = wanted.get(Integer.toUnsignedLong(symbols.getInt(s)));
                    if (name != null) {
                        found.put(name, symbols.getLong(s + 8));
                    }
                }
            }
        }
    }

    private static ByteBuffer read(FileChannel file, long offset, int bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, buffer, offset);
        return buffer.flip();
    }

    private static void readFully(FileChannel file, ByteBuffer buffer, long offset) throws IOException {
        long at = offset;
        while (buffer.hasRemaining()) {
            int read = file.read(buffer, at);
            if (read < 0) {
                throw new EOFException("the ELF file ends before offset " + at);
            }
            at += read;
        }
    }
}
