package dev.arpg.samples.eval;

import dev.arpg.api.CancellationToken;
import dev.arpg.api.Condition;
import dev.arpg.api.ConditionRegistry;
import dev.arpg.api.GenerationRequest;
import dev.arpg.api.GenerationResult;
import dev.arpg.api.Generator;
import dev.arpg.api.GridSpec;
import dev.arpg.api.ImageTokenizer;
import dev.arpg.api.SamplingSettings;
import dev.arpg.core.Arpg;
import dev.arpg.core.bundle.ModelBundle;
import dev.arpg.core.console.ProgressBar;
import dev.arpg.core.engine.Engines;
import dev.arpg.core.train.TrainingSample;
import dev.arpg.core.vq.VqTokenizer;
import dev.arpg.samples.shapes.ShapesDataset;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code arpg eval}: the model card's metrics on held-out procedural images (a seed the training
 * never used): tokenizer PSNR; Canny control F1 and depth control IoU, each for controlled
 * generation and for the same classes generated without control.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Measure a shapes bundle on held-out images.")
public final class EvalCommand implements Callable<Integer> {
    /**
     * Class-fidelity images generated per request. A request draws one decoding order for all its
     * images, so each request has its own seed: 200 images per class are 25 orders, not one.
     */
    private static final int IMAGES_PER_REQUEST = 8;

    @Option(names = "--bundle", required = true, description = "The bundle to measure.")
    Path bundle;

    @Option(names = "--images", defaultValue = "60", description = "Held-out images per metric. Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--per-class", defaultValue = "200",
            description = "Generated images per class for class fidelity (0 skips it). Default: ${DEFAULT-VALUE}.")
    int perClass;

    @Option(names = "--control-guidance", defaultValue = "0",
            description = "Extra guidance towards the condition in the controlled runs (0 disables). Default: ${DEFAULT-VALUE}.")
    double controlGuidance;

    @Option(names = "--control-scale", defaultValue = "1",
            description = "Conditioning scale of the controlled runs. Default: ${DEFAULT-VALUE}.")
    double controlScale;

    @Option(names = "--steps", description = "Decoding steps (default: the bundle's recommendation).")
    Integer steps;

    @Option(names = "--seed", defaultValue = "777", description = "Seed of the held-out data. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() {
        ModelBundle model = ModelBundle.read(bundle);
        ShapesDataset data = new ShapesDataset(seed, model.vq().config().imageSize());
        BufferedImage[] originals = new BufferedImage[images];
        for (int i = 0; i < images; i++) {
            originals[i] = data.sample(i).image();
        }
        BufferedImage[] reconstructions = reconstruct(model, originals);
        double psnr = 0;
        for (int i = 0; i < images; i++) {
            psnr += ImageMetrics.psnr(originals[i], reconstructions[i]) / images;
        }
        System.out.printf("tokenizer PSNR: %.2f dB over %d images%n", psnr, images);
        try (Generator generator = Arpg.load(bundle)) {
            if (perClass > 0) {
                classFidelity(generator, data, reconstructions, model.classNames());
            }
            ConditionRegistry registry = ConditionRegistry.discover(EvalCommand.class.getClassLoader());
            GridSpec grid = generator.grid();
            Condition canny = registry.create("canny", Map.of());
            double[] f1 = {0, 0};
            double[] iou = {0, 0};
            ProgressBar controlBar = new ProgressBar(System.err, "control metrics", images);
            for (int i = 0; i < images; i++) {
                TrainingSample s = data.sample(i);
                float[] edges = canny.prepare(s.image(), grid).values();
                boolean[] target = depthForeground(s.controls().get("depth"));
                for (int controlled = 0; controlled < 2; controlled++) {
                    if (generator.conditions().contains("canny")) {
                        BufferedImage out = generate(generator, s.label(), controlled == 1 ? "canny" : null, s.image(), i);
                        f1[controlled] += ImageMetrics.f1(canny.prepare(out, grid).values(), edges) / images;
                    }
                    if (generator.conditions().contains("depth")) {
                        BufferedImage out = generate(generator, s.label(), controlled == 1 ? "depth" : null,
                                s.controls().get("depth"), i);
                        iou[controlled] += ImageMetrics.iou(ImageMetrics.foreground(out, 60), target) / images;
                    }
                }
                controlBar.update(i + 1, "");
            }
            System.out.printf("canny F1: controlled %.3f, uncontrolled %.3f (%.1fx)%n", f1[1], f1[0], f1[1] / f1[0]);
            System.out.printf("depth IoU: controlled %.3f, uncontrolled %.3f (%.1fx)%n", iou[1], iou[0], iou[1] / iou[0]);
        }
        return 0;
    }

    /**
     * Class fidelity of generated images, and the judge's accuracy on real held-out images and on
     * their tokenizer reconstructions (the most a perfect transformer could score with this
     * tokenizer); then the foreground layout of the generated images beside that of as many real ones.
     */
    private void classFidelity(Generator generator, ShapesDataset data, BufferedImage[] reconstructions,
            List<String> classNames) {
        ShapeClassifier judge = ShapeClassifier.fit(new ShapesDataset(seed + 1, data.sample(0).image().getWidth()), 3000);
        int classes = generator.numClasses();
        int right = 0;
        int rightReconstructed = 0;
        for (int i = 0; i < images; i++) {
            TrainingSample s = data.sample(i);
            right += judge.predict(s.image(), classes) == s.label() ? 1 : 0;
            rightReconstructed += judge.predict(reconstructions[i], classes) == s.label() ? 1 : 0;
        }
        System.out.printf("classifier accuracy on %d real held-out images: %.3f (on their tokenizer reconstructions: "
                + "%.3f)%n", images, (double) right / images, (double) rightReconstructed / images);
        int[] rightPerClass = new int[classes];
        ClusteredProportion fidelity = new ClusteredProportion();
        ForegroundLayout generatedLayout = new ForegroundLayout();
        ProgressBar classBar = new ProgressBar(System.err, "class fidelity", classes);
        for (int c = 0; c < classes; c++) {
            for (int first = 0; first < perClass; first += IMAGES_PER_REQUEST) {
                int n = Math.min(IMAGES_PER_REQUEST, perClass - first);
                long requestSeed = seed * 100_000L + (long) c * perClass + first;
                GenerationResult r = generator.generate(GenerationRequest.builder().classLabel(c).imagesPerLabel(n)
                        .sampling(sampling(generator, requestSeed)).build());
                int rightInRequest = 0;
                for (BufferedImage image : r.images()) {
                    rightInRequest += judge.predict(image, classes) == c ? 1 : 0;
                    generatedLayout.add(image);
                }
                rightPerClass[c] += rightInRequest;
                fidelity.add(rightInRequest, n);
            }
            classBar.update(c + 1, "");
        }
        StringBuilder perLabel = new StringBuilder();
        for (int c = 0; c < classes; c++) {
            perLabel.append(String.format("%s%s %.2f", c == 0 ? "" : ", ", classNames.isEmpty() ? "class " + c
                    : classNames.get(c), (double) rightPerClass[c] / perClass));
        }
        System.out.printf("class fidelity: %.3f of %d generated images (%d per class) classified as their class (%s); "
                + "95 %% interval +-%.3f over %d requests, each with its own decoding order%n", fidelity.proportion(),
                classes * perClass, perClass, perLabel, fidelity.halfWidth95(), fidelity.clusters());
        ForegroundLayout realLayout = new ForegroundLayout();
        for (int i = 0; i < classes * perClass; i++) {
            realLayout.add(data.sample(i).image());
        }
        System.out.printf("foreground layout: generated %s; real held-out %s%n", generatedLayout, realLayout);
    }

    private BufferedImage generate(Generator generator, int label, String condition, BufferedImage control,
            long seed) {
        GenerationRequest.Builder b = GenerationRequest.builder().classLabel(label)
                .sampling(sampling(generator, seed));
        if (condition != null) {
            b.condition(condition, control, c -> c.scale(controlScale)).controlGuidance(controlGuidance);
        }
        GenerationResult r = generator.generate(b.build(), p -> { }, new CancellationToken());
        return r.images().get(0);
    }

    private SamplingSettings sampling(Generator generator, long seed) {
        SamplingSettings.Builder b = generator.recommendedSampling().toBuilder().seed(seed);
        if (steps != null) {
            b.steps(steps);
        }
        return b.build();
    }

    private static BufferedImage[] reconstruct(ModelBundle model, BufferedImage[] originals) {
        try (NDManager root = Engines.newRootManager();
                ImageTokenizer tokenizer = VqTokenizer.load(model.vq().config(), model.resolve(model.vq().weights()), root)) {
            return tokenizer.decode(tokenizer.encode(originals));
        }
    }

    private static boolean[] depthForeground(BufferedImage depth) {
        boolean[] mask = new boolean[depth.getWidth() * depth.getHeight()];
        for (int y = 0; y < depth.getHeight(); y++) {
            for (int x = 0; x < depth.getWidth(); x++) {
                mask[y * depth.getWidth() + x] = depth.getRaster().getSample(x, y, 0) > 0;
            }
        }
        return mask;
    }
}
