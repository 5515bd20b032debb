package dev.arpg.core.generate;

import ai.djl.ndarray.NDManager;
import dev.arpg.api.CancellationToken;
import dev.arpg.api.Condition;
import dev.arpg.api.ConditionInput;
import dev.arpg.api.ConditionRegistry;
import dev.arpg.api.ControlMap;
import dev.arpg.api.Edit;
import dev.arpg.api.GenerationRequest;
import dev.arpg.api.GenerationResult;
import dev.arpg.api.GenerationResult.UsedCondition;
import dev.arpg.api.Generator;
import dev.arpg.api.GridSpec;
import dev.arpg.api.ImageTokenizer;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.api.Progress;
import dev.arpg.api.ProgressListener;
import dev.arpg.api.SamplingSettings;
import dev.arpg.api.UnknownConditionException;
import dev.arpg.core.bundle.LoadListener;
import dev.arpg.core.bundle.ModelBundle;
import dev.arpg.core.control.ControlEncoder;
import dev.arpg.core.control.ControlQueries;
import dev.arpg.core.decode.DecodeResult;
import dev.arpg.core.decode.DecodeTask;
import dev.arpg.core.decode.ParallelDecoder;
import dev.arpg.core.edit.EditLayout;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.model.ArpgTransformer;
import dev.arpg.core.vq.VqTokenizer;
import dev.arpg.core.weights.StateDict;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The SDK's {@link Generator}: conditions -> control encoders -> parallel decoder -> tokenizer.
 * Thread-safe; owns the models it was given and frees them on {@link #close()}.
 */
public final class ArpgGenerator implements Generator {
    private final NDManager manager;
    private final ArpgTransformer model;
    private final ImageTokenizer tokenizer;
    private final Map<String, ControlEncoder> encoders;
    private final Map<String, Map<String, String>> conditionDefaults;
    private final ConditionRegistry conditions;
    private final ParallelDecoder decoder;
    private final SamplingSettings recommended;
    private final GridSpec grid;

    /**
     * Assembles a generator from loaded parts.
     *
     * @param manager the manager that owns every part (closed with the generator)
     * @param model the transformer
     * @param tokenizer the image tokenizer, whose grid matches the model
     * @param encoders control encoders by condition name
     * @param conditionDefaults per condition, parameters applied before the request's own
     * @param conditions the condition plugins
     * @param recommended recommended sampling settings
     */
    public ArpgGenerator(NDManager manager, ArpgTransformer model, ImageTokenizer tokenizer,
            Map<String, ControlEncoder> encoders, Map<String, Map<String, String>> conditionDefaults,
            ConditionRegistry conditions, SamplingSettings recommended) {
        this.manager = manager;
        this.model = model;
        this.tokenizer = tokenizer;
        this.encoders = Map.copyOf(encoders);
        this.conditionDefaults = Map.copyOf(conditionDefaults);
        this.conditions = conditions;
        this.decoder = new ParallelDecoder(model);
        this.recommended = recommended;
        this.grid = new GridSpec(tokenizer.gridSize(), tokenizer.gridSize(), tokenizer.downsampling());
        if (grid.cells() != model.config().blockSize()) {
            throw new InvalidRequestException("the tokenizer's " + grid.rows() + "x" + grid.columns()
                    + " grid does not match the model's " + model.config().blockSize() + " tokens");
        }
    }

    /**
     * Loads every part of a bundle under a new child of {@code parent}; the transformer is given
     * {@link ArpgTransformer#prepareForDecoding} (it only decodes here).
     *
     * @param bundle the bundle
     * @param parent the parent manager (its device is used)
     * @param conditions the condition plugins
     * @param listener hears about each part once it is loaded
     * @return the generator
     */
    public static ArpgGenerator open(ModelBundle bundle, NDManager parent, ConditionRegistry conditions,
            LoadListener listener) {
        NDManager manager = parent.newSubManager();
        try {
            int parts = 2 + bundle.controls().size();
            ArpgTransformer model = ArpgTransformer.load(bundle.arpg().config(),
                    StateDict.read(bundle.resolve(bundle.arpg().weights())), manager);
            model.prepareForDecoding();
            listener.loaded(bundle.arpg().weights(), 1, parts);
            VqTokenizer tokenizer = VqTokenizer.load(bundle.vq().config(), bundle.resolve(bundle.vq().weights()), manager);
            listener.loaded(bundle.vq().weights(), 2, parts);
            Map<String, ControlEncoder> encoders = new LinkedHashMap<>();
            Map<String, Map<String, String>> defaults = new LinkedHashMap<>();
            bundle.controls().forEach((name, control) -> {
                encoders.put(name, ControlEncoder.load(name, control.config(),
                        StateDict.read(bundle.resolve(control.weights())), manager));
                defaults.put(name, control.parameters() == null ? Map.of() : control.parameters());
                listener.loaded(control.weights(), 2 + encoders.size(), parts);
            });
            return new ArpgGenerator(manager, model, tokenizer, encoders, defaults, conditions,
                    bundle.recommendedSampling());
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener listener,
            CancellationToken cancellation) {
        long start = System.nanoTime();
        Map<String, Duration> timings = new LinkedHashMap<>();
        int[] labels = labels(request);
        List<UsedCondition> used = new ArrayList<>();
        DecodeResult decoded;
        try (NDManager m = model.manager().newSubManager()) {
            long t = System.nanoTime();
            ControlQueries control = ControlQueries.none();
            for (ConditionInput input : request.conditions()) {
                Condition condition = resolve(input);
                ControlEncoder encoder = encoders.get(condition.name());
                ControlMap map = condition.prepare(input.image(), grid);
                if (!map.fits(grid)) {
                    throw new InvalidRequestException("condition '" + condition.name() + "' made a " + map.width() + "x"
                            + map.height() + " px control map; the model needs " + grid.width() + "x" + grid.height());
                }
                control = control.with(encoder.encode(map, m), input);
                used.add(new UsedCondition(condition.name(), new TreeMap<>(condition.parameters()),
                        input.conditioningScale(), input.guidanceStart(), input.guidanceEnd()));
            }
            timings.put("conditions", since(t));
            t = System.nanoTime();
            int[] known = request.edit().map(this::knownTokens).orElse(null);
            timings.put("encode", since(t));
            t = System.nanoTime();
            DecodeTask task = new DecodeTask(labels, known, request.sampling(), control, request.controlGuidance());
            decoded = decoder.decode(task, p -> listener.onStep(new Progress(p.step(), p.steps(), p.decided(),
                    grid.cells(), () -> preview(p.tokens()))), cancellation);
            timings.put("decode-tokens", since(t));
        }
        long t = System.nanoTime();
        BufferedImage[] images = tokenizer.decode(decoded.tokens());
        timings.put("decode-images", since(t));
        timings.put("total", since(start));
        SamplingSettings usedSampling = request.sampling().toBuilder().seed(decoded.seed())
                .steps(decoded.plan().steps()).build();
        return new GenerationResult(List.of(images), Arrays.asList(decoded.tokens()), labels, usedSampling,
                List.copyOf(used), Map.copyOf(timings));
    }

    private int[] labels(GenerationRequest request) {
        int[] given = request.classLabels();
        int per = request.imagesPerLabel();
        if (given.length == 0) {
            int[] none = new int[per];
            Arrays.fill(none, DecodeTask.UNCONDITIONAL);
            return none;
        }
        int[] labels = new int[given.length * per];
        for (int i = 0; i < given.length; i++) {
            model.config().classTokenId(given[i]);
            Arrays.fill(labels, i * per, (i + 1) * per, given[i]);
        }
        return labels;
    }

    private Condition resolve(ConditionInput input) {
        String name = input.name();
        if (!encoders.containsKey(name)) {
            throw new UnknownConditionException(name, encoders.keySet(), "this model has control encoders for");
        }
        if (input.condition().isPresent()) {
            return input.condition().get();
        }
        Map<String, String> params = new TreeMap<>(conditionDefaults.getOrDefault(name, Map.of()));
        params.putAll(input.parameters());
        return conditions.create(name, params);
    }

    private int[] knownTokens(Edit edit) {
        EditLayout layout = EditLayout.of(edit, grid);
        int[] tokens = tokenizer.encode(layout.canvas())[0];
        int[] known = new int[tokens.length];
        for (int i = 0; i < known.length; i++) {
            known[i] = layout.knownCells()[i] ? tokens[i] : -1;
        }
        return known;
    }

    /** Decodes the tokens known so far; unknown cells are decoded as token 0, then painted grey. */
    private BufferedImage[] preview(int[][] tokens) {
        int[][] filled = new int[tokens.length][];
        for (int i = 0; i < tokens.length; i++) {
            filled[i] = Arrays.stream(tokens[i]).map(t -> Math.max(t, 0)).toArray();
        }
        BufferedImage[] images = tokenizer.decode(filled);
        int ds = grid.downsampling();
        for (int i = 0; i < images.length; i++) {
            Graphics2D g = images[i].createGraphics();
            try {
                g.setColor(Color.GRAY);
                for (int cell = 0; cell < grid.cells(); cell++) {
                    if (tokens[i][cell] < 0) {
                        g.fillRect((cell % grid.columns()) * ds, (cell / grid.columns()) * ds, ds, ds);
                    }
                }
            } finally {
                g.dispose();
            }
        }
        return images;
    }

    private static Duration since(long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime);
    }

    /** @return the tokenizer, shared with callers that tokenize images themselves */
    public ImageTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public GridSpec grid() {
        return grid;
    }

    @Override
    public int numClasses() {
        return model.config().numClasses();
    }

    @Override
    public SamplingSettings recommendedSampling() {
        return recommended;
    }

    @Override
    public Set<String> conditions() {
        return encoders.keySet();
    }

    @Override
    public void close() {
        tokenizer.close();
        manager.close();
        Engines.returnFreedMemory();
    }
}
