package dev.arpg.core.console;

import java.io.PrintStream;

/**
 * A one-line text progress bar for long jobs ({@code label [#####.....] done/total detail}), redrawn
 * in place with a carriage return and ended with a newline once the work is done. Meant for
 * {@code System.err}, so that standard output keeps only results.
 */
public final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private final long total;
    private boolean finished;

    /**
     * Creates a bar; nothing is drawn before the first {@link #update}.
     *
     * @param out where the bar is drawn
     * @param label what the work is, e.g. {@code tokenizing}
     * @param total units of work, at least 1
     * @throws IllegalArgumentException if {@code total < 1}
     */
    public ProgressBar(PrintStream out, String label, long total) {
        if (total < 1) {
            throw new IllegalArgumentException("a progress bar needs at least one unit of work, got " + total);
        }
        this.out = out;
        this.label = label;
        this.total = total;
    }

    /**
     * Redraws the bar.
     *
     * @param done units done so far, clamped to {@code [0, total]}; reaching {@code total} ends the line
     * @param detail text after the counts (e.g. a loss), may be empty
     */
    public void update(long done, String detail) {
        if (finished) {
            return;
        }
        long clamped = Math.max(0, Math.min(done, total));
        int filled = (int) (WIDTH * clamped / total);
        out.print("\r" + label + " [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + clamped + "/" + total
                + (detail.isEmpty() ? "" : " " + detail));
        if (clamped == total) {
            out.println();
            finished = true;
        }
        out.flush();
    }
}
