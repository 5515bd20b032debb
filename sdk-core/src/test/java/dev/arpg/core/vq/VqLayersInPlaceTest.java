package dev.arpg.core.vq;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.arpg.core.engine.Engines;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Decoding images runs GroupNorm, swish and the ResNet block's sum in the memory of activations
 * the pass no longer needs; these tests pin down which arrays are overwritten and that the values
 * are those of the allocating form that training uses.
 */
class VqLayersInPlaceTest {
    private static final int CHANNELS = 64;

    @Test
    void groupNormInPlaceOverwritesItsInputWithTheValuesGroupNormReturns() {
        try (NDManager m = Engines.newRootManager()) {
            VqLayers layers = new VqLayers(params(m));
            NDArray x = input(m);
            NDArray original = x.duplicate();
            NDArray expected = layers.groupNorm(x, "b.norm1");
            assertThat(x.contentEquals(original)).as("groupNorm leaves its input").isTrue();
            NDArray normed = layers.groupNormInPlace(x, "b.norm1");
            assertThat(normed.contentEquals(expected)).isTrue();
            assertThat(x.contentEquals(expected)).as("the input now holds the norm").isTrue();
        }
    }

    @Test
    void closingANormFreesTheValuesItMade() {
        try (NDManager root = Engines.newRootManager();
                NDManager request = root.newSubManager()) {
            VqLayers layers = new VqLayers(params(root));
            NDArray x = input(request);
            Set<NDArray> before = Collections.newSetFromMap(new IdentityHashMap<>());
            before.addAll(request.getManagedArrays());
            layers.groupNorm(x, "b.norm1").close();
            // What the norm left of x's size: only the reshaped views of x it took, nothing holding its values.
            assertThat(request.getManagedArrays()).filteredOn(a -> !before.contains(a) && a.size() == x.size())
                    .allSatisfy(a -> assertThat(a.reshape(x.getShape()).contentEquals(x)).isTrue());
        }
    }

    @Test
    void whileRecordingGroupNormInPlaceAndSwishLeaveTheirInputs() {
        try (NDManager m = Engines.newRootManager()) {
            VqLayers layers = new VqLayers(params(m));
            NDArray x = input(m);
            NDArray original = x.duplicate();
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray normed = layers.groupNormInPlace(x, "b.norm1");
                NDArray activated = VqLayers.swish(x);
                assertThat(x.contentEquals(original)).isTrue();
                assertThat(normed.getShape()).isEqualTo(x.getShape());
                assertThat(activated.sub(x.mul(x.neg().exp().add(1).pow(-1))).abs().max().getFloat()).isLessThan(1e-6f);
            }
        }
    }

    @Test
    void swishOutsideRecordingOverwritesItsInput() {
        try (NDManager m = Engines.newRootManager()) {
            NDArray x = input(m);
            NDArray expected = x.mul(x.neg().exp().add(1).pow(-1));
            NDArray activated = VqLayers.swish(x);
            assertThat(activated.sub(expected).abs().max().getFloat()).isLessThan(1e-6f);
            assertThat(x.contentEquals(activated)).as("the input now holds the swish").isTrue();
        }
    }

    @Test
    void resBlockLeavesItsInputAndMatchesTheAllocatingFormTrainingUses() {
        try (NDManager m = Engines.newRootManager()) {
            VqLayers layers = new VqLayers(params(m));
            NDArray x = input(m);
            NDArray original = x.duplicate();
            NDArray allocating;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                allocating = layers.resBlock(x, "b.");
            }
            NDArray inPlace = layers.resBlock(x, "b.");
            assertThat(x.contentEquals(original)).as("the block's input, which the shortcut adds").isTrue();
            assertThat(inPlace.contentEquals(allocating)).as("the same floats").isTrue();
            assertThat(inPlace.sub(x).abs().max().getFloat()).as("the block changed something").isGreaterThan(0.1f);
        }
    }

    private static NDArray input(NDManager m) {
        Engine.getInstance().setRandomSeed(11);
        return m.randomNormal(new Shape(2, CHANNELS, 8, 8)).mul(3f).add(0.5f);
    }

    /** A ResNet block {@code b.} of {@value #CHANNELS} channels with random affine norms and 3x3 convolutions. */
    private static Map<String, NDArray> params(NDManager m) {
        Engine.getInstance().setRandomSeed(5);
        Map<String, NDArray> p = new HashMap<>();
        for (String norm : new String[] {"b.norm1", "b.norm2"}) {
            p.put(norm + ".weight", m.randomNormal(new Shape(CHANNELS, 1, 1)).mul(0.2f).add(1f));
            p.put(norm + ".bias", m.randomNormal(new Shape(CHANNELS, 1, 1)).mul(0.2f));
        }
        for (String conv : new String[] {"b.conv1", "b.conv2"}) {
            p.put(conv + ".weight", m.randomNormal(new Shape(CHANNELS, CHANNELS, 3, 3)).mul(0.05f));
            p.put(conv + ".bias", m.randomNormal(new Shape(CHANNELS)).mul(0.1f));
        }
        return p;
    }
}
