package dev.arpg.conditions.depth.torchscript;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.api.ModelLoadException;
import dev.arpg.conditions.depth.DepthEstimator;
import dev.arpg.conditions.depth.DepthMap;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a user-supplied TorchScript depth model (MiDaS, DPT, Depth Anything exported with {@code
 * torch.jit.trace}) through DJL's PyTorch engine. The image is composited on white, scaled to [0, 1],
 * resized (bicubic) to the model's input size, normalised per channel with {@link
 * TorchScriptOptions}' mean and std, and fed as a {@code [1, 3, H, W]} float tensor; the model must
 * return one plane ({@code [H', W']}, {@code [1, H', W']} or {@code [1, 1, H', W']}), which becomes the
 * {@link DepthMap} at the model's output size. Thread-safe: each call makes its own predictor.
 *
 * <p>Needs DJL's {@code api}, {@code pytorch-engine} and a PyTorch native library on the class path;
 * they are optional dependencies of this module (sdk-core brings them).
 */
public final class TorchScriptDepthEstimator implements DepthEstimator {
    private final Model model;
    private final Path file;
    private final TorchScriptOptions options;

    private TorchScriptDepthEstimator(Model model, Path file, TorchScriptOptions options) {
        this.model = model;
        this.file = file;
        this.options = options;
    }

    /**
     * Loads a TorchScript file on the CPU.
     *
     * @param file the {@code .pt} file
     * @param options input size and normalisation
     * @return the estimator; close it to free the model
     * @throws ModelLoadException if the file is missing or not a TorchScript model
     */
    public static TorchScriptDepthEstimator load(Path file, TorchScriptOptions options) {
        Objects.requireNonNull(options, "options");
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("depth model " + file + " does not exist");
        }
        Model model = Model.newInstance("depth-estimator", Device.cpu(), "PyTorch");
        try {
            model.load(file.toAbsolutePath());
            return new TorchScriptDepthEstimator(model, file, options);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new ModelLoadException("cannot load TorchScript depth model " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public DepthMap estimate(BufferedImage image) {
        if (image == null) {
            throw new InvalidRequestException("depth estimator: no image");
        }
        int w = options.inputWidth() > 0 ? options.inputWidth() : image.getWidth();
        int h = options.inputHeight() > 0 ? options.inputHeight() : image.getHeight();
        float[] input = ModelInput.normalised(image, w, h, options);
        try (NDManager manager = model.getNDManager().newSubManager();
                Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator())) {
            NDArray x = manager.create(input, new Shape(1, 3, h, w));
            NDList out = predictor.predict(new NDList(x));
            NDArray y = out.singletonOrThrow();
            long[] shape = y.getShape().getShape();
            int outH = (int) shape[shape.length - 2];
            int outW = (int) shape[shape.length - 1];
            if (shape.length < 2 || y.size() != (long) outH * outW) {
                throw new InvalidRequestException("depth model " + file + " returned shape " + y.getShape()
                        + "; expected one plane [H, W], [1, H, W] or [1, 1, H, W]");
            }
            return new DepthMap(outW, outH, y.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray());
        } catch (TranslateException e) {
            throw new InvalidRequestException("depth model " + file + " failed on a " + w + "x" + h + " input: "
                    + e.getMessage());
        }
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", file.getFileName().toString());
        m.putAll(options.asParameters());
        return m;
    }

    @Override
    public void close() {
        model.close();
    }
}
