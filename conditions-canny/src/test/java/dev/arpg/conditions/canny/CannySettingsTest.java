package dev.arpg.conditions.canny;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arpg.api.Condition;
import dev.arpg.api.ConditionRegistry;
import dev.arpg.api.GridSpec;
import dev.arpg.api.InvalidRequestException;
import java.awt.image.BufferedImage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CannySettingsTest {
    private static Condition create(Map<String, String> parameters) {
        return new CannyConditionProvider().conditions().get("canny").create(parameters);
    }

    @Test
    void defaultsAreThoseOfControlNetAndAreReported() {
        assertThat(create(Map.of()).parameters()).containsOnlyKeys("low", "high", "aperture", "l2", "blur",
                "resolution");
        assertThat(create(Map.of()).parameters()).containsAllEntriesOf(Map.of("low", "100", "high", "200",
                "aperture", "3", "l2", "false", "blur", "0", "resolution", "grid"));
        assertThat(create(Map.of("low", "50", "l2", "TRUE", "blur", "5")).parameters())
                .containsEntry("low", "50").containsEntry("l2", "true").containsEntry("blur", "5")
                .containsEntry("high", "200");
        assertThat(create(Map.of("low", "12.5")).parameters()).containsEntry("low", "12.5");
    }

    @Test
    void badParametersAreClearErrors() {
        assertThatThrownBy(() -> create(Map.of("low", "300"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("low threshold 300.0 is above high threshold 200.0");
        assertThatThrownBy(() -> create(Map.of("low", "-1"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> create(Map.of("aperture", "4"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("aperture must be 3, 5 or 7");
        assertThatThrownBy(() -> create(Map.of("blur", "4"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("blur must be 0");
        assertThatThrownBy(() -> create(Map.of("blur", "-3"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("blur must be 0");
        assertThatThrownBy(() -> create(Map.of("high", "lots"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'high' must be a finite number, got 'lots'");
        assertThatThrownBy(() -> create(Map.of("l2", "yes"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'l2' must be true or false");
        assertThatThrownBy(() -> create(Map.of("resolution", "huge"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'resolution' must be one of");
        assertThatThrownBy(() -> create(Map.of("sigma", "1"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("unknown parameter(s) [sigma]");
    }

    @Test
    void badImagesAreClearErrors() {
        GridSpec grid = new GridSpec(2, 2, 4);
        assertThatThrownBy(() -> create(Map.of()).prepare(null, grid)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("no control image");
        assertThatThrownBy(() -> create(Map.of()).prepare(new BufferedImage(2, 9, BufferedImage.TYPE_INT_RGB), grid))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("at least 3x3");
        assertThatThrownBy(() -> new GridSpec(-1, 2, 4)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void theProviderIsFoundByServiceLoader() {
        ConditionRegistry registry = ConditionRegistry.discover(getClass().getClassLoader());
        assertThat(registry.names()).contains("canny");
        assertThat(registry.create("canny", Map.of())).isInstanceOf(CannyCondition.class);
    }
}
