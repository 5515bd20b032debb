package dev.arpg.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SamplingSettingsTest {

    @Test
    void defaultsFollowArpg() {
        SamplingSettings s = SamplingSettings.defaults();
        assertThat(s.steps()).isEqualTo(64);
        assertThat(s.sampleSchedule()).isEqualTo(SampleSchedule.ARCCOS);
        assertThat(s.cfgSchedule()).isEqualTo(CfgSchedule.CONSTANT);
        assertThat(s.temperature()).isEqualTo(1.0);
        assertThat(s.seed()).isEmpty();
        assertThat(s.order().kind()).isEqualTo(DecodingOrder.Kind.RANDOM);
    }

    @Test
    void toBuilderKeepsEveryValue() {
        SamplingSettings s = SamplingSettings.builder().steps(8).guidance(2.5).topK(5).topP(0.9).temperature(0.7)
                .seed(3).order(DecodingOrder.raster()).cfgSchedule(CfgSchedule.LINEAR).build();
        assertThat(s.toBuilder().build()).hasToString(s.toString());
    }

    @Test
    void outOfRangeValuesAreRejected() {
        assertThatThrownBy(() -> SamplingSettings.builder().steps(0).build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("steps must be >= 1");
        assertThatThrownBy(() -> SamplingSettings.builder().temperature(0).build())
                .hasMessageContaining("temperature must be finite and > 0");
        assertThatThrownBy(() -> SamplingSettings.builder().temperature(Double.NaN).build())
                .hasMessageContaining("temperature");
        assertThat(SamplingSettings.builder().temperature(0).greedy(true).build().greedy()).isTrue();
        assertThatThrownBy(() -> SamplingSettings.builder().topP(0).build()).hasMessageContaining("topP must be in (0, 1]");
        assertThatThrownBy(() -> SamplingSettings.builder().topP(1.5).build()).hasMessageContaining("topP");
        assertThatThrownBy(() -> SamplingSettings.builder().topK(-1).build()).hasMessageContaining("topK must be >= 0");
        assertThatThrownBy(() -> SamplingSettings.builder().guidance(-1).build())
                .hasMessageContaining("guidance must be finite and >= 0");
        assertThatThrownBy(() -> SamplingSettings.builder().guidance(Double.POSITIVE_INFINITY).build())
                .hasMessageContaining("guidance");
    }

    @Test
    void givenOrdersMustBePermutations() {
        assertThat(DecodingOrder.of(2, 0, 1).permutation()).hasValueSatisfying(p -> assertThat(p).containsExactly(2, 0, 1));
        assertThatThrownBy(() -> DecodingOrder.of(0, 0, 1)).hasMessageContaining("not a permutation");
        assertThatThrownBy(() -> DecodingOrder.of()).hasMessageContaining("empty");
    }

    @Test
    void namedOrdersReadWhatToStringWrites() {
        for (DecodingOrder order : new DecodingOrder[] {DecodingOrder.random(), DecodingOrder.outsideIn(),
                DecodingOrder.raster()}) {
            assertThat(DecodingOrder.named(order.toString())).isSameAs(order);
        }
        assertThat(DecodingOrder.outsideIn()).hasToString("outside-in");
        assertThat(DecodingOrder.named("OUTSIDE_IN").kind()).isEqualTo(DecodingOrder.Kind.OUTSIDE_IN);
        assertThat(DecodingOrder.outsideIn().permutation()).isEmpty();
        assertThatThrownBy(() -> DecodingOrder.named("spiral")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("unknown name 'spiral'").hasMessageContaining("outside-in");
        assertThatThrownBy(() -> DecodingOrder.named(null)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void schedulesFollowTheReferenceFormulas() {
        assertThat(SampleSchedule.ARCCOS.maskRatio(0, 1)).isEqualTo(0.0);
        assertThat(SampleSchedule.COSINE.maskRatio(3, 8)).isEqualTo(Math.cos(Math.PI / 2 * 0.5));
        assertThat(CfgSchedule.LINEAR.scale(4.0, 128, 256)).isEqualTo(2.5);
        assertThat(CfgSchedule.CONSTANT.scale(4.0, 1, 256)).isEqualTo(4.0);
    }
}
