package org.grmodelfree.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.grmodelfree.report.AtomicFiles;
import org.grmodelfree.report.Plots;
import org.grmodelfree.report.Series;

/**
 * A sweep's table and plots. A recipe is a cell's axes without its seed; figures over seeds are
 * the mean and the sample standard deviation over a recipe's finished cells.
 *
 * <ul>
 * <li>{@code results.csv}: a row per cell: its axes, status, attempts, where and how long it ran,
 *     its final BLER figures, and a failed cell's error;</li>
 * <li>{@code recipes.csv}: a row per recipe: cells, done, failed, final BLER mean, standard deviation
 *     and standard error, and how fast it converged (each cell's mean log10 BLER over its learning
 *     curve, lower is faster: mean and standard error over seeds);</li>
 * <li>{@code learning_curves.csv} and {@code learning_curves.png}: BLER during training per
 *     recipe, mean and one standard deviation over seeds;</li>
 * <li>{@code bler_vs_snr.csv/.png}: BLER after training at each measured SNR per recipe;</li>
 * <li>{@code final_bler_AXIS.png}: final BLER against each axis that has several values.</li>
 * </ul>
 */
public final class SweepReport {
    /** The axis that repeats a recipe; every other axis defines it. */
    public static final String SEED = "seed";

    private SweepReport() {
    }

    /** The figure a cell ends with: its test BLER if measured, else its last learning-curve BLER, else NaN. */
    public static double finalBler(CellResult r) {
        if (r == null || !r.done()) {
            return Double.NaN;
        }
        if (r.bler() != null) {
            return r.bler();
        }
        return r.curve().isEmpty() ? Double.NaN : r.curve().get(r.curve().size() - 1).bler();
    }

    /** The recipe of a cell: its axes without the seed, as {@code a=x, b=y} ("all" when none). */
    public static String recipe(Map<String, String> axes) {
        StringBuilder b = new StringBuilder();
        axes.forEach((k, v) -> {
            if (!k.equals(SEED)) {
                b.append(b.length() == 0 ? "" : ", ").append(k).append('=').append(v);
            }
        });
        return b.length() == 0 ? "all" : b.toString();
    }

    /** Results grouped by recipe, in the order recipes first appear. */
    public static Map<String, List<CellResult>> byRecipe(List<CellResult> results) {
        Map<String, List<CellResult>> m = new LinkedHashMap<>();
        for (CellResult r : results) {
            m.computeIfAbsent(recipe(r.axes()), k -> new ArrayList<>()).add(r);
        }
        return m;
    }

    /** Mean, sample standard deviation and count of the finite values. */
    public record Stats(double mean, double std, int n) {
        public static Stats of(double[] v) {
            double s = 0;
            int n = 0;
            for (double x : v) {
                if (Double.isFinite(x)) {
                    s += x;
                    n++;
                }
            }
            if (n == 0) {
                return new Stats(Double.NaN, Double.NaN, 0);
            }
            double mean = s / n;
            double q = 0;
            for (double x : v) {
                if (Double.isFinite(x)) {
                    q += (x - mean) * (x - mean);
                }
            }
            return new Stats(mean, n > 1 ? Math.sqrt(q / (n - 1)) : 0, n);
        }
    }

    /** Writes the table and plots into out; the grid's name titles the plots. */
    public static void write(Path out, String name, List<String> axes, List<CellResult> results) throws IOException {
        writeResults(out.resolve("results.csv"), axes, results);
        Map<String, List<CellResult>> recipes = byRecipe(results);
        writeRecipes(out.resolve("recipes.csv"), recipes);
        learningCurves(out, name, recipes);
        blerVsSnr(out, name, recipes);
        for (String axis : axes) {
            if (!axis.equals(SEED)) {
                finalByAxis(out, name, axis, results);
            }
        }
    }

    private static void writeResults(Path file, List<String> axes, List<CellResult> results) throws IOException {
        Set<Double> snrs = new LinkedHashSet<>();
        for (CellResult r : results) {
            r.snrCurve().forEach(p -> snrs.add(p.snrDb()));
        }
        List<String> header = new ArrayList<>(List.of("key"));
        header.addAll(axes);
        header.addAll(List.of("status", "attempts", "executor", "seconds", "train_seconds", "iterations", "stopped_by",
                "final_bler", "bler", "bler_errors", "bler_messages", "bler_min_distance", "last_curve_bler"));
        for (double s : snrs) {
            header.add("bler_at_" + num(s) + "db");
        }
        header.add("error");
        List<List<String>> rows = new ArrayList<>();
        for (CellResult r : results) {
            List<String> row = new ArrayList<>(List.of(r.key()));
            for (String a : axes) {
                row.add(r.axes().getOrDefault(a, ""));
            }
            row.addAll(List.of(r.status(), Integer.toString(r.attempts()), str(r.executor()), num(r.seconds()),
                    num(r.trainSeconds()), Integer.toString(r.iterations()), str(r.stoppedBy()),
                    num(finalBler(r)), num(r.bler()), str(r.blerErrors()), str(r.blerMessages()),
                    num(r.blerMinDistance()),
                    r.curve().isEmpty() ? "" : num(r.curve().get(r.curve().size() - 1).bler())));
            for (double s : snrs) {
                row.add(r.snrCurve().stream().filter(p -> p.snrDb() == s).map(p -> num(p.bler())).findFirst()
                        .orElse(""));
            }
            row.add(str(r.error()));
            rows.add(row);
        }
        writeCsv(file, header, rows);
    }

    /**
     * How fast a cell converged: the mean over its learning-curve points of log10 BLER (floored at
     * 1e-7), lower is faster; NaN without a curve.
     */
    public static double runLog10Bler(CellResult r) {
        if (r == null || !r.done() || r.curve().isEmpty()) {
            return Double.NaN;
        }
        double s = 0;
        for (CellResult.CurvePoint p : r.curve()) {
            s += Math.log10(Math.max(p.bler(), 1e-7));
        }
        return s / r.curve().size();
    }

    private static void writeRecipes(Path file, Map<String, List<CellResult>> recipes) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, List<CellResult>> e : recipes.entrySet()) {
            List<CellResult> cells = e.getValue();
            Stats s = Stats.of(cells.stream().mapToDouble(SweepReport::finalBler).toArray());
            Stats speed = Stats.of(cells.stream().mapToDouble(SweepReport::runLog10Bler).toArray());
            long failed = cells.stream().filter(r -> !r.done()).count();
            rows.add(List.of(e.getKey(), Integer.toString(cells.size()), Long.toString(cells.size() - failed),
                    Long.toString(failed), num(s.mean()), num(s.std()),
                    num(s.n() > 0 ? s.std() / Math.sqrt(s.n()) : Double.NaN), num(speed.mean()),
                    num(speed.n() > 0 ? speed.std() / Math.sqrt(speed.n()) : Double.NaN)));
        }
        writeCsv(file, List.of("recipe", "cells", "done", "failed", "final_bler_mean", "final_bler_std",
                "final_bler_sem", "run_log10_bler_mean", "run_log10_bler_sem"), rows);
    }

    private static void learningCurves(Path out, String name, Map<String, List<CellResult>> recipes)
            throws IOException {
        List<Series> series = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, List<CellResult>> e : recipes.entrySet()) {
            List<CellResult> done = e.getValue().stream().filter(r -> r.done() && !r.curve().isEmpty()).toList();
            if (done.isEmpty()) {
                continue;
            }
            int points = done.stream().mapToInt(r -> r.curve().size()).min().orElse(0);
            double[] x = new double[points];
            Stats[] bler = new Stats[points];
            for (int i = 0; i < points; i++) {
                int p = i;
                x[i] = done.get(0).curve().get(i).iteration();
                bler[i] = Stats.of(done.stream().mapToDouble(r -> r.curve().get(p).bler()).toArray());
                Stats l = Stats.of(done.stream().mapToDouble(r -> r.curve().get(p).rxLoss()).toArray());
                rows.add(List.of(e.getKey(), num(x[i]), num(bler[i].mean()), num(bler[i].std()), num(l.mean()),
                        num(l.std()), Integer.toString(bler[i].n())));
            }
            series.add(band(e.getKey() + " (" + done.size() + ")", x, bler));
        }
        if (series.isEmpty()) {
            return;
        }
        writeCsv(out.resolve("learning_curves.csv"), List.of("recipe", "iteration", "bler_mean", "bler_std",
                "rx_loss_mean", "rx_loss_std", "seeds"), rows);
        Plots.learningCurves(out.resolve("learning_curves.png"), name + ": BLER during training, mean and one std"
                + " over seeds", "iteration", "BLER", true, series);
    }

    private static void blerVsSnr(Path out, String name, Map<String, List<CellResult>> recipes) throws IOException {
        List<Series> series = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, List<CellResult>> e : recipes.entrySet()) {
            List<CellResult> done = e.getValue().stream().filter(r -> r.done() && !r.snrCurve().isEmpty()).toList();
            if (done.isEmpty()) {
                continue;
            }
            List<Double> snrs = done.get(0).snrCurve().stream().map(CellResult.SnrPoint::snrDb).toList();
            double[] x = new double[snrs.size()];
            Stats[] bler = new Stats[snrs.size()];
            for (int i = 0; i < x.length; i++) {
                double s = snrs.get(i);
                x[i] = s;
                bler[i] = Stats.of(done.stream().mapToDouble(r -> r.snrCurve().stream().filter(p -> p.snrDb() == s)
                        .mapToDouble(CellResult.SnrPoint::bler).findFirst().orElse(Double.NaN)).toArray());
                rows.add(List.of(e.getKey(), num(s), num(bler[i].mean()), num(bler[i].std()),
                        Integer.toString(bler[i].n())));
            }
            series.add(band(e.getKey() + " (" + done.size() + ")", x, bler));
        }
        if (series.isEmpty()) {
            return;
        }
        writeCsv(out.resolve("bler_vs_snr.csv"), List.of("recipe", "snr_db", "bler_mean", "bler_std", "cells"), rows);
        Plots.blerVsSnr(out.resolve("bler_vs_snr.png"), name + ": BLER after training, mean and one std over seeds",
                series);
    }

    private static void finalByAxis(Path out, String name, String axis, List<CellResult> results) throws IOException {
        Map<String, List<Double>> byValue = new LinkedHashMap<>();
        for (CellResult r : results) {
            byValue.computeIfAbsent(r.axes().get(axis), k -> new ArrayList<>()).add(finalBler(r));
        }
        if (byValue.size() < 2) {
            return;
        }
        boolean numeric = byValue.keySet().stream().allMatch(SweepReport::isNumber);
        List<Series> series = new ArrayList<>();
        if (numeric) { // a line from the smallest value to the largest, whatever the grid's order
            List<Map.Entry<String, List<Double>>> entries = new ArrayList<>(byValue.entrySet());
            entries.sort(java.util.Comparator.comparingDouble(e -> Double.parseDouble(e.getKey())));
            byValue = new LinkedHashMap<>();
            for (Map.Entry<String, List<Double>> e : entries) {
                byValue.put(e.getKey(), e.getValue());
            }
            double[] x = byValue.keySet().stream().mapToDouble(Double::parseDouble).toArray();
            Stats[] bler = byValue.values().stream()
                    .map(v -> Stats.of(v.stream().mapToDouble(Double::doubleValue).toArray())).toArray(Stats[]::new);
            series.add(band("mean and one std over the other axes", x, bler));
        } else {
            int i = 1;
            for (Map.Entry<String, List<Double>> e : byValue.entrySet()) {
                Stats s = Stats.of(e.getValue().stream().mapToDouble(Double::doubleValue).toArray());
                series.add(new Series(axis + "=" + e.getKey(), new double[] {i}, new double[] {s.mean()},
                        new double[] {s.mean() - s.std()}, new double[] {s.mean() + s.std()}, false));
                i++;
            }
        }
        boolean logX = numeric && byValue.keySet().stream().allMatch(v -> Double.parseDouble(v) > 0)
                && spread(byValue.keySet()) >= 100;
        Plots.lines(out.resolve("final_bler_" + axis.replaceAll("[^A-Za-z0-9_-]", "_") + ".png"),
                name + ": final BLER against " + axis, numeric ? axis : axis + " (value number)", "final BLER",
                logX, true, series);
    }

    /** Mean and a one-standard-deviation band at each x. */
    private static Series band(String name, double[] x, Stats[] s) {
        double[] mean = new double[x.length];
        double[] lo = new double[x.length];
        double[] hi = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            mean[i] = s[i].mean();
            lo[i] = s[i].mean() - s[i].std();
            hi[i] = s[i].mean() + s[i].std();
        }
        return Series.band(name, x, mean, lo, hi);
    }

    private static double spread(Set<String> values) {
        double lo = values.stream().mapToDouble(Double::parseDouble).min().orElse(1);
        double hi = values.stream().mapToDouble(Double::parseDouble).max().orElse(1);
        return hi / lo;
    }

    private static boolean isNumber(String s) {
        try {
            return Double.isFinite(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String num(double v) {
        return Double.isFinite(v) ? (v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.6g", v)) : "";
    }

    private static String num(Double v) {
        return v == null ? "" : num(v.doubleValue());
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }

    /** RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled. */
    static void writeCsv(Path file, List<String> header, List<List<String>> rows) throws IOException {
        StringBuilder b = new StringBuilder();
        line(b, header);
        for (List<String> r : rows) {
            line(b, r);
        }
        AtomicFiles.writeString(file, b.toString());
    }

    private static void line(StringBuilder b, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            String f = fields.get(i);
            if (i > 0) {
                b.append(',');
            }
            if (f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0) {
                b.append('"').append(f.replace("\"", "\"\"")).append('"');
            } else {
                b.append(f);
            }
        }
        b.append('\n');
    }
}
