package dev.arpg.samples.bench;

import dev.arpg.core.decode.DecodePlan;
import dev.arpg.core.model.ArpgConfig;

/**
 * Multiply-add work of a generation (2 FLOPs per multiply-add), counting the projections, the
 * attention products and the head; norms, softmax and sampling are left out. Dividing it by the
 * time gives the generator's GFLOP/s, comparable with the machine's matmul GFLOP/s.
 */
final class FlopCount {
    private FlopCount() {
    }

    /**
     * @param c the model sizes
     * @param plan the step schedule
     * @param images images generated (each runs twice: conditional and unconditional)
     * @return FLOPs of the whole generation
     */
    static double generation(ArpgConfig c, DecodePlan plan, int images) {
        double d = c.dim();
        double ffn = 3 * d * c.ffnHidden();
        double rows = 2.0 * images;
        double total = 0;
        int cached = 0;
        int fed = 1;
        for (int s = 0; s < plan.steps(); s++) {
            int targets = plan.count(s);
            if (targets == 0) {
                continue;
            }
            int keys = cached + fed;
            double self = fed * (4 * d * d + ffn) + 2.0 * fed * keys * d;
            double shared = fed * 2 * d * d;
            double cross = targets * (2 * d * d + ffn) + 2.0 * targets * keys * d;
            double head = targets * d * c.vocabSize();
            total += 2 * rows * (c.layersPerStage() * (self + cross) + shared + head);
            cached = keys;
            fed = targets;
        }
        return total;
    }
}
