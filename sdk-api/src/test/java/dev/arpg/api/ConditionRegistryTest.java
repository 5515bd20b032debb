package dev.arpg.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionRegistryTest {

    /** A condition that reports which provider built it. */
    private record Tagged(String name, String tag) implements Condition {
        @Override
        public ControlMap prepare(BufferedImage image, GridSpec grid) {
            return new ControlMap(1, grid.height(), grid.width(), new float[grid.height() * grid.width()]);
        }

        @Override
        public Map<String, String> parameters() {
            return Map.of("tag", tag);
        }
    }

    private static ConditionProvider provider(String name, String tag, int priority) {
        return new ConditionProvider() {
            @Override
            public Map<String, Condition.Factory> conditions() {
                return Map.of(name, params -> new Tagged(name, tag));
            }

            @Override
            public int priority() {
                return priority;
            }
        };
    }

    @Test
    void theHigherPriorityWinsASharedName() {
        ConditionRegistry registry = ConditionRegistry.of(List.of(
                provider("edges", "builtin", 0), provider("edges", "better", 10), provider("depth", "d", 0)));
        assertThat(registry.names()).containsExactlyInAnyOrder("edges", "depth");
        assertThat(registry.create("edges", Map.of()).parameters()).containsEntry("tag", "better");
        ConditionRegistry reversed = ConditionRegistry.of(List.of(provider("edges", "better", 10),
                provider("edges", "builtin", 0)));
        assertThat(reversed.create("edges", Map.of()).parameters()).containsEntry("tag", "better");
    }

    @Test
    void equalPrioritiesForOneNameAreAnErrorNamingBothProviders() {
        ConditionProvider a = provider("edges", "a", 1);
        ConditionProvider b = provider("edges", "b", 1);
        assertThatThrownBy(() -> ConditionRegistry.of(List.of(a, b))).isInstanceOf(ArpgException.class)
                .hasMessageContaining("'edges' is offered by both").hasMessageContaining(a.getClass().getName());
    }

    @Test
    void anUnknownNameListsTheInstalledOnes() {
        ConditionRegistry registry = ConditionRegistry.of(List.of(provider("edges", "a", 0)));
        assertThatThrownBy(() -> registry.create("sketch", Map.of())).isInstanceOf(UnknownConditionException.class)
                .hasMessageContaining("unknown condition 'sketch'; installed conditions: [edges]");
    }

    @Test
    void gridAndControlMapSizesAreChecked() {
        GridSpec grid = new GridSpec(8, 8, 4);
        assertThat(grid.width()).isEqualTo(32);
        assertThat(new ControlMap(2, 32, 32, new float[2 * 32 * 32]).fits(grid)).isTrue();
        assertThat(new ControlMap(2, 16, 32, new float[2 * 16 * 32]).fits(grid)).isFalse();
        assertThatThrownBy(() -> new GridSpec(0, 8, 4)).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> new ControlMap(1, 2, 2, new float[3])).hasMessageContaining("needs 4 values, got 3");
    }
}
