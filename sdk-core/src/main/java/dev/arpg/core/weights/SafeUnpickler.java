package dev.arpg.core.weights;

import dev.arpg.api.ModelLoadException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A minimal pickle virtual machine for {@code torch.save} state dicts, with the safety of {@code
 * torch.load(weights_only=True)}: globals resolve only from a small allow-list and nothing is ever
 * executed; the allow-listed callables just build Java values.
 *
 * <p>Values: None &rarr; {@code null}, int &rarr; {@link Long} (or {@link BigInteger} when wider),
 * float &rarr; {@link Double}, bool &rarr; {@link Boolean}, str &rarr; {@link String}, bytes
 * &rarr; {@code byte[]}, tuple and list &rarr; {@link List}, dict and OrderedDict &rarr; {@link
 * LinkedHashMap}, a persistent storage id &rarr; {@link StorageRef}, a rebuilt tensor or
 * parameter &rarr; {@link TensorRef}.
 */
final class SafeUnpickler {
    /** A resolved, allow-listed global. */
    record Global(String module, String name) {
        String qualifiedName() {
            return module + "." + name;
        }
    }

    /** A storage of the checkpoint: element type, zip entry key and element count. */
    record StorageRef(TensorType type, String key, long numel) {}

    /** A view of a storage, as {@code torch._utils._rebuild_tensor_v2} describes it. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

    private static final String ORDERED_DICT = "collections.OrderedDict";
    private static final String REBUILD_TENSOR_V2 = "torch._utils._rebuild_tensor_v2";
    private static final String REBUILD_TENSOR = "torch._utils._rebuild_tensor";
    private static final String REBUILD_PARAMETER = "torch._utils._rebuild_parameter";
    private static final Set<String> CALLABLES =
            Set.of(ORDERED_DICT, REBUILD_TENSOR_V2, REBUILD_TENSOR, REBUILD_PARAMETER);
    private static final Map<String, TensorType> STORAGE_TYPES = Map.of(
            "torch.FloatStorage", TensorType.F32,
            "torch.HalfStorage", TensorType.F16,
            "torch.BFloat16Storage", TensorType.BF16,
            "torch.DoubleStorage", TensorType.F64,
            "torch.LongStorage", TensorType.I64,
            "torch.IntStorage", TensorType.I32,
            "torch.BoolStorage", TensorType.BOOL,
            "torch.ByteStorage", TensorType.U8,
            "torch.CharStorage", TensorType.I8);

    private final PickleInput in;
    private final String source;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private SafeUnpickler(byte[] pickle, String source) {
        this.in = new PickleInput(pickle, source);
        this.source = source;
    }

    /**
     * Runs a pickle and returns the object it builds.
     *
     * @param pickle the pickle bytes
     * @param source the file (and entry) named in error messages
     * @return the unpickled object
     * @throws ModelLoadException if the pickle is corrupt, truncated, uses an unsupported opcode or
     *     references a global outside the allow-list
     */
    static Object load(byte[] pickle, String source) {
        return new SafeUnpickler(pickle, source).run();
    }

    private Object run() {
        while (true) {
            int offset = in.position();
            int opcode = in.u8();
            switch (opcode) {
                case 0x80 -> in.u8(); // PROTO
                case 0x95 -> in.u64(); // FRAME: framing is irrelevant when all bytes are in memory
                case '.' -> { // STOP
                    Object result = pop();
                    if (!stack.isEmpty() || !marks.isEmpty()) {
                        throw corrupt("STOP with values left on the stack", offset);
                    }
                    return result;
                }
                case 'c' -> push(global(in.line(), in.line()));
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw corrupt("STACK_GLOBAL needs two strings", offset);
                    }
                    push(global(m, n));
                }
                case 'q' -> memo.put((long) in.u8(), peek()); // BINPUT
                case 'r' -> memo.put(in.u32(), peek()); // LONG_BINPUT
                case 0x94 -> memo.put((long) memo.size(), peek()); // MEMOIZE
                case 'h' -> push(memoGet(in.u8(), offset)); // BINGET
                case 'j' -> push(memoGet(in.u32(), offset)); // LONG_BINGET
                case '(' -> marks.add(stack.size()); // MARK
                case '}' -> push(new LinkedHashMap<>()); // EMPTY_DICT
                case ']' -> push(new ArrayList<>()); // EMPTY_LIST
                case ')' -> push(List.of()); // EMPTY_TUPLE
                case 't' -> push(tuple(popToMark(offset))); // TUPLE
                case 0x85 -> push(tuple(popN(1))); // TUPLE1
                case 0x86 -> push(tuple(popN(2))); // TUPLE2
                case 0x87 -> push(tuple(popN(3))); // TUPLE3
                case 'l' -> push(new ArrayList<>(popToMark(offset))); // LIST
                case 'd' -> push(dict(popToMark(offset), new LinkedHashMap<>(), offset)); // DICT
                case 'a' -> { // APPEND
                    Object item = pop();
                    list(peek(), offset).add(item);
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popToMark(offset);
                    list(peek(), offset).addAll(items);
                }
                case 's' -> { // SETITEM
                    Object value = pop();
                    Object key = pop();
                    map(peek(), offset).put(key, value);
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popToMark(offset);
                    dict(items, map(peek(), offset), offset);
                }
                case 'J' -> push((long) in.i32()); // BININT
                case 'K' -> push((long) in.u8()); // BININT1
                case 'M' -> push((long) in.u16()); // BININT2
                case 0x8a -> push(long1(in.bytes(in.u8()))); // LONG1
                case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(in.u64()))); // BINFLOAT
                case 'N' -> push(null); // NONE
                case 0x88 -> push(Boolean.TRUE); // NEWTRUE
                case 0x89 -> push(Boolean.FALSE); // NEWFALSE
                case 'X' -> push(utf8(in.bytes(in.u32()))); // BINUNICODE
                case 0x8c -> push(utf8(in.bytes(in.u8()))); // SHORT_BINUNICODE
                case 0x8d -> push(utf8(in.bytes(in.u64()))); // BINUNICODE8
                case 'T' -> push(latin1(in.bytes(in.i32()))); // BINSTRING
                case 'U' -> push(latin1(in.bytes(in.u8()))); // SHORT_BINSTRING
                case 'B' -> push(in.bytes(in.u32())); // BINBYTES
                case 'C' -> push(in.bytes(in.u8())); // SHORT_BINBYTES
                case 'R', 0x81 -> { // REDUCE, NEWOBJ
                    List<?> args = tupleArg(pop(), offset);
                    push(call(pop(), args, offset));
                }
                case 'b' -> { // BUILD
                    pop();
                    if (!(peek() instanceof Map)) {
                        throw corrupt("BUILD is only supported on an OrderedDict, not on "
                                + describe(peek()), offset);
                    }
                }
                case 'Q' -> push(persistentLoad(pop(), offset)); // BINPERSID
                default -> throw new ModelLoadException(String.format(
                        "cannot load %s: unsupported pickle opcode 0x%02x at offset %d", source, opcode, offset));
            }
        }
    }

    private Global global(String module, String name) {
        String qualified = module + "." + name;
        if (!CALLABLES.contains(qualified) && !STORAGE_TYPES.containsKey(qualified)) {
            throw new ModelLoadException("refusing to load " + source + ": pickle references the global '"
                    + qualified + "', which is not on the allow-list");
        }
        return new Global(module, name);
    }

    private Object call(Object callable, List<?> args, int offset) {
        if (!(callable instanceof Global global) || !CALLABLES.contains(global.qualifiedName())) {
            throw corrupt("cannot call " + describe(callable), offset);
        }
        return switch (global.qualifiedName()) {
            case ORDERED_DICT -> {
                if (!args.isEmpty()) {
                    throw corrupt("OrderedDict with constructor arguments is not supported", offset);
                }
                yield new LinkedHashMap<>();
            }
            case REBUILD_TENSOR_V2, REBUILD_TENSOR -> rebuildTensor(args, offset);
            default -> { // REBUILD_PARAMETER(data, requires_grad, backward_hooks)
                if (args.isEmpty() || !(args.get(0) instanceof TensorRef)) {
                    throw corrupt("_rebuild_parameter needs a tensor as its first argument", offset);
                }
                yield args.get(0);
            }
        };
    }

    /** Handles {@code _rebuild_tensor[_v2](storage, storage_offset, size, stride, ...)}. */
    private TensorRef rebuildTensor(List<?> args, int offset) {
        if (args.size() < 4 || !(args.get(0) instanceof StorageRef storage)) {
            throw corrupt("_rebuild_tensor needs (storage, offset, size, stride, ...)", offset);
        }
        long[] size = longs(args.get(2), "size", offset);
        long[] stride = longs(args.get(3), "stride", offset);
        if (size.length != stride.length) {
            throw corrupt("tensor size and stride differ in rank", offset);
        }
        return new TensorRef(storage, nonNegative(args.get(1), "storage offset", offset), size, stride);
    }

    /** Handles the persistent id {@code ('storage', StorageClass, key, location, numel)}. */
    private StorageRef persistentLoad(Object pid, int offset) {
        if (!(pid instanceof List<?> id) || id.size() != 5 || !"storage".equals(id.get(0))
                || !(id.get(1) instanceof Global storageClass) || !(id.get(2) instanceof String key)) {
            throw corrupt("unsupported persistent id " + describe(pid), offset);
        }
        TensorType type = STORAGE_TYPES.get(storageClass.qualifiedName());
        if (type == null) {
            throw corrupt("'" + storageClass.qualifiedName() + "' is not a storage class", offset);
        }
        return new StorageRef(type, key, nonNegative(id.get(4), "storage size", offset));
    }

    private long[] longs(Object value, String what, int offset) {
        if (!(value instanceof List<?> list)) {
            throw corrupt("tensor " + what + " is " + describe(value) + ", not a tuple", offset);
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = nonNegative(list.get(i), what, offset);
        }
        return out;
    }

    private long nonNegative(Object value, String what, int offset) {
        if (!(value instanceof Long number) || number < 0) {
            throw corrupt("tensor " + what + " is " + describe(value) + ", not a non-negative int", offset);
        }
        return number;
    }

    private Object memoGet(long index, int offset) {
        if (!memo.containsKey(index)) {
            throw corrupt("memo entry " + index + " is not defined", offset);
        }
        return memo.get(index);
    }

    private List<?> tupleArg(Object value, int offset) {
        if (!(value instanceof List<?> args)) {
            throw corrupt("call arguments are " + describe(value) + ", not a tuple", offset);
        }
        return args;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object value, int offset) {
        if (!(value instanceof ArrayList)) {
            throw corrupt("APPEND on " + describe(value) + ", not a list", offset);
        }
        return (List<Object>) value;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> map(Object value, int offset) {
        if (!(value instanceof Map)) {
            throw corrupt("SETITEM on " + describe(value) + ", not a dict", offset);
        }
        return (Map<Object, Object>) value;
    }

    private Map<Object, Object> dict(List<Object> items, Map<Object, Object> target, int offset) {
        if (items.size() % 2 != 0) {
            throw corrupt("odd number of dict items", offset);
        }
        for (int i = 0; i < items.size(); i += 2) {
            target.put(items.get(i), items.get(i + 1));
        }
        return target;
    }

    private static List<Object> tuple(List<Object> items) {
        return Collections.unmodifiableList(items);
    }

    private static Object long1(byte[] littleEndian) {
        if (littleEndian.length == 0) {
            return 0L;
        }
        byte[] bigEndian = new byte[littleEndian.length];
        for (int i = 0; i < bigEndian.length; i++) {
            bigEndian[i] = littleEndian[littleEndian.length - 1 - i];
        }
        BigInteger value = new BigInteger(bigEndian);
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private void push(Object value) {
        stack.add(value);
    }

    private Object peek() {
        if (stack.isEmpty() || topIsMark()) {
            throw corrupt("stack underflow", in.position());
        }
        return stack.get(stack.size() - 1);
    }

    private Object pop() {
        Object top = peek();
        stack.remove(stack.size() - 1);
        return top;
    }

    private boolean topIsMark() {
        return !marks.isEmpty() && marks.get(marks.size() - 1) == stack.size();
    }

    private List<Object> popN(int n) {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) {
            items[i] = pop();
        }
        return new ArrayList<>(Arrays.asList(items));
    }

    private List<Object> popToMark(int offset) {
        if (marks.isEmpty()) {
            throw corrupt("no MARK on the stack", offset);
        }
        int start = marks.remove(marks.size() - 1);
        List<Object> top = stack.subList(start, stack.size());
        List<Object> items = new ArrayList<>(top);
        top.clear();
        return items;
    }

    private static String describe(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Global global) {
            return "'" + global.qualifiedName() + "'";
        }
        return "a " + value.getClass().getSimpleName();
    }

    private ModelLoadException corrupt(String problem, int offset) {
        return new ModelLoadException("corrupt pickle in " + source + ": " + problem + " at offset " + offset);
    }
}
