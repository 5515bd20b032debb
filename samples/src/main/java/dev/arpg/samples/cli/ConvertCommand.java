package dev.arpg.samples.cli;

import dev.arpg.core.bundle.ModelBundle;
import dev.arpg.core.train.ArpgInit;
import dev.arpg.core.weights.HostTensor;
import dev.arpg.core.weights.SafetensorsWriter;
import dev.arpg.core.weights.StateDict;
import dev.arpg.core.weights.WeightBinding;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code arpg convert}: turns published checkpoints ({@code --arpg-ckpt arpg_300m.pt --preset ARPG-L
 * --vq-ckpt vq_ds16_c2i.pt}) into a model bundle of safetensors files, which load straight from
 * the file without unpickling. Only the keys each model uses are written; the files are checked first.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert published .pt checkpoints into a safetensors model bundle.")
final class ConvertCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--to", required = true, paramLabel = "DIR", description = "The bundle directory to write.")
    Path target;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() {
        ModelBundle source = model.bundle();
        Map<String, String> arpgMeta = Map.of("config", ArpgInit.toReferenceJson(source.arpg().config()));
        write(source.resolve(source.arpg().weights()), source.arpg().config().parameterShapes(), "ARPG",
                target.resolve("arpg.safetensors"), arpgMeta);
        write(source.resolve(source.vq().weights()), source.vq().config().parameterShapes(), "VQ tokenizer",
                target.resolve("vq.safetensors"), Map.of());
        ModelBundle converted = new ModelBundle(source.name(), target,
                new ModelBundle.Part<>(source.arpg().config(), "arpg.safetensors"),
                new ModelBundle.Part<>(source.vq().config(), "vq.safetensors"), Map.of(), List.of(), source.sampling());
        converted.writeDescriptor();
        ModelBundle.read(target);
        System.out.println("bundle -> " + target);
        return 0;
    }

    private static void write(Path from, Map<String, long[]> shapes, String what, Path to, Map<String, String> metadata) {
        StateDict weights = StateDict.read(from);
        WeightBinding.check(what, shapes, weights);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        shapes.keySet().forEach(name -> tensors.put(name, weights.get(name)));
        SafetensorsWriter.write(to, tensors, metadata);
    }
}
