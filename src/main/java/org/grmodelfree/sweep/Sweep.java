package org.grmodelfree.sweep;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep's run: skips the cells whose results are on disk, runs the others on Spark (writing each
 * result as it arrives), and returns every cell's result in the cells' order.
 */
public final class Sweep {

    /**
     * Where the cells run.
     *
     * @param master Spark master URL, or null: spark-submit's, else local mode in this JVM
     * @param retries attempts after the first for a cell that throws
     * @param parallelism cells at once (local mode: task threads; a cluster: cores taken), 0 = all cores
     * @param jars jars the executors of a cluster need (this program's), empty in local mode
     * @param conf further Spark settings
     */
    public record Settings(String master, int retries, int parallelism, List<String> jars, Map<String, String> conf) {
        public Settings {
            if (retries < 0 || parallelism < 0) {
                throw new IllegalArgumentException("retries and parallelism must not be negative");
            }
            jars = List.copyOf(jars);
            conf = Map.copyOf(conf);
        }

        public static Settings local() {
            return new Settings(null, 2, 0, List.of(), Map.of());
        }
    }

    /** Every cell's result in the cells' order, and what this run did. */
    public record Outcome(List<CellResult> results, int skipped, int ran, int failed, double seconds) {
    }

    private Sweep() {
    }

    /**
     * Runs the cells into {@code out/cells}.
     *
     * @throws IllegalArgumentException if two cells compute the same thing (their axes are named)
     */
    public static Outcome run(List<Cell> cells, Path out, Settings settings, CellTask task, PrintWriter err,
                              boolean quiet) throws IOException, InterruptedException {
        Map<String, Cell> byKey = new HashMap<>();
        for (Cell c : cells) {
            Cell twin = byKey.putIfAbsent(c.key(), c);
            if (twin != null) {
                throw new IllegalArgumentException("cells {" + twin.label() + "} and {" + c.label()
                        + "} are the same run: make an axis change the training");
            }
        }
        ResultStore store = new ResultStore(out.resolve("cells"));
        Map<String, CellResult> results = new LinkedHashMap<>();
        List<Cell> todo = new ArrayList<>();
        for (Cell c : cells) {
            CellResult r = store.finished(c.key());
            if (r != null) {
                // the file may come from a grid that named the cell otherwise (an axis added since)
                results.put(c.key(), r.withAxes(c.axes()));
            } else {
                todo.add(c);
            }
        }
        int skipped = cells.size() - todo.size();
        SweepProgress progress = new SweepProgress(err, quiet, cells.size(), skipped);
        if (skipped > 0) {
            progress.message(skipped + " of " + cells.size() + " cells already have results in " + store.dir()
                    + ": running the other " + todo.size());
        }
        SparkSweep.Counts counts = new SparkSweep.Counts();
        int[] ran = {0};
        int[] failed = {0};
        long t0 = System.nanoTime();
        try {
            SparkSweep.run(todo, task, settings, r -> {
                        try {
                            store.write(r);
                        } catch (IOException e) {
                            throw new UncheckedIOException("could not write the result of a cell to "
                                    + store.file(r.key()) + ": " + e.getMessage(), e);
                        }
                        results.put(r.key(), r);
                        ran[0]++;
                        if (!r.done()) {
                            failed[0]++;
                            progress.message("cell " + Cell.label(r.axes(), r.key()) + " failed after " + r.attempts() + " attempts: "
                                    + r.error().lines().findFirst().orElse(""));
                        }
                        progress.update(ran[0], failed[0], counts.running.get(), counts.retried.get(), true);
                    }, counts, () -> progress.update(ran[0], failed[0], counts.running.get(), counts.retried.get(),
                    false));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            progress.end();
        }
        List<CellResult> ordered = new ArrayList<>();
        for (Cell c : cells) {
            ordered.add(results.get(c.key()));
        }
        return new Outcome(ordered, skipped, ran[0], failed[0], (System.nanoTime() - t0) / 1e9);
    }

}
