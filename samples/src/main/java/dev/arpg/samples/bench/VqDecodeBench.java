package dev.arpg.samples.bench;

import ai.djl.ndarray.NDManager;
import dev.arpg.core.vq.VqConfig;
import dev.arpg.core.vq.VqModel;
import dev.arpg.core.vq.VqTokenizer;
import java.util.SplittableRandom;

/** VQ decode throughput: random VQ-16 weights, random 16x16 code grids to 256x256 images. */
final class VqDecodeBench {
    private VqDecodeBench() {
    }

    /**
     * Decodes one untimed image, then {@code images} timed ones, one at a time.
     *
     * @param parent parent manager
     * @param images timed images
     * @param seed seed of the weights and codes
     * @return images per second
     */
    static double imagesPerSecond(NDManager parent, int images, long seed) {
        VqConfig config = VqConfig.VQ_16;
        SplittableRandom random = new SplittableRandom(seed);
        try (VqTokenizer tokenizer = new VqTokenizer(VqModel.initialized(config, seed, parent), 1)) {
            int cells = config.gridSize() * config.gridSize();
            int[][] codes = new int[1][cells];
            tokenizer.decode(codes);
            long start = System.nanoTime();
            for (int i = 0; i < images; i++) {
                for (int c = 0; c < cells; c++) {
                    codes[0][c] = random.nextInt(config.codebookSize());
                }
                tokenizer.decode(codes);
            }
            return images / ((System.nanoTime() - start) / 1e9);
        }
    }
}
