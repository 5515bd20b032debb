package dev.arpg.samples.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arpg.api.Condition;
import dev.arpg.api.ConditionRegistry;
import dev.arpg.api.ControlMap;
import dev.arpg.api.GridSpec;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.core.bundle.ModelBundle;
import dev.arpg.core.console.ProgressBar;
import dev.arpg.core.control.ControlEncoder;
import dev.arpg.core.control.ControlEncoderConfig;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.model.ArpgTransformer;
import dev.arpg.core.train.ArpgInit;
import dev.arpg.core.train.ArpgTrainingTask;
import dev.arpg.core.train.ControlTrainingTask;
import dev.arpg.core.train.LearningRateSchedule;
import dev.arpg.core.train.TokenData;
import dev.arpg.core.train.TrainingLoop;
import dev.arpg.core.train.TrainingOptions;
import dev.arpg.core.train.TrainingSample;
import dev.arpg.core.train.VqTrainingTask;
import dev.arpg.core.vq.VqModel;
import dev.arpg.core.vq.VqTokenizer;
import dev.arpg.core.weights.HostTensor;
import dev.arpg.core.weights.SafetensorsWriter;
import dev.arpg.core.weights.StateDict;
import dev.arpg.samples.shapes.ShapeKind;
import dev.arpg.samples.shapes.ShapesDataset;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code arpg train vq|arpg|control|bundle}: trains the parts of the default "shapes" model on the
 * procedural dataset, one part per call, each resumable from its checkpoint in the work directory,
 * then assembles them into a model bundle. The parts must be trained in that order: the ARPG model
 * learns the tokens of the trained tokenizer, the control encoders steer the trained ARPG model.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a part of the default shapes model (vq, arpg, control), or assemble the bundle.")
public final class TrainCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PART", description = "vq, arpg, control or bundle")
    String part;

    @Option(names = "--work", defaultValue = "work/shapes", description = "Checkpoints, logs and weights. Default: ${DEFAULT-VALUE}.")
    Path work;

    @Option(names = "--steps", defaultValue = "1000", description = "Optimiser steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--batch", defaultValue = "32", description = "Samples per step. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate. Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--images", defaultValue = "6000",
            description = "Images tokenized for the arpg and control stages. Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--ema", defaultValue = "0",
            description = "EMA decay of the arpg stage's weights (0 = off). With EMA, arpg.safetensors holds the"
                    + " averaged weights and arpg-last.safetensors the last ones. Default: ${DEFAULT-VALUE}.")
    double ema;

    @Option(names = "--condition", description = "Condition trained by the control stage (canny or depth).")
    String condition;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the data and the run. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--bundle-out", defaultValue = "samples/src/main/resources/models/shapes",
            description = "Where the bundle stage writes the bundle. Default: ${DEFAULT-VALUE}.")
    Path bundleOut;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(work);
        ShapesDataset data = new ShapesDataset(seed, ShapesRecipe.IMAGE_SIZE);
        try (NDManager root = Engines.newRootManager()) {
            switch (part) {
                case "vq" -> trainVq(root, ShapesDataset.rotated(seed, ShapesRecipe.IMAGE_SIZE));
                case "arpg" -> trainArpg(root, data);
                case "control" -> trainControl(root, data);
                case "bundle" -> bundle();
                default -> throw new InvalidRequestException("unknown part '" + part + "' (vq, arpg, control, bundle)");
            }
        }
        return 0;
    }

    private TrainingOptions options(String name, double emaDecay) {
        return new TrainingOptions(steps, new LearningRateSchedule(lr, lr / 20, Math.max(1, steps / 20), steps), 0.05,
                1.0, emaDecay, seed, 100, work.resolve(name + ".ckpt.safetensors"), work.resolve(name + "-loss.csv"));
    }

    private void trainVq(NDManager root, ShapesDataset data) {
        try (VqModel model = VqModel.initialized(ShapesRecipe.VQ, seed, root); NDManager state = root.newSubManager()) {
            TrainingLoop.Outcome outcome = new TrainingLoop(options("vq", 0), System.err)
                    .run(new VqTrainingTask(model, data, batch, 0.25), Map.of(), state);
            SafetensorsWriter.write(work.resolve("vq.safetensors"), model.stateDict(), Map.of());
            System.out.printf("vq: %d steps, last loss %.4f, %.1f samples/s -> %s%n", outcome.stepsDone(),
                    outcome.lastLoss(), outcome.samplesPerSecond(), work.resolve("vq.safetensors"));
        }
    }

    private void trainArpg(NDManager root, ShapesDataset data) {
        TokenData tokens = tokenize(root, data).tokens();
        try (ArpgTransformer model = ArpgTransformer.load(ShapesRecipe.ARPG, ArpgInit.reference(ShapesRecipe.ARPG, seed),
                root); NDManager state = root.newSubManager()) {
            TrainingLoop.Outcome outcome = new TrainingLoop(options("arpg", ema), System.err)
                    .run(new ArpgTrainingTask(model, tokens, batch), Map.of(), state);
            if (outcome.ema() != null) {
                writeArpg(outcome.ema(), "arpg.safetensors");
                writeArpg(model.parameters(), "arpg-last.safetensors");
            } else {
                writeArpg(model.parameters(), "arpg.safetensors");
            }
            System.out.printf("arpg: %d steps, last loss %.4f, %.1f samples/s%n", outcome.stepsDone(),
                    outcome.lastLoss(), outcome.samplesPerSecond());
        }
    }

    private void writeArpg(Map<String, NDArray> parameters, String file) {
        writeWeights(parameters, file, Map.of("config", ArpgInit.toReferenceJson(ShapesRecipe.ARPG)));
    }

    /** Writes trained parameters as a safetensors file in the work directory. */
    private void writeWeights(Map<String, NDArray> parameters, String file, Map<String, String> metadata) {
        Map<String, HostTensor> weights = new LinkedHashMap<>();
        parameters.forEach((name, p) -> weights.put(name, HostTensor.ofFloats(p.getShape().getShape(),
                p.toFloatArray())));
        SafetensorsWriter.write(work.resolve(file), weights, metadata);
    }

    private void trainControl(NDManager root, ShapesDataset data) {
        ControlEncoderConfig config = ShapesRecipe.CONTROLS.get(condition);
        if (config == null) {
            throw new InvalidRequestException("--condition must be one of " + ShapesRecipe.CONTROLS.keySet());
        }
        Tokenized tokenized = tokenize(root, data);
        Condition plugin = ConditionRegistry.discover(TrainCommand.class.getClassLoader()).create(condition, Map.of());
        GridSpec grid = new GridSpec(ShapesRecipe.VQ.gridSize(), ShapesRecipe.VQ.gridSize(), ShapesRecipe.VQ.downsampling());
        float[][] maps = new float[tokenized.samples().size()][];
        for (int i = 0; i < maps.length; i++) {
            ControlMap map = plugin.prepare(tokenized.samples().get(i).controls().get(condition), grid);
            maps[i] = map.values();
        }
        try (ArpgTransformer base = ArpgTransformer.load(ShapesRecipe.ARPG,
                StateDict.read(work.resolve("arpg.safetensors")), root);
                ControlEncoder encoder = ControlEncoder.initialized(config, seed, root);
                NDManager state = root.newSubManager()) {
            ControlTrainingTask.Data controlData = new ControlTrainingTask.Data(tokenized.tokens(), maps, 1,
                    grid.height(), grid.width());
            TrainingLoop.Outcome outcome = new TrainingLoop(options("control-" + condition, 0), System.err)
                    .run(new ControlTrainingTask(base, encoder, controlData, batch), Map.of(), state);
            writeWeights(encoder.parameters(), "control-" + condition + ".safetensors",
                    Map.of("parameters", plugin.parameters().toString()));
            System.out.printf("control %s: %d steps, last loss %.4f%n", condition, outcome.stepsDone(), outcome.lastLoss());
        }
    }

    /** The first {@code images} samples with their tokens under the trained tokenizer. */
    private record Tokenized(List<TrainingSample> samples, TokenData tokens) {
    }

    private Tokenized tokenize(NDManager root, ShapesDataset data) {
        List<TrainingSample> samples = new java.util.ArrayList<>();
        ProgressBar rendering = new ProgressBar(System.err, "rendering images", images);
        for (int i = 0; i < images; i++) {
            samples.add(data.sample(i));
            if ((i + 1) % 500 == 0 || i + 1 == images) {
                rendering.update(i + 1, "");
            }
        }
        try (VqTokenizer tokenizer = VqTokenizer.load(ShapesRecipe.VQ, work.resolve("vq.safetensors"), root)) {
            int[][] grids = new int[images][];
            int chunk = 256;
            ProgressBar tokenizing = new ProgressBar(System.err, "tokenizing", images);
            for (int start = 0; start < images; start += chunk) {
                BufferedImage[] batchImages = samples.subList(start, Math.min(images, start + chunk)).stream()
                        .map(TrainingSample::image).toArray(BufferedImage[]::new);
                int[][] encoded = tokenizer.encode(batchImages);
                System.arraycopy(encoded, 0, grids, start, encoded.length);
                tokenizing.update(start + encoded.length, "");
            }
            int[] labels = samples.stream().mapToInt(TrainingSample::label).toArray();
            return new Tokenized(samples, new TokenData(grids, labels));
        }
    }

    private void bundle() throws Exception {
        Files.createDirectories(bundleOut);
        Files.copy(work.resolve("arpg.safetensors"), bundleOut.resolve("arpg.safetensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(work.resolve("vq.safetensors"), bundleOut.resolve("vq.safetensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Map<String, ModelBundle.Control> controls = new LinkedHashMap<>();
        for (String name : ShapesRecipe.CONTROLS.keySet()) {
            Path file = work.resolve("control-" + name + ".safetensors");
            if (Files.isRegularFile(file)) {
                Files.copy(file, bundleOut.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                controls.put(name, new ModelBundle.Control(ShapesRecipe.CONTROLS.get(name), file.getFileName().toString(),
                        Map.of()));
            }
        }
        ModelBundle bundle = new ModelBundle("shapes", bundleOut,
                new ModelBundle.Part<>(ShapesRecipe.ARPG, "arpg.safetensors"),
                new ModelBundle.Part<>(ShapesRecipe.VQ, "vq.safetensors"), controls, ShapeKind.names(),
                ShapesRecipe.SAMPLING);
        bundle.writeDescriptor();
        ModelBundle.read(bundleOut);
        System.out.println("bundle -> " + bundleOut + " (controls: " + controls.keySet() + ")");
    }
}
