package dev.arpg.core.control;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import dev.arpg.api.ControlMap;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.core.weights.HostTensor;
import dev.arpg.core.weights.StateDict;
import dev.arpg.core.weights.WeightBinding;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Turns a control map into one query offset of the model width per token-grid cell.
 *
 * <p>Architecture ({@code docs/control.md}): {@code stem} a convolution with kernel = stride = the
 * tokenizer's downsampling (one output per cell), SiLU; {@code blocks.i} residual blocks {@code x +
 * conv2(silu(conv1(silu(x))))} with 3x3 convolutions; {@code proj} a 1x1 convolution to the model
 * width. A new encoder's {@code proj} is all zeros, so an untrained encoder adds nothing and the
 * model generates exactly as without control (the ControlNet zero-init idea).
 */
public final class ControlEncoder implements AutoCloseable {
    private final ControlEncoderConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> parameters;

    private ControlEncoder(ControlEncoderConfig config, NDManager manager, Map<String, NDArray> parameters) {
        this.config = config;
        this.manager = manager;
        this.parameters = Collections.unmodifiableMap(parameters);
    }

    /**
     * Loads trained weights.
     *
     * @param name the condition name, for messages
     * @param config the sizes
     * @param weights the encoder's state dict
     * @param parent parent manager
     * @return the encoder
     */
    public static ControlEncoder load(String name, ControlEncoderConfig config, StateDict weights, NDManager parent) {
        WeightBinding.check("control encoder '" + name + "'", config.parameterShapes(), weights);
        Map<String, HostTensor> host = new LinkedHashMap<>();
        config.parameterShapes().keySet().forEach(k -> host.put(k, weights.get(k)));
        return fromHost(config, host, parent);
    }

    /**
     * A new encoder: convolutions drawn uniformly in +-1/sqrt(fan in) from the seed (PyTorch's default
     * scale), projection zero.
     *
     * @param config the sizes
     * @param seed the seed of the draws
     * @param parent parent manager
     * @return the encoder
     */
    public static ControlEncoder initialized(ControlEncoderConfig config, long seed, NDManager parent) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, HostTensor> host = new LinkedHashMap<>();
        config.parameterShapes().forEach((name, shape) -> {
            long count = 1;
            for (long d : shape) {
                count *= d;
            }
            float[] values = new float[(int) count];
            if (!name.startsWith("proj.")) {
                long fanIn = name.endsWith(".bias")
                        ? host.get(name.replace(".bias", ".weight")).elementCount() / shape[0]
                        : count / shape[0];
                double bound = 1.0 / Math.sqrt(fanIn);
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
                }
            }
            host.put(name, HostTensor.ofFloats(shape, values));
        });
        return fromHost(config, host, parent);
    }

    private static ControlEncoder fromHost(ControlEncoderConfig config, Map<String, HostTensor> host, NDManager parent) {
        NDManager manager = parent.newSubManager();
        Map<String, NDArray> params = new LinkedHashMap<>();
        host.forEach((name, tensor) -> {
            NDArray array = tensor.toNDArray(manager);
            array.setName(name);
            params.put(name, array);
        });
        return new ControlEncoder(config, manager, params);
    }

    /** @return the sizes */
    public ControlEncoderConfig config() {
        return config;
    }

    /** @return the parameters by state-dict name; training marks them as requiring gradients */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /**
     * Encodes a control map.
     *
     * @param map the condition's output; its channels must match the config
     * @param m the request's manager (owns the result)
     * @return offsets {@code [cells, dim]} in raster order of the grid
     */
    public NDArray encode(ControlMap map, NDManager m) {
        if (map.channels() != config.inChannels()) {
            throw new InvalidRequestException("control map has " + map.channels() + " channels, the encoder expects "
                    + config.inChannels());
        }
        if (map.height() % config.downsampling() != 0 || map.width() % config.downsampling() != 0) {
            throw new InvalidRequestException("control map of " + map.width() + "x" + map.height()
                    + " px is not a whole number of " + config.downsampling() + " px cells");
        }
        NDArray x = m.create(map.values(), new Shape(1, map.channels(), map.height(), map.width()));
        return encode(x).get(0);
    }

    /**
     * Encodes a batch of control maps; differentiable (used by training).
     *
     * @param maps {@code [B, channels, H, W]}
     * @return offsets {@code [B, cells, dim]}
     */
    public NDArray encode(NDArray maps) {
        int ds = config.downsampling();
        NDArray x = conv(maps, "stem", new Shape(ds, ds), new Shape(0, 0));
        x = silu(x);
        for (int i = 0; i < config.blocks(); i++) {
            String p = "blocks." + i + ".";
            NDArray h = conv(silu(x), p + "conv1", new Shape(1, 1), new Shape(1, 1));
            h = conv(silu(h), p + "conv2", new Shape(1, 1), new Shape(1, 1));
            x = x.add(h);
        }
        x = conv(x, "proj", new Shape(1, 1), new Shape(0, 0));
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)).transpose(0, 2, 1);
    }

    private NDArray conv(NDArray x, String name, Shape stride, Shape padding) {
        return Conv2d.conv2d(x, parameters.get(name + ".weight"), parameters.get(name + ".bias"), stride, padding,
                new Shape(1, 1)).singletonOrThrow();
    }

    private static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /** Frees the weights. */
    @Override
    public void close() {
        manager.close();
    }
}
