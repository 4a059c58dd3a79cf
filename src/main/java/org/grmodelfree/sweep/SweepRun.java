package org.grmodelfree.sweep;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.grmodelfree.report.Json;

/**
 * A whole sweep: the cells on Spark ({@link Sweep}), then the table and plots ({@link SweepReport})
 * and {@code sweep.json}, a summary of this run.
 */
public final class SweepRun {
    private SweepRun() {
    }

    /**
     * Runs the cells into out and writes the report.
     *
     * @param name the grid's name (plot titles)
     * @param axes the grid's axes in order (the table's columns)
     * @throws IllegalStateException when Spark's classes are missing (not run through ./modelfree or spark-submit)
     */
    public static Sweep.Outcome run(String name, List<String> axes, List<Cell> cells, Path out, Sweep.Settings settings,
                                    PrintWriter err, boolean quiet) throws IOException, InterruptedException {
        Sweep.Outcome r;
        try {
            r = Sweep.run(cells, out, settings, CellTask.TRAIN, err, quiet);
        } catch (NoClassDefFoundError e) {
            throw sparkMissing(e);
        }
        SweepReport.write(out, name, axes, r.results());
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("grid", name);
        s.put("cells", cells.size());
        s.put("skipped_finished", r.skipped());
        s.put("ran", r.ran());
        s.put("failed", r.failed());
        s.put("seconds", r.seconds());
        s.put("master", settings.master() != null ? settings.master() : System.getProperty("spark.master", "local"));
        Json.write(out.resolve("sweep.json"), s);
        return r;
    }

    /** The error for a JVM without Spark's classes. */
    public static IllegalStateException sparkMissing(NoClassDefFoundError e) {
        return new IllegalStateException("sweeps need Apache Spark's jars on the class path (" + e.getMessage()
                + " is missing): run ./modelfree sweep or compare, which adds them, or spark-submit the jar");
    }

    /** The closing lines: what ran, what failed, where the results are. */
    public static void printSummary(PrintWriter o, Sweep.Outcome r, Path out) {
        o.printf(Locale.ROOT, "%d cells: %d run now in %.1f s, %d had results already, %d failed%n",
                r.results().size(), r.ran(), r.seconds(), r.skipped(), r.failed());
        for (CellResult c : r.results()) {
            if (!c.done()) {
                o.println("  failed: " + Cell.label(c.axes(), c.key()) + ": " + c.error().lines().findFirst().orElse(""));
            }
        }
        o.println("wrote " + out.toAbsolutePath().normalize()
                + "/{results.csv, recipes.csv, learning_curves.csv/png, bler_vs_snr.csv/png, final_bler_*.png, cells/}");
        o.flush();
    }
}
