package dev.arpg.core.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arpg.api.CancellationToken;
import dev.arpg.api.DecodingOrder;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.api.SamplingSettings;
import dev.arpg.core.control.ControlQueries;
import dev.arpg.core.testing.TinyModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Token-level inpainting and outpainting: known cells are fed first and kept exactly. */
class ZeroShotEditingTest {
    @RegisterExtension
    static final TinyModel TINY = new TinyModel();

    private static int[] source() {
        SamplingSettings s = SamplingSettings.builder().steps(8).seed(1).build();
        return TINY.decoder().decode(DecodeTask.classes(s, 5), DecodeListener.NONE, new CancellationToken())
                .tokens()[0];
    }

    private static DecodeResult edit(int[] known, SamplingSettings settings, List<DecodeProgress> steps) {
        return TINY.decoder().decode(new DecodeTask(new int[] {5, 2}, known, settings, ControlQueries.none(), 0),
                steps::add, new CancellationToken());
    }

    @Test
    void inpaintingKeepsEveryKnownTokenAndGeneratesOnlyTheMaskedCells() {
        int[] src = source();
        int[] known = src.clone();
        List<Integer> masked = new ArrayList<>();
        for (int y = 2; y < 5; y++) {
            for (int x = 3; x < 7; x++) {
                known[y * 8 + x] = -1;
                masked.add(y * 8 + x);
            }
        }
        List<DecodeProgress> steps = new ArrayList<>();
        DecodeResult r = edit(known, SamplingSettings.builder().steps(4).seed(3).build(), steps);
        for (int[] image : r.tokens()) {
            for (int i = 0; i < 64; i++) {
                if (known[i] >= 0) {
                    assertThat(image[i]).as("kept cell " + i).isEqualTo(src[i]);
                } else {
                    assertThat(image[i]).as("generated cell " + i).isBetween(0, 63);
                }
            }
        }
        int[] generated = steps.stream().flatMapToInt(p -> Arrays.stream(p.positions())).sorted().toArray();
        assertThat(generated).containsExactly(masked.stream().mapToInt(Integer::intValue).toArray());
        assertThat(r.plan().tokens()).isEqualTo(12);
        assertThat(steps.get(0).decided()).isEqualTo(52 + r.plan().count(0));
    }

    @Test
    void anOutsideInEditDecodesOnlyItsFreeCellsFromTheOutsideIn() {
        int[] known = source();
        for (int y = 1; y < 7; y++) {
            known[y * 8] = -1;
            known[y * 8 + 3] = -1;
        }
        List<DecodeProgress> steps = new ArrayList<>();
        DecodeResult r = edit(known, SamplingSettings.builder().steps(12).order(DecodingOrder.outsideIn()).seed(2)
                .build(), steps);
        int[] positions = steps.stream().flatMapToInt(p -> Arrays.stream(p.positions())).toArray();
        assertThat(positions).containsExactly(r.order());
        assertThat(positions).containsExactly(OutsideIn.sort(positions, 8));
        assertThat(Arrays.copyOfRange(positions, 0, 2)).containsExactlyInAnyOrder(8, 48);
        assertThat(Arrays.stream(positions).sorted().toArray()).containsExactly(8, 11, 16, 19, 24, 27, 32, 35, 40,
                43, 48, 51);
    }

    @Test
    void knownTokensSteerTheGeneratedOnes() {
        int[] src = source();
        int[] left = src.clone();
        int[] other = new int[64];
        Arrays.fill(other, 17);
        for (int i = 0; i < 64; i++) {
            if (i % 8 >= 4) {
                left[i] = -1;
                other[i] = -1;
            }
        }
        SamplingSettings s = SamplingSettings.builder().steps(4).greedy(true).order(DecodingOrder.raster()).build();
        int[][] a = edit(left, s, new ArrayList<>()).tokens();
        int[][] b = edit(other, s, new ArrayList<>()).tokens();
        assertThat(Arrays.copyOfRange(a[0], 4, 8)).isNotEqualTo(Arrays.copyOfRange(b[0], 4, 8));
    }

    @Test
    void outpaintingGeneratesAroundAShiftedSource() {
        int[] src = source();
        int[] canvas = new int[64];
        Arrays.fill(canvas, -1);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 5; x++) {
                canvas[y * 8 + x + 3] = src[y * 8 + x];
            }
        }
        DecodeResult r = edit(canvas, SamplingSettings.builder().steps(6).seed(4).build(), new ArrayList<>());
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                int cell = y * 8 + x;
                if (x >= 3) {
                    assertThat(r.tokens()[1][cell]).isEqualTo(src[y * 8 + x - 3]);
                } else {
                    assertThat(r.tokens()[1][cell]).isNotNegative();
                }
            }
        }
        assertThat(r.order()).hasSize(24);
        assertThat(Arrays.stream(r.order()).allMatch(p -> p % 8 < 3)).isTrue();
    }

    @Test
    void badKnownTokensAreRejected() {
        SamplingSettings s = SamplingSettings.builder().steps(4).seed(3).build();
        int[] full = source();
        assertThatThrownBy(() -> edit(full, s, new ArrayList<>())).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("nothing to generate");
        assertThatThrownBy(() -> edit(new int[63], s, new ArrayList<>())).hasMessageContaining("cover 63 cells but the grid has 64");
        int[] bad = full.clone();
        bad[0] = 64;
        bad[1] = -1;
        assertThatThrownBy(() -> edit(bad, s, new ArrayList<>())).hasMessageContaining("known token 64 at cell 0");
    }

    @Test
    void anEditWithMoreStepsThanItDecidesTakesOneTokenPerStep() {
        int[] src = source();
        int[] few = src.clone();
        few[0] = -1;
        few[9] = -1;
        List<DecodeProgress> steps = new ArrayList<>();
        DecodeResult r = edit(few, SamplingSettings.builder().steps(64).seed(3).build(), steps);
        assertThat(r.plan().steps()).isEqualTo(2);
        assertThat(steps).extracting(p -> p.positions().length).containsExactly(1, 1);
        for (int[] image : r.tokens()) {
            for (int i = 1; i < 64; i++) {
                if (i != 9) {
                    assertThat(image[i]).isEqualTo(src[i]);
                }
            }
            assertThat(image[0]).isBetween(0, 63);
            assertThat(image[9]).isBetween(0, 63);
        }
    }
}
