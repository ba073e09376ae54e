package dev.llmc.tools;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr for long work (training epochs, evaluation seeds). On a terminal it redraws in
 * place at most every {@value #REDRAW_MILLIS} ms; otherwise (a log file, a CronJob) it prints a plain line at most
 * every {@value #LOG_MILLIS} ms and at the end, so logs stay readable.
 */
public final class ProgressBar {
    static final long REDRAW_MILLIS = 200;
    static final long LOG_MILLIS = 10_000;
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final String label;
    private final boolean terminal;
    private long lastDrawn = Long.MIN_VALUE;
    private String current = "";

    public ProgressBar(PrintStream err, String label) {
        this(err, label, System.console() != null && err == System.err);
    }

    ProgressBar(PrintStream err, String label, boolean terminal) {
        this.err = err;
        this.label = label;
        this.terminal = terminal;
    }

    /** Shows {@code done} of {@code total} with a detail text; the last update (done == total) is always shown. */
    public synchronized void update(long done, long total, String detail) {
        long now = System.currentTimeMillis();
        boolean last = done >= total;
        if (!last && lastDrawn != Long.MIN_VALUE && now - lastDrawn < (terminal ? REDRAW_MILLIS : LOG_MILLIS)) {
            return;
        }
        lastDrawn = now;
        current = render(label, done, total, detail);
        if (terminal) {
            err.print("\r" + current + "\u001b[K");
            if (last) {
                err.println();
                current = "";
            }
        } else {
            err.println(current);
        }
        err.flush();
    }

    /** Prints a line of its own above the bar (the bar is redrawn below it on a terminal). */
    public synchronized void println(String line) {
        if (terminal && !current.isEmpty()) {
            err.print("\r\u001b[K" + line + System.lineSeparator() + current);
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Ends the bar's line if it is still open. */
    public synchronized void finish() {
        if (terminal && !current.isEmpty()) {
            err.println();
            current = "";
        }
    }

    static String render(String label, long done, long total, String detail) {
        double share = total <= 0 ? 1 : Math.min(1, Math.max(0, (double) done / total));
        int filled = (int) Math.round(share * WIDTH);
        return String.format(Locale.ROOT, "%s [%s%s] %3.0f%%%s", label, "#".repeat(filled), ".".repeat(WIDTH - filled),
                share * 100, detail == null || detail.isEmpty() ? "" : "  " + detail);
    }
}
