package dev.arpg.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemoryLayout;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;

/**
 * Float32 products {@code x W^T} on the oneDNN inside libtorch_cpu.so, with each weight matrix
 * moved once into the blocked layout oneDNN's matmul reads fastest ({@link #block}). For the few
 * rows of a decoding step this streams the weights at the memory's rate, which MKL's GEMM does not:
 * 0.12-0.13 ms per million weights at 4-8 rows against 0.18-0.21 (docs/benchmarks.md, session 19).
 * The blocked layout takes the plain matrix's memory.
 *
 * <p>libtorch links oneDNN statically and exports none of its functions; they are found by name in
 * the library's full symbol table ({@code .symtab}), and called through the incubating foreign API
 * of JDK 17. {@link Engines#oneDnn} therefore checks everything before it hands out the instance:
 * the foreign API is there, libtorch is mapped, every function is found, oneDNN's version is 3.x,
 * and a product equals libtorch's own. Anything else leaves the SDK on libtorch's products, with one
 * INFO log line saying why. Set the system property {@value #PROPERTY} to {@code false} to stay
 * there.
 *
 * <p>Thread-safe: primitives are created once per shape and shared; every call runs on the stream
 * of a scratch it holds alone for the call (see {@link #idle}).
 */
public final class OneDnn {
    /** System property: {@code false} keeps every product on libtorch's own operators. */
    public static final String PROPERTY = "arpg.onednn";
    private static final String EXPORTED = "cblas_sgemm_pack";
    private static final int CPU_ENGINE = 1;
    private static final int IN_ORDER_STREAM = 1;
    private static final int F32 = 3;
    private static final int FORMAT_ANY = 1;
    private static final int QUERY_EXEC_ARG_MD = 255;
    private static final int ARG_SRC = 1;
    private static final int ARG_DST = 17;
    private static final int ARG_WEIGHTS = 33;
    private static final int ARG_SCRATCHPAD = 80;
    private static final int SCRATCHPAD_MODE_USER = 1;
    private static final int[] PRODUCT_ARGUMENTS = {ARG_SRC, ARG_WEIGHTS, ARG_DST};
    /**
     * Rows of the product through which the blocked layout of a weight shape is chosen (the same
     * layout for 1 to 4096 rows with ARPG's shapes; primitives for a number of rows fixed when they
     * are created ran 1.9x as fast in decoding as one primitive for any number of rows, session 19).
     */
    private static final long LAYOUT_ROWS = 8;
    /** Most bytes of plain weights per panel (see {@link Blocked}). */
    private static final long PANEL_BYTES = 16L << 20;
    private static OneDnn instance;

    private final Functions c;
    private final MemoryAddress engine;
    /**
     * Primitive attributes: the caller hands every execution its scratchpad. With oneDNN's own one
     * (the default) a primitive cannot run on two threads at once: products on a shared model came
     * out wrong (a test with 8 threads caught it).
     */
    private final MemoryAddress callerScratchpad;
    /** The blocked layout (memory descriptor) per weight shape {@code in x out}. */
    private final Map<List<Long>, MemoryAddress> layouts = new ConcurrentHashMap<>();
    /** A matmul primitive per {@code rows x in x out x output row stride}. */
    private final Map<List<Long>, Primitive> primitives = new ConcurrentHashMap<>();
    /** Memory descriptors of row-major inputs and outputs, per {@code rows x columns x row stride}. */
    private final Map<List<Long>, MemoryAddress> rowMajor = new ConcurrentHashMap<>();
    /**
     * Scratch not in use, most recently used first: a product takes one (or makes one when all are
     * taken) and gives it back, so there are as many as products ever ran at once, each kept for the
     * process. Not a thread-local: the common fork-join pool's threads drop their thread-locals
     * after every task, which would have made (and leaked the oneDNN stream and memory objects of) a
     * scratch per request run there, e.g. by {@code CompletableFuture.supplyAsync}.
     */
    private final Deque<Scratch> idle = new ConcurrentLinkedDeque<>();
    /** Scratch made so far (see {@link #scratchCount}). */
    private final AtomicInteger scratchCount = new AtomicInteger();

    private OneDnn(Functions c) throws Throwable {
        this.c = c;
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment out = MemorySegment.allocateNative(8, scope);
            check("dnnl_engine_create", (int) c.engineCreate.invokeExact(out.address(), CPU_ENGINE, 0L));
            this.engine = MemoryAccess.getAddress(out);
            check("dnnl_primitive_attr_create", (int) c.attributesCreate.invokeExact(out.address()));
            this.callerScratchpad = MemoryAccess.getAddress(out);
            check("dnnl_primitive_attr_set_scratchpad_mode", (int) c.scratchpadMode.invokeExact(callerScratchpad,
                    SCRATCHPAD_MODE_USER));
        }
    }

    /**
     * Finds oneDNN in the mapped libtorch and checks it (see the class comment), once. Reached only
     * through {@link Engines#oneDnn}, after it checked that the foreign API is there.
     *
     * @return why it cannot be used, or an empty string when {@link #instance} may be called
     */
    static synchronized String unavailable() {
        if (instance == null) {
            try {
                OneDnn candidate = new OneDnn(Functions.find());
                String failed = candidate.selfCheck();
                if (failed != null) {
                    return failed;
                }
                instance = candidate;
            } catch (Throwable e) {
                return "its functions could not be called (" + e + ")";
            }
        }
        return "";
    }

    /** @return the instance {@link #unavailable} made */
    static synchronized OneDnn instance() {
        if (instance == null) {
            throw new IllegalStateException("oneDNN was not found or failed its check");
        }
        return instance;
    }

    /** Values in [-1, 1] that differ from each other, from a linear congruential sequence. */
    private static float[] mixed(int count, long seed) {
        float[] values = new float[count];
        long state = seed;
        for (int i = 0; i < count; i++) {
            state = state * 6364136223846793005L + 1442695040888963407L;
            values[i] = (state >>> 40) / (float) (1L << 23) - 1f;
        }
        return values;
    }

    /**
     * A product of fixed pseudo-random numbers (the engine's generator is left alone), against
     * libtorch's; null when they agree.
     */
    private String selfCheck() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(mixed(48 * 64, 1), new Shape(48, 64));
            NDArray x = m.create(mixed(5 * 64, 2), new Shape(5, 64));
            float difference = multiply(x, block(w.duplicate())).sub(Linear.linear(x, w).singletonOrThrow()).abs().max()
                    .getFloat();
            return difference <= 1e-4f ? null : "its product differs from libtorch's by " + difference;
        }
    }

    /**
     * A weight matrix in oneDNN's blocked layout, for {@link #multiply}: its output rows in panels of
     * at most 16 MiB of plain weights, each blocked on its own, so that blocking in place sets only
     * one panel aside at a time. Its storage is an array of the weight's manager, freed with it.
     */
    public static final class Blocked {
        private final NDArray storage;
        private final long in;
        private final long out;
        /** Output rows of each panel. */
        private final long[] panels;
        /** Each panel's blocked layout (memory descriptor). */
        private final MemoryAddress[] layouts;
        /** Where each panel's data starts (the storage never moves). */
        private final MemoryAddress[] data;

        private Blocked(NDArray storage, long in, long out, long[] panels, MemoryAddress[] layouts,
                MemoryAddress[] data) {
            this.storage = storage;
            this.in = in;
            this.out = out;
            this.panels = panels;
            this.layouts = layouts;
            this.data = data;
        }

        /** @return the bytes it holds */
        public long bytes() {
            return storage.size() * Float.BYTES;
        }
    }

    /**
     * Splits {@code out} rows into as few panels of at most {@link #PANEL_BYTES} bytes as it can, of
     * equal multiples of 64 rows (the last one shorter): 2816 + 2816 rows for a 5632 x 1024 matrix.
     */
    private static long[] panels(long in, long out) {
        long count = Math.max(1, (out * in * Float.BYTES + PANEL_BYTES - 1) / PANEL_BYTES);
        long rows = Math.max(64, ((out + count - 1) / count + 63) / 64 * 64);
        while (rows * in * Float.BYTES > PANEL_BYTES && rows > 64) {
            rows -= 64;
        }
        long[] panels = new long[(int) ((out + rows - 1) / rows)];
        for (int i = 0; i < panels.length; i++) {
            panels[i] = Math.min(rows, out - i * rows);
        }
        return panels;
    }

    /**
     * Moves a weight matrix into the blocked layout, panel by panel: in the weight's own memory when
     * every blocked panel has its plain size (as for every ARPG matrix: then only one panel is copied
     * aside at a time, and memory does not grow), otherwise into a new array of the weight's manager,
     * and the weight is closed. Either way the caller must not use the weight array afterwards (nor
     * views of its memory): it no longer holds a matrix.
     *
     * @param weight float32 {@code [out, in]}, the layout of {@code Linear}'s weight, contiguous
     * @return the blocked weight, owned by the weight's manager
     * @throws IllegalArgumentException if the weight is not a float32 matrix
     */
    public Blocked block(NDArray weight) {
        Shape shape = weight.getShape();
        if (shape.dimension() != 2 || weight.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("a weight to block must be a float32 matrix, not "
                    + weight.getDataType() + " " + shape);
        }
        long out = shape.get(0);
        long in = shape.get(1);
        long[] panels = panels(in, out);
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            long[] offsets = new long[panels.length];
            MemoryAddress[] layouts = new MemoryAddress[panels.length];
            long total = 0;
            boolean inPlace = true;
            for (int i = 0; i < panels.length; i++) {
                offsets[i] = total;
                layouts[i] = layout(in, panels[i]);
                long bytes = (long) c.descriptorSize.invokeExact(layouts[i]);
                inPlace &= bytes == panels[i] * in * Float.BYTES;
                total += bytes;
            }
            NDArray storage = inPlace ? weight : weight.getManager().zeros(new Shape(total / Float.BYTES),
                    DataType.FLOAT32);
            MemoryAddress plainData = address(weight);
            MemoryAddress blockedData = address(storage);
            MemorySegment aside = inPlace ? MemorySegment.allocateNative(panels[0] * in * Float.BYTES, scope) : null;
            long plainOffset = 0;
            MemoryAddress[] data = new MemoryAddress[panels.length];
            for (int i = 0; i < panels.length; i++) {
                data[i] = blockedData.addOffset(offsets[i]);
                long bytes = panels[i] * in * Float.BYTES;
                MemoryAddress source = plainData.addOffset(plainOffset);
                if (inPlace) {
                    aside.asSlice(0, bytes).copyFrom(source.asSegment(bytes, scope));
                    source = aside.address();
                }
                reorder(in, panels[i], source, data[i]);
                plainOffset += bytes;
            }
            if (!inPlace) {
                weight.close();
            }
            return new Blocked(storage, in, out, panels, layouts, data);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("oneDNN could not block a " + shape + " weight", e);
        }
    }

    /**
     * Hands memory nothing needs any more back to the system: the reorders oneDNN's primitive cache
     * keeps from blocking (the cache is emptied once; it fills again as libtorch needs it), the
     * buffers libtorch's MKL keeps from its products ({@code mkl_free_buffers}; decoding on oneDNN
     * does not need them, and MKL makes new ones if it runs a large product again), then the C
     * heap's free memory ({@code malloc_trim(0)} of glibc), where the panels were copied aside while
     * blocking. Call it after blocking weights.
     */
    public void releaseUnusedMemory() {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment capacity = MemorySegment.allocateNative(8, scope);
            check("dnnl_get_primitive_cache_capacity", (int) c.cacheCapacity.invokeExact(capacity.address()));
            check("dnnl_set_primitive_cache_capacity", (int) c.setCacheCapacity.invokeExact(0));
            check("dnnl_set_primitive_cache_capacity", (int) c.setCacheCapacity.invokeExact(
                    MemoryAccess.getInt(capacity)));
            Optional<MemoryAddress> freeBuffers = CLibrary.mappedLibtorch().flatMap(
                    library -> CLibrary.exported(library, "mkl_serv_free_buffers"));
            if (freeBuffers.isPresent()) {
                CLinker.getInstance().downcallHandle(freeBuffers.get(), MethodType.methodType(void.class),
                        FunctionDescriptor.ofVoid()).invokeExact();
            }
            CLibrary.trimHeap();
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("freeing memory failed", e);
        }
    }

    /** Reorders one plain panel {@code [rows, in]} into its blocked layout. */
    private void reorder(long in, long rows, MemoryAddress plainData, MemoryAddress blockedData) throws Throwable {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemoryAddress plain = descriptor(new long[] {in, rows}, new long[] {1, in});
            MemoryAddress layout = layout(in, rows);
            MemorySegment slot = MemorySegment.allocateNative(8, scope);
            check("dnnl_reorder_primitive_desc_create", (int) c.reorderCreate.invokeExact(slot.address(), plain, engine,
                    layout, engine, callerScratchpad));
            Primitive reorder = create(MemoryAccess.getAddress(slot));
            MemoryAddress[] memories = new MemoryAddress[2];
            try {
                check("dnnl_memory_create", (int) c.memoryCreate.invokeExact(slot.address(), plain, engine, plainData));
                memories[0] = MemoryAccess.getAddress(slot);
                check("dnnl_memory_create", (int) c.memoryCreate.invokeExact(slot.address(), layout, engine, blockedData));
                memories[1] = MemoryAccess.getAddress(slot);
                Scratch scratch = acquire();
                try {
                    run(scratch, reorder, new int[] {ARG_SRC, ARG_DST}, memories);
                } finally {
                    idle.addFirst(scratch);
                }
            } finally {
                for (MemoryAddress memory : memories) {
                    if (memory != null) {
                        check("dnnl_memory_destroy", (int) c.memoryDestroy.invokeExact(memory));
                    }
                }
                check("dnnl_primitive_destroy", (int) c.primitiveDestroy.invokeExact(reorder.handle()));
                if (reorder.scratchpadBytes() > 0) {
                    check("dnnl_memory_desc_destroy", (int) c.descriptorFree.invokeExact(reorder.scratchpad()));
                }
                check("dnnl_memory_desc_destroy", (int) c.descriptorFree.invokeExact(plain));
            }
        }
    }

    /**
     * {@code x W^T}, as {@code Linear.linear(x, W)} without bias, equal up to float32 summation order.
     *
     * @param x float32 {@code [..., in]}
     * @param weight the blocked {@code W}
     * @return float32 {@code [..., out]}, owned by {@code x}'s manager
     * @throws IllegalArgumentException if {@code x} is not float32 or its last axis is not {@code in}
     */
    public NDArray multiply(NDArray x, Blocked weight) {
        Shape s = x.getShape();
        if (x.getDataType() != DataType.FLOAT32 || s.dimension() == 0 || s.get(s.dimension() - 1) != weight.in) {
            throw new IllegalArgumentException("the input of a [" + weight.out + ", " + weight.in
                    + "] product must be float32 [..., " + weight.in + "], not " + x.getDataType() + " " + s);
        }
        long rows = s.size() / weight.in;
        NDArray product = x.getManager().create(s.slice(0, s.dimension() - 1).add(weight.out), DataType.FLOAT32);
        if (rows == 0) {
            return product;
        }
        long padded = paddedRows(rows);
        Scratch scratch = acquire();
        try {
            MemoryAddress productData = address(product);
            MemoryAddress input = padded == rows ? address(x) : scratch.paddedInput(address(x),
                    rows * weight.in * Float.BYTES, padded * weight.in * Float.BYTES);
            MemoryAddress destination = padded == rows ? productData
                    : scratch.paddedOutput(padded * weight.out * Float.BYTES);
            MemoryAddress source = reused(scratch, 0, rowMajor(padded, weight.in, weight.in), input);
            long column = 0;
            for (int i = 0; i < weight.panels.length; i++) {
                long panel = weight.panels[i];
                run(scratch, primitive(padded, weight.in, panel, weight.out), PRODUCT_ARGUMENTS, new MemoryAddress[] {
                    source,
                    reused(scratch, 1, weight.layouts[i], weight.data[i]),
                    reused(scratch, 2, rowMajor(padded, panel, weight.out), destination.addOffset(column * Float.BYTES))});
                column += weight.panels[i];
            }
            if (padded != rows) {
                long bytes = rows * weight.out * Float.BYTES;
                productData.asSegment(bytes, ResourceScope.globalScope())
                        .copyFrom(destination.asSegment(bytes, ResourceScope.globalScope()));
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("oneDNN's product failed", e);
        } finally {
            idle.addFirst(scratch);
        }
        return product;
    }

    /**
     * The rows a product runs with: at least 4 (1-2 rows stream the weights no faster than 4), 5-6
     * as 6, up to 16 the next power of two, above it the next multiple of 8. Every oneDNN primitive
     * holds its own generated code (~0.3 MB each here), so primitives for every row count a
     * generation meets took ~20 MB at batch 1; on these buckets about 45 %. Above 16 rows a product
     * is bound by arithmetic more than by the weights' streaming, so padding there costs in
     * proportion (24 rows take 15-25 % less time than 32), and batch 1 meets as many buckets with
     * multiples of 8 as with 16. Six rows are batch 1's three-token steps, half of a 64-step
     * generation: run as 6 rather than 8 they took 2.6 ms (~7 %) less each over 16 alternating
     * rounds (docs/benchmarks.md, session 24).
     */
    private static long paddedRows(long rows) {
        if (rows > 16) {
            return (rows + 7) / 8 * 8;
        }
        if (rows == 5 || rows == 6) {
            return 6;
        }
        long padded = 4;
        while (padded < rows) {
            padded <<= 1;
        }
        return padded;
    }

    /** The product of {@code rows} inputs with one panel of {@code out} weight rows, into rows of {@code stride}. */
    private Primitive primitive(long rows, long in, long out, long stride) {
        return primitives.computeIfAbsent(List.of(rows, in, out, stride), key -> {
            try {
                return create(matmul(rowMajor(rows, in, in), layout(in, out), rowMajor(rows, out, stride)));
            } catch (RuntimeException e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("oneDNN could not create a " + in + " x " + out + " product", e);
            }
        });
    }

    /** The descriptor of a row-major float32 matrix whose rows lie {@code stride} floats apart, kept for the process. */
    private MemoryAddress rowMajor(long rows, long columns, long stride) {
        return rowMajor.computeIfAbsent(List.of(rows, columns, stride), key -> {
            try {
                return descriptor(new long[] {rows, columns}, new long[] {stride, 1});
            } catch (RuntimeException e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("oneDNN could not describe a " + rows + " x " + columns + " matrix", e);
            }
        });
    }

    /**
     * The blocked layout oneDNN's matmul chooses for weights of this shape.
     */
    private MemoryAddress layout(long in, long out) {
        return layouts.computeIfAbsent(List.of(in, out), key -> {
            try (ResourceScope scope = ResourceScope.newConfinedScope()) {
                MemoryAddress source = rowMajor(LAYOUT_ROWS, in, in);
                MemoryAddress destination = rowMajor(LAYOUT_ROWS, out, out);
                MemorySegment dims = longs(new long[] {in, out}, scope);
                MemorySegment slot = MemorySegment.allocateNative(8, scope);
                check("dnnl_memory_desc_create_with_tag", (int) c.descriptorWithTag.invokeExact(slot.address(), 2,
                        dims.address(), F32, FORMAT_ANY));
                MemoryAddress any = MemoryAccess.getAddress(slot);
                MemoryAddress descriptor = matmul(source, any, destination);
                MemoryAddress chosen = (MemoryAddress) c.queryDescriptor.invokeExact(descriptor, QUERY_EXEC_ARG_MD,
                        ARG_WEIGHTS);
                check("dnnl_memory_desc_clone", (int) c.descriptorClone.invokeExact(slot.address(), chosen));
                MemoryAddress kept = MemoryAccess.getAddress(slot);
                check("dnnl_primitive_desc_destroy", (int) c.descriptorDestroy.invokeExact(descriptor));
                check("dnnl_memory_desc_destroy", (int) c.descriptorFree.invokeExact(any));
                return kept;
            } catch (RuntimeException e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("oneDNN has no matmul for " + in + " x " + out + " weights", e);
            }
        });
    }

    private MemoryAddress matmul(MemoryAddress source, MemoryAddress weights, MemoryAddress destination)
            throws Throwable {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment slot = MemorySegment.allocateNative(8, scope);
            check("dnnl_matmul_primitive_desc_create", (int) c.matmulCreate.invokeExact(slot.address(), engine, source,
                    weights, MemoryAddress.NULL, destination, callerScratchpad));
            return MemoryAccess.getAddress(slot);
        }
    }

    /**
     * A primitive and the scratchpad each execution needs (its descriptor, null when it needs
     * none); the primitive descriptor is destroyed.
     */
    private record Primitive(MemoryAddress handle, MemoryAddress scratchpad, long scratchpadBytes) {
    }

    private Primitive create(MemoryAddress descriptor) throws Throwable {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment slot = MemorySegment.allocateNative(8, scope);
            MemoryAddress scratchpad = (MemoryAddress) c.queryDescriptor.invokeExact(descriptor, QUERY_EXEC_ARG_MD,
                    ARG_SCRATCHPAD);
            long bytes = scratchpad.equals(MemoryAddress.NULL) ? 0 : (long) c.descriptorSize.invokeExact(scratchpad);
            MemoryAddress kept = null;
            if (bytes > 0) {
                check("dnnl_memory_desc_clone", (int) c.descriptorClone.invokeExact(slot.address(), scratchpad));
                kept = MemoryAccess.getAddress(slot);
            }
            check("dnnl_primitive_create", (int) c.primitiveCreate.invokeExact(slot.address(), descriptor));
            check("dnnl_primitive_desc_destroy", (int) c.descriptorDestroy.invokeExact(descriptor));
            return new Primitive(MemoryAccess.getAddress(slot), kept, bytes);
        }
    }

    /** A float32 memory descriptor with explicit strides; freed with dnnl_memory_desc_destroy. */
    private MemoryAddress descriptor(long[] dims, long[] strides) throws Throwable {
        try (ResourceScope arrays = ResourceScope.newConfinedScope()) {
            MemorySegment slot = MemorySegment.allocateNative(8, arrays);
            check("dnnl_memory_desc_create_with_strides", (int) c.descriptorWithStrides.invokeExact(slot.address(),
                    dims.length, longs(dims, arrays).address(), F32,
                    longs(strides, arrays).address()));
            return MemoryAccess.getAddress(slot);
        }
    }

    private static MemorySegment longs(long[] values, ResourceScope scope) {
        MemorySegment segment = MemorySegment.allocateNative((long) values.length * Long.BYTES, scope);
        for (int i = 0; i < values.length; i++) {
            MemoryAccess.setLongAtIndex(segment, i, values[i]);
        }
        return segment;
    }

    /** Memory for the arguments of one product at a time, and its stream (see {@link #idle}). */
    private static final class Scratch {
        private final MemorySegment memory;
        private final MemoryAddress stream;
        /**
         * The scratch's memory objects, by argument (source, weights, destination, scratchpad: one
         * descriptor may serve as both source and destination) and the (process-long) descriptor
         * they were made for.
         */
        private final List<Map<MemoryAddress, MemoryAddress>> memories = List.of(new java.util.HashMap<>(),
                new java.util.HashMap<>(), new java.util.HashMap<>(), new java.util.HashMap<>());
        /** The scratchpad, grown to the largest one a primitive has asked for. */
        private MemorySegment scratchpad = MemorySegment.allocateNative(64, 64, ResourceScope.newImplicitScope());
        /**
         * A padded product's input rows and its output rows, grown to the largest padded product the
         * scratch has run and held for the process (ARPG-L at batch 1: ~1.8 MB, the head's 24
         * padded rows; batches whose rows are multiples of 8 pad only up to 16 rows): padding in the
         * scratch's memory costs two copies, against two more arrays, a row view and a reshape (5-14
         * us per product) when the padded rows were NDArrays.
         */
        private MemorySegment paddedInput = MemorySegment.allocateNative(64, 64, ResourceScope.newImplicitScope());
        private MemorySegment paddedOutput = MemorySegment.allocateNative(64, 64, ResourceScope.newImplicitScope());

        private Scratch(MemorySegment memory, MemoryAddress stream) {
            this.memory = memory;
            this.stream = stream;
        }

        private MemoryAddress scratchpad(long bytes) {
            scratchpad = atLeast(scratchpad, bytes);
            return scratchpad.address();
        }

        /** Copies {@code rowBytes} of rows to the padded input and zeroes it up to {@code paddedBytes}. */
        private MemoryAddress paddedInput(MemoryAddress rows, long rowBytes, long paddedBytes) {
            paddedInput = atLeast(paddedInput, paddedBytes);
            paddedInput.asSlice(0, rowBytes).copyFrom(rows.asSegment(rowBytes, ResourceScope.globalScope()));
            paddedInput.asSlice(rowBytes, paddedBytes - rowBytes).fill((byte) 0);
            return paddedInput.address();
        }

        private MemoryAddress paddedOutput(long bytes) {
            paddedOutput = atLeast(paddedOutput, bytes);
            return paddedOutput.address();
        }

        private static MemorySegment atLeast(MemorySegment segment, long bytes) {
            return segment.byteSize() >= bytes ? segment
                    : MemorySegment.allocateNative(bytes, 64, ResourceScope.newImplicitScope());
        }
    }

    /** Idle scratch, or a new one when every one is in use; give it back to {@link #idle} after. */
    private Scratch acquire() {
        Scratch idleScratch = idle.pollFirst();
        return idleScratch != null ? idleScratch : newScratch();
    }

    /** @return how many scratch objects exist: the most products that ever ran at once (a leak check) */
    int scratchCount() {
        return scratchCount.get();
    }

    private Scratch newScratch() {
        scratchCount.incrementAndGet();
        MemorySegment memory = MemorySegment.allocateNative(MemoryLayout.sequenceLayout(16, CLinker.C_LONG),
                ResourceScope.newImplicitScope());
        try {
            check("dnnl_stream_create", (int) c.streamCreate.invokeExact(memory.address(), engine, IN_ORDER_STREAM));
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("oneDNN could not create a stream", e);
        }
        return new Scratch(memory, MemoryAccess.getAddress(memory));
    }

    /**
     * Runs a primitive on memory objects of the given kinds ({@code DNNL_ARG_*}, at most three) and
     * the scratch's scratchpad, on the scratch's stream, and waits for it.
     */
    private void run(Scratch s, Primitive primitive, int[] kinds, MemoryAddress[] memories) throws Throwable {
        int count = kinds.length;
        for (int i = 0; i < count; i++) {
            MemoryAccess.setIntAtOffset(s.memory, 16 + 16L * i, kinds[i]);
            MemoryAccess.setAddressAtOffset(s.memory, 24 + 16L * i, memories[i]);
        }
        if (primitive.scratchpadBytes() > 0) {
            MemoryAccess.setIntAtOffset(s.memory, 16 + 16L * count, ARG_SCRATCHPAD);
            MemoryAccess.setAddressAtOffset(s.memory, 24 + 16L * count,
                    reused(s, 3, primitive.scratchpad(), s.scratchpad(primitive.scratchpadBytes())));
            count++;
        }
        check("dnnl_primitive_execute", (int) c.execute.invokeExact(primitive.handle(), s.stream, count,
                s.memory.address().addOffset(16)));
        check("dnnl_stream_wait", (int) c.streamWait.invokeExact(s.stream));
    }

    /**
     * The scratch's memory object for argument {@code slot} (0 to 3) of a descriptor kept for the
     * process, pointed at {@code data}: made once, then only re-pointed (creating and destroying three
     * per product cost ~3 us).
     */
    private MemoryAddress reused(Scratch s, int slot, MemoryAddress descriptor, MemoryAddress data) throws Throwable {
        MemoryAddress memory = s.memories.get(slot).get(descriptor);
        if (memory == null) {
            check("dnnl_memory_create", (int) c.memoryCreate.invokeExact(s.memory.address().addOffset(8), descriptor,
                    engine, data));
            memory = MemoryAccess.getAddressAtOffset(s.memory, 8);
            s.memories.get(slot).put(descriptor, memory);
        } else {
            check("dnnl_memory_set_data_handle", (int) c.memoryPoint.invokeExact(memory, data));
        }
        return memory;
    }

    /** The address of a contiguous float32 array's data (a contiguous copy of the caller's manager if need be). */
    private static MemoryAddress address(NDArray array) {
        return MemorySegment.ofByteBuffer(array.toByteBuffer(true)).address();
    }

    private static void check(String function, int status) {
        if (status != 0) {
            throw new IllegalStateException("oneDNN's " + function + " failed with status " + status);
        }
    }

    /** The oneDNN functions, found in libtorch_cpu.so's symbol table. */
    private static final class Functions {
        private final MethodHandle engineCreate;
        private final MethodHandle streamCreate;
        private final MethodHandle streamWait;
        private final MethodHandle descriptorWithStrides;
        private final MethodHandle descriptorWithTag;
        private final MethodHandle descriptorClone;
        private final MethodHandle descriptorFree;
        private final MethodHandle descriptorSize;
        private final MethodHandle matmulCreate;
        private final MethodHandle reorderCreate;
        private final MethodHandle queryDescriptor;
        private final MethodHandle descriptorDestroy;
        private final MethodHandle primitiveCreate;
        private final MethodHandle primitiveDestroy;
        private final MethodHandle memoryCreate;
        private final MethodHandle memoryDestroy;
        private final MethodHandle memoryPoint;
        private final MethodHandle execute;
        private final MethodHandle cacheCapacity;
        private final MethodHandle attributesCreate;
        private final MethodHandle scratchpadMode;
        private final MethodHandle setCacheCapacity;

        private Functions(Map<String, MemoryAddress> f) {
            engineCreate = handle(f, "dnnl_engine_create", CLinker.C_POINTER, CLinker.C_INT, CLinker.C_LONG);
            streamCreate = handle(f, "dnnl_stream_create", CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_INT);
            streamWait = handle(f, "dnnl_stream_wait", CLinker.C_POINTER);
            descriptorWithStrides = handle(f, "dnnl_memory_desc_create_with_strides", CLinker.C_POINTER, CLinker.C_INT,
                    CLinker.C_POINTER, CLinker.C_INT, CLinker.C_POINTER);
            descriptorWithTag = handle(f, "dnnl_memory_desc_create_with_tag", CLinker.C_POINTER, CLinker.C_INT,
                    CLinker.C_POINTER, CLinker.C_INT, CLinker.C_INT);
            descriptorClone = handle(f, "dnnl_memory_desc_clone", CLinker.C_POINTER, CLinker.C_POINTER);
            descriptorFree = handle(f, "dnnl_memory_desc_destroy", CLinker.C_POINTER);
            descriptorSize = downcall(f, "dnnl_memory_desc_get_size", FunctionDescriptor.of(CLinker.C_LONG,
                    CLinker.C_POINTER));
            matmulCreate = handle(f, "dnnl_matmul_primitive_desc_create", CLinker.C_POINTER, CLinker.C_POINTER,
                    CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_POINTER);
            reorderCreate = handle(f, "dnnl_reorder_primitive_desc_create", CLinker.C_POINTER, CLinker.C_POINTER,
                    CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_POINTER);
            queryDescriptor = downcall(f, "dnnl_primitive_desc_query_md", FunctionDescriptor.of(CLinker.C_POINTER,
                    CLinker.C_POINTER, CLinker.C_INT, CLinker.C_INT));
            descriptorDestroy = handle(f, "dnnl_primitive_desc_destroy", CLinker.C_POINTER);
            primitiveCreate = handle(f, "dnnl_primitive_create", CLinker.C_POINTER, CLinker.C_POINTER);
            primitiveDestroy = handle(f, "dnnl_primitive_destroy", CLinker.C_POINTER);
            memoryCreate = handle(f, "dnnl_memory_create", CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_POINTER,
                    CLinker.C_POINTER);
            memoryDestroy = handle(f, "dnnl_memory_destroy", CLinker.C_POINTER);
            memoryPoint = handle(f, "dnnl_memory_set_data_handle", CLinker.C_POINTER, CLinker.C_POINTER);
            cacheCapacity = handle(f, "dnnl_get_primitive_cache_capacity", CLinker.C_POINTER);
            attributesCreate = handle(f, "dnnl_primitive_attr_create", CLinker.C_POINTER);
            scratchpadMode = handle(f, "dnnl_primitive_attr_set_scratchpad_mode", CLinker.C_POINTER, CLinker.C_INT);
            setCacheCapacity = handle(f, "dnnl_set_primitive_cache_capacity", CLinker.C_INT);
            execute = handle(f, "dnnl_primitive_execute", CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_INT,
                    CLinker.C_POINTER);
        }

        private static final Set<String> NAMES = Set.of("dnnl_version", "dnnl_engine_create", "dnnl_stream_create",
                "dnnl_stream_wait", "dnnl_memory_desc_create_with_strides", "dnnl_memory_desc_create_with_tag",
                "dnnl_memory_desc_clone", "dnnl_memory_desc_destroy", "dnnl_memory_desc_get_size",
                "dnnl_matmul_primitive_desc_create", "dnnl_reorder_primitive_desc_create",
                "dnnl_primitive_desc_query_md", "dnnl_primitive_desc_destroy", "dnnl_primitive_create",
                "dnnl_primitive_destroy", "dnnl_memory_create", "dnnl_memory_destroy", "dnnl_primitive_execute",
                "dnnl_get_primitive_cache_capacity", "dnnl_set_primitive_cache_capacity", "dnnl_primitive_attr_create",
                "dnnl_primitive_attr_set_scratchpad_mode", "dnnl_memory_set_data_handle", EXPORTED);

        /** Finds every function, checks oneDNN's major version, and binds them. */
        static Functions find() throws Throwable {
            Path library = CLibrary.mappedLibtorch().orElseThrow(() -> new IllegalStateException(
                    "libtorch_cpu.so is not mapped in this process"));
            Map<String, Long> values;
            try {
                values = ElfSymbols.functions(library, NAMES);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + library, e);
            }
            List<String> missing = NAMES.stream().filter(n -> !values.containsKey(n)).sorted().toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException(library + " has no symbols " + missing);
            }
            MemoryAddress exported = CLibrary.exported(library, EXPORTED).orElseThrow(() -> new IllegalStateException(
                    library + " does not export " + EXPORTED));
            long base = exported.toRawLongValue() - values.get(EXPORTED);
            Map<String, MemoryAddress> addresses = new ConcurrentHashMap<>();
            values.forEach((name, value) -> addresses.put(name, MemoryAddress.ofLong(base + value)));
            MemoryAddress version = (MemoryAddress) downcall(addresses, "dnnl_version",
                    FunctionDescriptor.of(CLinker.C_POINTER)).invokeExact();
            int major = MemoryAccess.getInt(version.asSegment(8, ResourceScope.globalScope()));
            if (major != 3) {
                throw new IllegalStateException("its oneDNN is version " + major + ".x, not 3.x");
            }
            return new Functions(addresses);
        }

        /** A function returning a status, of pointer and integer parameters. */
        private static MethodHandle handle(Map<String, MemoryAddress> f, String name, MemoryLayout... parameters) {
            return downcall(f, name, FunctionDescriptor.of(CLinker.C_INT, parameters));
        }

        private static MethodHandle downcall(Map<String, MemoryAddress> f, String name, FunctionDescriptor d) {
            Class<?>[] types = d.argumentLayouts().stream().map(Functions::carrier).toArray(Class<?>[]::new);
            Class<?> returns = d.returnLayout().map(Functions::carrier).orElse(void.class);
            return CLinker.getInstance().downcallHandle(f.get(name), MethodType.methodType(returns, types), d);
        }

        private static Class<?> carrier(MemoryLayout layout) {
            if (layout.equals(CLinker.C_POINTER)) {
                return MemoryAddress.class;
            }
            return layout.equals(CLinker.C_LONG) ? long.class : int.class;
        }
    }
}
