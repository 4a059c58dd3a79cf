package org.grmodelfree.run;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress on standard error: a line rewritten in place about once a second on a terminal, or a
 * plain line every tenth of the run otherwise (logs, CI).
 */
public final class Progress {
    private final PrintWriter err;
    private final boolean terminal;
    private final boolean quiet;
    private final long start = System.nanoTime();
    private long last;
    private int lastDecile = -1;

    public Progress(PrintWriter err, boolean quiet) {
        this.err = err;
        this.quiet = quiet;
        this.terminal = System.console() != null;
    }

    public void update(int done, int total, int startedAt, double rxLoss, double txLoss, double bler, boolean force) {
        if (quiet) {
            return;
        }
        long now = System.nanoTime();
        int decile = total == 0 ? 10 : (int) (10L * done / total);
        boolean due = terminal ? now - last > 1_000_000_000L : decile != lastDecile;
        if (!due && !force) {
            return;
        }
        last = now;
        lastDecile = decile;
        double elapsed = (now - start) / 1e9;
        int ran = done - startedAt;
        double left = ran >= 20 ? elapsed / ran * (total - done) : Double.NaN;
        String line = String.format(Locale.ROOT, "iteration %d/%d  rx loss %.4f  tx loss %s  BLER~%s  %s left",
                done, total, rxLoss, Double.isNaN(txLoss) ? "-" : String.format(Locale.ROOT, "%.4f", txLoss),
                Double.isNaN(bler) ? "-" : String.format(Locale.ROOT, "%.2e", bler), duration(left));
        if (terminal) {
            err.print("\r" + line + "   ");
        } else {
            err.println(line);
        }
        err.flush();
    }

    public void message(String s) {
        if (quiet) {
            return;
        }
        if (terminal) {
            err.print("\r");
        }
        err.println(s);
        err.flush();
    }

    public void end() {
        if (!quiet && terminal) {
            err.println();
        }
    }

    public static String duration(double seconds) {
        if (Double.isNaN(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
