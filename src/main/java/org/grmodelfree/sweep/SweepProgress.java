package org.grmodelfree.sweep;

import java.io.PrintWriter;
import java.util.Locale;
import org.grmodelfree.run.Progress;

/**
 * The sweep's progress line on standard error: cells done (of all, counting those a rerun
 * skipped), running, failed and retried, and the time left at the pace of this run. Rewritten in
 * place about once a second on a terminal; otherwise a line whenever a cell ends, at most one every
 * 10 s, and every minute while nothing ends.
 */
final class SweepProgress {
    private final PrintWriter err;
    private final boolean quiet;
    private final boolean terminal;
    private final int total;
    private final int skipped;
    private final long start = System.nanoTime();
    private long last;
    private String lastLine = "";

    SweepProgress(PrintWriter err, boolean quiet, int total, int skipped) {
        this.err = err;
        this.quiet = quiet;
        this.terminal = System.console() != null;
        this.total = total;
        this.skipped = skipped;
    }

    static String line(int done, int total, int running, int failed, int retried, int ranHere, int toRunHere,
                       double elapsedSeconds) {
        double left = ranHere > 0 ? elapsedSeconds / ranHere * (toRunHere - ranHere) : Double.NaN;
        return String.format(Locale.ROOT, "cells %d/%d done, %d running, %d failed, %d retried, %s left", done, total,
                running, failed, retried, Progress.duration(left));
    }

    void update(int ranHere, int failed, int running, int retried, boolean force) {
        if (quiet) {
            return;
        }
        long now = System.nanoTime();
        String l = line(skipped + ranHere, total, running, failed, retried, ranHere, total - skipped,
                (now - start) / 1e9);
        boolean changed = !l.substring(0, l.indexOf(" running")).equals(lastLine);
        boolean due = terminal ? now - last > 1_000_000_000L
                : (changed && now - last > 10_000_000_000L) || now - last > 60_000_000_000L;
        if (!due && !force) {
            return;
        }
        last = now;
        lastLine = l.substring(0, l.indexOf(" running"));
        if (terminal) {
            err.print("\r" + l + "   ");
        } else {
            err.println(l);
        }
        err.flush();
    }

    void message(String s) {
        if (quiet) {
            return;
        }
        err.print(terminal ? "\r" : "");
        err.println(s);
        err.flush();
    }

    void end() {
        if (!quiet && terminal) {
            err.println();
            err.flush();
        }
    }
}
