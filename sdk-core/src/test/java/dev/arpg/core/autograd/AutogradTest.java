package dev.arpg.core.autograd;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.arpg.core.engine.Engines;
import org.junit.jupiter.api.Test;

/**
 * The constants of {@link Autograd}'s ops outlive DJL's handles: a garbage collection between the
 * forward and the backward pass (which frees the Java buffer behind DJL's own {@code mul(Number)}
 * constant) leaves the gradients exact.
 */
class AutogradTest {
    @Test
    void scaleGradientIsTheFactorAfterAGarbageCollection() throws InterruptedException {
        try (NDManager m = Engines.newRootManager()) {
            NDArray x = m.create(new float[] {1f, -2f, 3f});
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = Autograd.scale(x, 0.125f);
                assertThat(y.toFloatArray()).containsExactly(0.125f, -0.25f, 0.375f);
                GarbageCollections.collect();
                collector.backward(y.sum());
            }
            assertThat(x.getGradient().toFloatArray()).containsExactly(0.125f, 0.125f, 0.125f);
        }
    }

    @Test
    void atLeastSendsTheGradientOnlyToEntriesAboveTheFloorAfterAGarbageCollection() throws InterruptedException {
        try (NDManager m = Engines.newRootManager()) {
            NDArray x = m.create(new float[] {0.5f, 2f, -1f});
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = Autograd.atLeast(x, 1f);
                assertThat(y.toFloatArray()).containsExactly(1f, 2f, 1f);
                GarbageCollections.collect();
                collector.backward(y.sum());
            }
            assertThat(x.getGradient().toFloatArray()).containsExactly(0f, 1f, 0f);
        }
    }

    @Test
    void outsideAGradientCollectorTheOpsArePlainAndNothingRecords() {
        try (NDManager m = Engines.newRootManager()) {
            assertThat(Autograd.isRecording()).isFalse();
            NDArray x = m.create(new float[] {1f, 4f});
            assertThat(Autograd.scale(x, 2f).toFloatArray()).containsExactly(2f, 8f);
            assertThat(Autograd.atLeast(x, 3f).toFloatArray()).containsExactly(3f, 4f);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                assertThat(Autograd.isRecording()).isTrue();
            }
        }
    }
}
