package dev.arpg.core.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arpg.api.CancellationToken;
import dev.arpg.api.DecodingOrder;
import dev.arpg.api.GenerationCancelledException;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.api.SamplingSettings;
import dev.arpg.core.testing.TinyModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ParallelDecoderTest {
    @RegisterExtension
    static final TinyModel TINY = new TinyModel();

    private static DecodeResult run(SamplingSettings settings, int... labels) {
        return TINY.decoder().decode(DecodeTask.classes(settings, labels), DecodeListener.NONE,
                new CancellationToken());
    }

    private static SamplingSettings.Builder sampling() {
        return SamplingSettings.builder().steps(8);
    }

    @Test
    void sameSeedGivesSameTokensAndOrder() {
        DecodeResult a = run(sampling().seed(42).build(), 1, 2);
        DecodeResult b = run(sampling().seed(42).build(), 1, 2);
        assertThat(a.tokens()).isDeepEqualTo(b.tokens());
        assertThat(a.order()).containsExactly(b.order());
        assertThat(a.seed()).isEqualTo(42);
        assertThat(Arrays.stream(a.tokens()).flatMapToInt(Arrays::stream).allMatch(t -> t >= 0 && t < 64)).isTrue();
    }

    @Test
    void differentSeedsGiveDifferentOrdersAndTokens() {
        DecodeResult a = run(sampling().seed(1).build(), 4);
        DecodeResult b = run(sampling().seed(2).build(), 4);
        assertThat(a.order()).isNotEqualTo(b.order());
        assertThat(a.tokens()[0]).isNotEqualTo(b.tokens()[0]);
    }

    @Test
    void withoutSeedAFreshSeedIsChosenAndReported() {
        DecodeResult a = run(sampling().build(), 4);
        DecodeResult replay = run(sampling().seed(a.seed()).build(), 4);
        assertThat(replay.tokens()).isDeepEqualTo(a.tokens());
    }

    @Test
    void requestsRunningConcurrentlyGiveTheSameTokensAsAlone() throws Exception {
        int[][][] alone = new int[4][][];
        for (int i = 0; i < 4; i++) {
            alone[i] = run(sampling().seed(100 + i).build(), i, 9 - i).tokens();
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<int[][]>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int id = i;
                futures.add(pool.submit(() -> run(sampling().seed(100 + id).build(), id, 9 - id).tokens()));
            }
            for (int i = 0; i < 4; i++) {
                assertThat(futures.get(i).get()).as("request " + i).isDeepEqualTo(alone[i]);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void topKOfOneAndATinyTopPDrawTheArgmax() {
        SamplingSettings greedy = sampling().order(DecodingOrder.raster()).greedy(true).build();
        int[][] expected = run(greedy, 3, 5).tokens();
        assertThat(run(sampling().order(DecodingOrder.raster()).topK(1).seed(7).build(), 3, 5).tokens())
                .isDeepEqualTo(expected);
        assertThat(run(sampling().order(DecodingOrder.raster()).topP(1e-6).seed(8).build(), 3, 5).tokens())
                .isDeepEqualTo(expected);
    }

    @Test
    void rasterOrderDecodesRowByRow() {
        List<DecodeProgress> steps = new ArrayList<>();
        TINY.decoder().decode(DecodeTask.classes(sampling().order(DecodingOrder.raster()).seed(3).build(), 0),
                steps::add, new CancellationToken());
        int[] positions = steps.stream().flatMapToInt(p -> Arrays.stream(p.positions())).toArray();
        int[] raster = new int[64];
        Arrays.setAll(raster, i -> i);
        assertThat(positions).containsExactly(raster);
    }

    @Test
    void outsideInOrderGoesFromTheBorderToTheCentreWithSeededTies() {
        DecodeResult a = run(sampling().order(DecodingOrder.outsideIn()).seed(3).build(), 0);
        DecodeResult b = run(sampling().order(DecodingOrder.outsideIn()).seed(4).build(), 0);
        int[] order = a.order();
        assertThat(order).hasSize(64).doesNotHaveDuplicates();
        assertThat(Arrays.copyOfRange(order, 0, 4)).containsExactlyInAnyOrder(0, 7, 56, 63);
        assertThat(Arrays.copyOfRange(order, 60, 64)).containsExactlyInAnyOrder(27, 28, 35, 36);
        for (int j = 1; j < 64; j++) {
            assertThat(centreDistance(order[j])).as("position " + j).isLessThanOrEqualTo(centreDistance(order[j - 1]));
        }
        assertThat(run(sampling().order(DecodingOrder.outsideIn()).seed(3).build(), 0).order()).containsExactly(order);
        assertThat(b.order()).isNotEqualTo(order);
    }

    @Test
    void outsideInWithSeveralTokensPerStepIsWarnedAboutOncePerDecoder() {
        Logger log = Logger.getLogger(ParallelDecoder.class.getName());
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(handler);
        try {
            ParallelDecoder decoder = new ParallelDecoder(TINY.model());
            SamplingSettings.Builder outsideIn = SamplingSettings.builder().order(DecodingOrder.outsideIn()).seed(1);
            decoder.decode(DecodeTask.classes(outsideIn.steps(64).build(), 0), DecodeListener.NONE, new CancellationToken());
            decoder.decode(DecodeTask.classes(sampling().seed(1).build(), 0), DecodeListener.NONE, new CancellationToken());
            assertThat(records).isEmpty();
            decoder.decode(DecodeTask.classes(outsideIn.steps(8).build(), 0), DecodeListener.NONE, new CancellationToken());
            decoder.decode(DecodeTask.classes(outsideIn.steps(16).build(), 0), DecodeListener.NONE, new CancellationToken());
            assertThat(records).singleElement().satisfies(r -> {
                assertThat(r.getLevel()).isEqualTo(Level.WARNING);
                assertThat(new SimpleFormatter().formatMessage(r)).contains("outside-in order with 8 steps for 64 tokens")
                        .contains("one token per step");
            });
        } finally {
            log.removeHandler(handler);
        }
    }

    private static int centreDistance(int cell) {
        int dx = 2 * (cell % 8) - 7;
        int dy = 2 * (cell / 8) - 7;
        return dx * dx + dy * dy;
    }

    @Test
    void listenerSeesEveryStepAndTokensAppearAsDecided() {
        List<DecodeProgress> steps = new ArrayList<>();
        DecodeResult result = TINY.decoder().decode(DecodeTask.classes(sampling().seed(5).build(), 2), steps::add,
                new CancellationToken());
        assertThat(steps).extracting(DecodeProgress::step).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        for (DecodeProgress p : steps) {
            long known = Arrays.stream(p.tokens()[0]).filter(t -> t >= 0).count();
            assertThat(known).isEqualTo(p.decided());
        }
        assertThat(steps.get(7).tokens()).isDeepEqualTo(result.tokens());
    }

    @Test
    void cancellationStopsBetweenSteps() {
        CancellationToken token = new CancellationToken();
        List<Integer> seen = new ArrayList<>();
        assertThatThrownBy(() -> TINY.decoder().decode(DecodeTask.classes(sampling().seed(1).build(), 1), p -> {
            seen.add(p.step());
            if (p.step() == 2) {
                token.cancel();
            }
        }, token)).isInstanceOf(GenerationCancelledException.class).hasMessageContaining("before step 3 of 8");
        assertThat(seen).containsExactly(0, 1, 2);
    }

    @Test
    void nothingButTheKeptCacheMemorySurvivesARequestOnTheModelManager() {
        run(sampling().seed(9).build(), 1, 2, 3, 4, 5, 6, 7, 8);
        int before = TINY.model().manager().getManagedArrays().size();
        run(sampling().seed(9).build(), 1, 2, 3);
        run(sampling().seed(9).build(), 1, 2, 3, 4, 5, 6, 7, 8);
        assertThatThrownBy(() -> run(sampling().seed(9).build(), 11)).isInstanceOf(InvalidRequestException.class);
        assertThat(TINY.model().manager().getManagedArrays()).hasSize(before);
    }

    @Test
    void aRequestAfterALargerOneGivesTheSameTokensAsBefore() {
        DecodeResult first = run(sampling().seed(5).build(), 1, 2);
        run(sampling().seed(6).build(), 3, 4, 5, 6, 7, 8, 9);
        DecodeResult again = run(sampling().seed(5).build(), 1, 2);
        assertThat(again.tokens()).isDeepEqualTo(first.tokens());
    }

    @Test
    void badRequestsAreRejectedWithAMessageNamingTheProblem() {
        SamplingSettings ok = sampling().seed(1).build();
        assertThatThrownBy(() -> run(ok)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("batch is empty");
        assertThatThrownBy(() -> run(ok, 10)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("class label 10 is outside [0, 10)");
        assertThatThrownBy(() -> run(ok, -2)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("class label -2");
        assertThatThrownBy(() -> run(sampling().steps(65).build(), 1)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("steps must be between 1 and the 64 tokens");
        assertThatThrownBy(() -> run(sampling().order(DecodingOrder.of(2, 0, 1)).build(), 1))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("has 3 positions but the model generates 64");
    }

    @Test
    void oneStepAndOneTokenPerStepBothWork() {
        assertThat(run(sampling().steps(1).seed(1).build(), 1).tokens()[0]).doesNotContain(-1);
        assertThat(run(sampling().steps(64).seed(1).build(), 1).tokens()[0]).doesNotContain(-1);
    }
}
