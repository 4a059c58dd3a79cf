package org.grmodelfree.experiments;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.report.Csv;
import org.grmodelfree.report.Json;
import org.grmodelfree.report.Plots;
import org.grmodelfree.report.Series;
import org.grmodelfree.run.Outputs;
import org.grmodelfree.run.SnrRange;
import org.grmodelfree.train.BlerPoint;
import org.grmodelfree.train.Method;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.sweep.Cell;
import org.grmodelfree.sweep.CellResult;
import org.grmodelfree.sweep.CellTask;
import org.grmodelfree.sweep.Measure;
import org.grmodelfree.sweep.Sweep;
import org.grmodelfree.sweep.SweepReport;
import org.grmodelfree.sweep.SweepRun;

/**
 * The paper's comparison of alternating (model-free) and supervised (model-aware) training with the
 * paper's plain recipe: learning curves averaged over seeds (mean and one standard deviation) on each
 * channel, and BLER vs SNR after training; {@code modelfree compare} without {@code --gradient}.
 */
public final class MethodComparison {

    /** A channel name the command line should report as bad usage. */
    public static final class UsageException extends IllegalArgumentException {
        UsageException(String message) {
            super(message);
        }
    }

    private final int seeds;
    private final int iterations;
    private final List<String> channels;
    private final int evalEvery;
    private final int evalMessages;
    private final long maxMessages;
    private final Path out;
    private final PrintWriter stdout;
    private final PrintWriter err;
    private final boolean quiet;
    private final Sweep.Settings settings;

    /**
     * @param seeds seeds per method and channel
     * @param iterations iterations per run
     * @param channels channel names (awgn, rbf), in order
     * @param evalEvery iterations between BLER estimates
     * @param evalMessages messages per estimate
     * @param maxMessages message cap per point of the final BLER curves
     * @param out the output folder (it exists)
     * @param stdout where the findings go
     * @param err where the sweep's progress goes unless quiet
     * @param settings where the runs go (Spark: local mode or a cluster)
     */
    public MethodComparison(int seeds, int iterations, List<String> channels, int evalEvery, int evalMessages,
                            long maxMessages, Path out, PrintWriter stdout, PrintWriter err, boolean quiet,
                            Sweep.Settings settings) {
        this.seeds = seeds;
        this.iterations = iterations;
        this.channels = List.copyOf(channels);
        this.evalEvery = evalEvery;
        this.evalMessages = evalMessages;
        this.maxMessages = maxMessages;
        this.out = out;
        this.stdout = stdout;
        this.err = err;
        this.quiet = quiet;
        this.settings = settings;
    }

    /**
     * Per-seed BLER and loss at each evaluation point, with their mean and standard deviation over
     * seeds, computed once by {@link #of}.
     */
    record Curves(double[] iterations, double[][] bler, double[][] loss, double[] blerMean, double[] blerStd,
                  double[] lossMean, double[] lossStd) {

        static Curves of(double[] iterations, double[][] bler, double[][] loss) {
            return new Curves(iterations, bler, loss, mean(bler), std(bler), mean(loss), std(loss));
        }

        static double[] mean(double[][] v) {
            double[] m = new double[v[0].length];
            for (double[] row : v) {
                for (int i = 0; i < m.length; i++) {
                    m[i] += row[i] / v.length;
                }
            }
            return m;
        }

        static double[] std(double[][] v) {
            double[] m = mean(v);
            double[] s = new double[m.length];
            if (v.length < 2) {
                return s;
            }
            for (double[] row : v) {
                for (int i = 0; i < m.length; i++) {
                    s[i] += (row[i] - m[i]) * (row[i] - m[i]) / (v.length - 1);
                }
            }
            for (int i = 0; i < s.length; i++) {
                s[i] = Math.sqrt(s[i]);
            }
            return s;
        }

        /** Mean over evaluation points of log10 of the mean BLER: lower means faster convergence. */
        double meanLogBler() {
            double s = 0;
            for (double v : blerMean) {
                s += Math.log10(Math.max(v, 1e-7));
            }
            return s / blerMean.length;
        }

        /** Mean over evaluation points of the across-seed standard deviation of log10 BLER. */
        double spread() {
            double[][] logs = new double[bler.length][];
            for (int k = 0; k < bler.length; k++) {
                logs[k] = new double[bler[k].length];
                for (int i = 0; i < logs[k].length; i++) {
                    logs[k][i] = Math.log10(Math.max(bler[k][i], 1e-7));
                }
            }
            double[] s = std(logs);
            double t = 0;
            for (double v : s) {
                t += v;
            }
            return t / s.length;
        }
    }

    /**
     * Trains every seed of both methods on each channel as the cells of a sweep (into out/cells, so
     * a rerun skips the finished ones), writes compare.json and the per-channel CSVs and plots into
     * out, prints the findings and returns 0 (1 when a cell failed every attempt).
     *
     * @throws UsageException naming a channel that is not awgn or rbf
     */
    public int run() throws Exception {
        PrintWriter o = stdout;
        long t0 = System.nanoTime();
        List<ChannelKind> kinds = new ArrayList<>();
        for (String chName : channels) {
            try {
                kinds.add(ChannelKind.parse(chName.trim()));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        List<Cell> cells = new ArrayList<>();
        for (ChannelKind ch : kinds) {
            double[] snrs = SnrRange.parse(SnrRange.defaultCurve(ch));
            for (Method m : Method.values()) {
                for (int s = 0; s < seeds; s++) {
                    TrainConfig c = TrainConfig.paper(ch, m, iterations, s + 1).toBuilder().evalEvery(evalEvery)
                            .evalMessages(evalMessages).build();
                    LinkedHashMap<String, String> axes = new LinkedHashMap<>();
                    axes.put("channel", ch.id());
                    axes.put("method", m.id());
                    axes.put(SweepReport.SEED, Integer.toString(s + 1));
                    // the first seed's model is also measured at every SNR of the channel's curve
                    cells.add(Cell.of(axes, c, new Measure(s == 0 ? snrs : new double[0], 0, maxMessages)));
                }
            }
        }
        Sweep.Outcome outcome = Sweep.run(cells, out, settings, CellTask.TRAIN, err, quiet);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("recipe", "paper: Adam 1e-3 fixed, B_R = B_T = 1000, s^2 = 0.02, one step per phase, no baseline");
        summary.put("seeds", seeds);
        summary.put("iterations", iterations);
        int k = 0;
        for (ChannelKind ch : kinds) {
            Map<Method, Curves> curves = new LinkedHashMap<>();
            Map<Method, CellResult> firstSeed = new LinkedHashMap<>();
            for (Method m : Method.values()) {
                List<CellResult> runs = outcome.results().subList(k, k + seeds);
                k += seeds;
                if (runs.stream().anyMatch(r -> !r.done())) {
                    SweepRun.printSummary(o, outcome, out);
                    return 1;
                }
                int points = runs.get(0).curve().size();
                double[] its = new double[points];
                double[][] bler = new double[seeds][points];
                double[][] loss = new double[seeds][points];
                for (int s = 0; s < seeds; s++) {
                    for (int p = 0; p < points; p++) {
                        CellResult.CurvePoint cp = runs.get(s).curve().get(p);
                        its[p] = cp.iteration();
                        bler[s][p] = cp.bler();
                        loss[s][p] = cp.rxLoss();
                    }
                }
                curves.put(m, Curves.of(its, bler, loss));
                firstSeed.put(m, runs.get(0));
            }
            summary.put(ch.id(), channelResult(ch, curves, firstSeed, o));
        }
        summary.put("seconds", (System.nanoTime() - t0) / 1e9);
        summary.put("cells_run_now", outcome.ran());
        summary.put("cells_from_earlier_runs", outcome.skipped());
        Json.write(out.resolve("compare.json"), summary);
        o.println("wrote " + out.toAbsolutePath().normalize() + "/{compare.json, compare_learning_*.csv/png, compare_bler_*.csv/png,"
                + " cells/}");
        o.flush();
        return 0;
    }

    private Map<String, Object> channelResult(ChannelKind ch, Map<Method, Curves> curves, Map<Method, CellResult> firstSeed,
                                              PrintWriter o) throws Exception {
        Curves alt = curves.get(Method.ALTERNATING);
        Curves sup = curves.get(Method.SUPERVISED);
        List<String> header = new ArrayList<>(List.of("iteration"));
        List<Series> series = new ArrayList<>();
        for (Map.Entry<Method, Curves> e : curves.entrySet()) {
            String n = e.getKey().id();
            header.addAll(List.of(n + "_bler_mean", n + "_bler_std", n + "_loss_mean", n + "_loss_std"));
            Curves c = e.getValue();
            double[] mean = c.blerMean();
            double[] std = c.blerStd();
            double[] lo = new double[mean.length];
            double[] hi = new double[mean.length];
            for (int i = 0; i < mean.length; i++) {
                lo[i] = mean[i] - std[i];
                hi[i] = mean[i] + std[i];
            }
            series.add(Series.band(n, c.iterations(), mean, lo, hi));
        }
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < alt.iterations().length; i++) {
            List<Double> r = new ArrayList<>(List.of(alt.iterations()[i]));
            for (Curves c : curves.values()) {
                r.add(c.blerMean()[i]);
                r.add(c.blerStd()[i]);
                r.add(c.lossMean()[i]);
                r.add(c.lossStd()[i]);
            }
            rows.add(Outputs.unbox(r));
        }
        String up = ch.id().toUpperCase(Locale.ROOT);
        Csv.write(out.resolve("compare_learning_" + ch.id() + ".csv"), header, rows);
        Plots.learningCurves(out.resolve("compare_learning_" + ch.id() + ".png"),
                String.format(Locale.ROOT, "%s at %.0f dB: BLER during training, mean and one std over %d seeds", up,
                        TrainConfig.paper(ch, Method.ALTERNATING, 1, 1).snrDb(), seeds),
                "iteration", "BLER", true, series);

        double[] snrs = SnrRange.parse(SnrRange.defaultCurve(ch));
        List<Series> blerSeries = new ArrayList<>();
        List<double[]> blerRows = new ArrayList<>();
        Map<Method, List<CellResult.SnrPoint>> after = new LinkedHashMap<>();
        for (Map.Entry<Method, CellResult> e : firstSeed.entrySet()) {
            List<CellResult.SnrPoint> pts = e.getValue().snrCurve();
            after.put(e.getKey(), pts);
            double[] x = new double[pts.size()];
            double[] y = new double[pts.size()];
            double[] lo = new double[pts.size()];
            double[] hi = new double[pts.size()];
            for (int i = 0; i < x.length; i++) {
                BlerPoint p = BlerPoint.of(pts.get(i).snrDb(), pts.get(i).errors(), pts.get(i).messages());
                x[i] = p.snrDb();
                y[i] = p.bler();
                lo[i] = p.ciLow();
                hi[i] = p.ciHigh();
            }
            blerSeries.add(new Series(e.getKey().id() + " (seed 1, " + iterations + " iterations)", x, y, lo, hi, false));
        }
        double[] ref = new double[snrs.length];
        for (int i = 0; i < snrs.length; i++) {
            ref[i] = Outputs.reference(ch, snrs[i]);
            List<Double> r = new ArrayList<>(List.of(snrs[i]));
            for (List<CellResult.SnrPoint> pts : after.values()) {
                r.add(pts.get(i).bler());
                r.add((double) pts.get(i).errors());
                r.add((double) pts.get(i).messages());
            }
            r.add(ref[i]);
            blerRows.add(Outputs.unbox(r));
        }
        blerSeries.add(Series.dashed(ch == ChannelKind.AWGN ? "uncoded QPSK" : "uncoded QPSK, perfect CSI", snrs, ref));
        List<String> bh = new ArrayList<>(List.of("snr_db"));
        for (Method m : after.keySet()) {
            bh.addAll(List.of(m.id() + "_bler", m.id() + "_errors", m.id() + "_messages"));
        }
        bh.add("qpsk_bler");
        Csv.write(out.resolve("compare_bler_" + ch.id() + ".csv"), bh, blerRows);
        Plots.blerVsSnr(out.resolve("compare_bler_" + ch.id() + ".png"), up + ": BLER after training (paper recipe)", blerSeries);

        Map<String, Object> r = new LinkedHashMap<>();
        double altSpeed = alt.meanLogBler();
        double supSpeed = sup.meanLogBler();
        double altSpread = alt.spread();
        double supSpread = sup.spread();
        int last = alt.iterations().length - 1;
        r.put("final_bler_mean", byMethod(alt.blerMean()[last], sup.blerMean()[last]));
        r.put("final_bler_std", byMethod(alt.blerStd()[last], sup.blerStd()[last]));
        r.put("mean_log10_bler_over_run", byMethod(altSpeed, supSpeed));
        r.put("mean_std_log10_bler_across_seeds", byMethod(altSpread, supSpread));
        boolean supFaster = supSpeed < altSpeed;
        r.put("faster", supFaster ? "supervised" : "alternating");
        r.put("less_spread", altSpread < supSpread ? "alternating" : "supervised");
        String claim = ch == ChannelKind.AWGN
                ? "paper: supervised converges faster on AWGN -> " + (supFaster ? "holds here" : "does not hold here")
                : "paper: alternating converges faster on RBF with less spread -> "
                    + (!supFaster ? "faster: holds" : "faster: does not hold") + ", "
                    + (altSpread < supSpread ? "less spread: holds" : "less spread: does not hold");
        r.put("paper_claim", claim);
        o.printf(Locale.ROOT, "%s (%d seeds, %d iterations): final mean BLER alternating %.2e +- %.1e, supervised %.2e +- %.1e%n",
                up, seeds, iterations, alt.blerMean()[last], alt.blerStd()[last],
                sup.blerMean()[last], sup.blerStd()[last]);
        o.printf(Locale.ROOT, "  mean log10 BLER over the run (lower = faster): alternating %.3f, supervised %.3f%n", altSpeed, supSpeed);
        o.printf(Locale.ROOT, "  spread across seeds (mean std of log10 BLER): alternating %.3f, supervised %.3f%n", altSpread, supSpread);
        o.println("  " + claim);
        o.flush();
        return r;
    }

    /** {alternating, supervised} in that order (Map.of has no defined order, so compare.json would vary). */
    private static Map<String, Object> byMethod(double alternating, double supervised) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("alternating", alternating);
        m.put("supervised", supervised);
        return m;
    }
}
