package dev.arpg.samples.cli;

import com.google.gson.GsonBuilder;
import dev.arpg.core.bundle.ModelBundle;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code arpg info}: what a model bundle contains. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show what a model bundle contains.")
final class InfoCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() {
        ModelBundle bundle = model.bundle();
        System.out.printf("bundle %s%n", bundle.name());
        System.out.printf("  arpg: %s (%s)%n", bundle.arpg().config(), bundle.arpg().weights());
        System.out.printf("  vq: %s (%s)%n", bundle.vq().config(), bundle.vq().weights());
        System.out.printf("  grid: %dx%d tokens of %d px, %d px images%n", bundle.vq().config().gridSize(),
                bundle.vq().config().gridSize(), bundle.vq().config().downsampling(), bundle.vq().config().imageSize());
        bundle.controls().forEach((name, c) -> System.out.printf("  control %s: %s (%s)%n", name, c.config(), c.weights()));
        System.out.printf("  classes: %s%n", bundle.classNames().isEmpty() ? "(unnamed)" : bundle.classNames());
        System.out.printf("  recommended sampling: %s%n", bundle.recommendedSampling());
        if (bundle.sampling() != null) {
            System.out.println(new GsonBuilder().create().toJson(bundle.sampling()));
        }
        return 0;
    }
}
