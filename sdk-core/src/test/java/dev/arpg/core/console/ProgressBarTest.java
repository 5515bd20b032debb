package dev.arpg.core.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void redrawsInPlaceAndEndsTheLineOnceWhenDone() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), "tokenizing", 4);
        bar.update(1, "");
        bar.update(4, "loss=1.0");
        bar.update(4, "again");
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("\rtokenizing [#######.......................] 1/4"
                + "\rtokenizing [##############################] 4/4 loss=1.0" + System.lineSeparator());
    }

    @Test
    void clampsOutOfRangeCounts() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), "x", 2);
        bar.update(-3, "");
        bar.update(9, "");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("] 0/2").contains("] 2/2");
    }

    @Test
    void refusesAnEmptyJob() {
        assertThatThrownBy(() -> new ProgressBar(System.err, "x", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one");
    }
}
