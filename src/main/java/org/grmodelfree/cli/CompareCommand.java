package org.grmodelfree.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.report.Csv;
import org.grmodelfree.report.Json;
import org.grmodelfree.report.Plots;
import org.grmodelfree.report.Series;
import org.grmodelfree.run.Outputs;
import org.grmodelfree.run.SnrRange;
import org.grmodelfree.run.TrainingSession;
import org.grmodelfree.store.ModelFile;
import org.grmodelfree.train.Baseline;
import org.grmodelfree.train.BlerPoint;
import org.grmodelfree.train.Evaluator;
import org.grmodelfree.train.GradientStudy;
import org.grmodelfree.train.Method;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code modelfree compare}: the paper's comparison of alternating (model-free) and supervised
 * (model-aware) training with the paper's plain recipe, averaged over seeds; or, with
 * {@code --gradient}, the accuracy of the policy-gradient estimate itself.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reproduce the paper's comparison: learning curves averaged over seeds (mean and one standard "
                + "deviation), alternating vs supervised, AWGN and RBF, and BLER vs SNR after training.",
            "With --gradient: cosine similarity and relative error of the policy-gradient estimate against the true "
                + "gradient, as functions of s^2 and batch size."})
final class CompareCommand implements Callable<Integer> {

    /**
     * Iterations of the system the gradient study trains when no model is given: far enough that
     * the codebook is structured (BLER near 1e-2), not so far that the true gradient vanishes.
     */
    static final int STUDY_ITERATIONS = 300;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--seeds", defaultValue = "20", description = "seeds per method and channel (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--iterations", defaultValue = "500", description = "iterations per run (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--channels", defaultValue = "awgn,rbf", split = ",", description = "channels (default: ${DEFAULT-VALUE})")
    List<String> channels;

    @Option(names = "--eval-every", defaultValue = "10", description = "iterations between BLER estimates (default: ${DEFAULT-VALUE})")
    int evalEvery;

    @Option(names = "--eval-messages", defaultValue = "10000", description = "messages per estimate (default: ${DEFAULT-VALUE})")
    int evalMessages;

    @Option(names = "--max-messages", defaultValue = "300000", description = "message cap per point of the final BLER curves (default: ${DEFAULT-VALUE})")
    long maxMessages;

    @Option(names = "--out", defaultValue = "out/compare", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--gradient", description = "study the policy-gradient estimate instead")
    boolean gradient;

    @Option(names = "--model", description = "with --gradient: a trained AWGN model (default: train one, supervised, 300 iterations)")
    Path model;

    @Option(names = "--sigma2-list", defaultValue = "0.001,0.003,0.01,0.02,0.05,0.1,0.2,0.4", split = ",",
            description = "with --gradient: exploration variances (default: ${DEFAULT-VALUE})")
    List<Double> sigma2s;

    @Option(names = "--batches", defaultValue = "64,256,1000,4000", split = ",",
            description = "with --gradient: batch sizes (default: ${DEFAULT-VALUE})")
    List<Integer> batches;

    @Option(names = "--trials", defaultValue = "30", description = "with --gradient: estimates per cell (default: ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--baseline", defaultValue = "none", description = "with --gradient: loss baseline, none or mean (default: ${DEFAULT-VALUE})")
    String baseline;

    @Option(names = "--quiet", description = "no progress output")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (seeds < 1 || iterations < 1 || evalEvery < 1 || evalMessages < 1 || maxMessages < 1 || trials < 2) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--seeds, --iterations, --eval-every, --eval-messages and --max-messages must be positive, --trials at least 2");
        }
        Files.createDirectories(out);
        return gradient ? gradientStudy() : learningCurves();
    }

    private void note(String s) {
        if (!quiet) {
            spec.commandLine().getErr().println(s);
            spec.commandLine().getErr().flush();
        }
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

    private int learningCurves() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("recipe", "paper: Adam 1e-3 fixed, B_R = B_T = 1000, s^2 = 0.02, one step per phase, no baseline");
        summary.put("seeds", seeds);
        summary.put("iterations", iterations);
        int points = iterations / evalEvery;
        for (String chName : channels) {
            ChannelKind ch;
            try {
                ch = ChannelKind.parse(chName.trim());
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            Map<Method, Curves> curves = new LinkedHashMap<>();
            Map<Method, Trainer> firstSeed = new LinkedHashMap<>();
            for (Method m : Method.values()) {
                double[][] bler = new double[seeds][points];
                double[][] loss = new double[seeds][points];
                double[] its = new double[points];
                for (int s = 0; s < seeds; s++) {
                    long r0 = System.nanoTime();
                    TrainConfig c = TrainConfig.paper(ch, m, iterations, s + 1);
                    Trainer t = Trainer.create(c);
                    Evaluator val = new Evaluator(c.seed() + TrainingSession.VALIDATION_SEED, Long.MAX_VALUE,
                            evalMessages, evalMessages, 10_000);
                    double lossSum = 0;
                    for (int k = 0; k < points * evalEvery; k++) {
                        lossSum += t.iterate().rxLoss();
                        if ((k + 1) % evalEvery == 0) {
                            int p = (k + 1) / evalEvery - 1;
                            its[p] = k + 1;
                            bler[s][p] = val.bler(t.transmitter().codebook(), t.receiver(), ch, c.snrDb()).bler();
                            loss[s][p] = lossSum / evalEvery;
                            lossSum = 0;
                        }
                    }
                    if (s == 0) {
                        firstSeed.put(m, t);
                    }
                    note(String.format(Locale.ROOT, "%s %-11s seed %2d/%d: BLER %.2e after %d iterations (%.1f s)",
                            ch.id(), m.id(), s + 1, seeds, bler[s][points - 1], iterations, (System.nanoTime() - r0) / 1e9));
                }
                curves.put(m, Curves.of(its, bler, loss));
            }
            summary.put(ch.id(), channelResult(ch, curves, firstSeed, o));
        }
        summary.put("seconds", (System.nanoTime() - t0) / 1e9);
        Json.write(out.resolve("compare.json"), summary);
        o.println("wrote " + out.toAbsolutePath().normalize() + "/{compare.json, compare_learning_*.csv/png, compare_bler_*.csv/png}");
        o.flush();
        return 0;
    }

    private Map<String, Object> channelResult(ChannelKind ch, Map<Method, Curves> curves, Map<Method, Trainer> firstSeed,
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
        Map<Method, List<BlerPoint>> after = new LinkedHashMap<>();
        for (Map.Entry<Method, Trainer> e : firstSeed.entrySet()) {
            Evaluator ev = new Evaluator(77, 100, Outputs.CURVE_MIN_MESSAGES, Math.max(Outputs.CURVE_MIN_MESSAGES, maxMessages), 10_000);
            List<BlerPoint> pts = new ArrayList<>();
            for (double s : snrs) {
                pts.add(ev.bler(e.getValue().transmitter().codebook(), e.getValue().receiver(), ch, s));
            }
            after.put(e.getKey(), pts);
            double[] x = new double[pts.size()];
            double[] y = new double[pts.size()];
            double[] lo = new double[pts.size()];
            double[] hi = new double[pts.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = pts.get(i).snrDb();
                y[i] = pts.get(i).bler();
                lo[i] = pts.get(i).ciLow();
                hi[i] = pts.get(i).ciHigh();
            }
            blerSeries.add(new Series(e.getKey().id() + " (seed 1, " + iterations + " iterations)", x, y, lo, hi, false));
        }
        double[] ref = new double[snrs.length];
        for (int i = 0; i < snrs.length; i++) {
            ref[i] = Outputs.reference(ch, snrs[i]);
            List<Double> r = new ArrayList<>(List.of(snrs[i]));
            for (List<BlerPoint> pts : after.values()) {
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

    private void plotSpace(List<GradientStudy.Cell> cells, int[] bs, double[] ss, boolean codebook, String tag,
                           String what) throws java.io.IOException {
        List<Series> cos = new ArrayList<>();
        List<Series> rel = new ArrayList<>();
        List<Series> avg = new ArrayList<>();
        for (int bb : bs) {
            double[] cm = new double[ss.length];
            double[] cl = new double[ss.length];
            double[] ch = new double[ss.length];
            double[] rm = new double[ss.length];
            double[] ac = new double[ss.length];
            for (GradientStudy.Cell c : cells) {
                GradientStudy.Stats st = codebook ? c.codebook() : c.params();
                for (int i = 0; i < ss.length; i++) {
                    if (c.batch() == bb && ss[i] == c.sigma2()) {
                        cm[i] = st.cosineMean();
                        cl[i] = st.cosineMean() - st.cosineStd();
                        ch[i] = st.cosineMean() + st.cosineStd();
                        rm[i] = st.relErrorMean();
                        ac[i] = st.averagedCosine();
                    }
                }
            }
            cos.add(new Series("B = " + bb, ss, cm, cl, ch, false));
            rel.add(Series.line("B = " + bb, ss, rm));
            avg.add(Series.line("B = " + bb + " x " + trials + " estimates", ss, ac));
        }
        Plots.lines(out.resolve("gradient_" + tag + "_cosine.png"),
                "Cosine to the true gradient, " + what + " (mean +- std)",
                "exploration variance s^2", "cosine similarity", true, false, cos);
        Plots.lines(out.resolve("gradient_" + tag + "_relerr.png"),
                "Relative error of the policy gradient, " + what,
                "exploration variance s^2", "|g_pg - g| / |g|", true, true, rel);
        Plots.lines(out.resolve("gradient_" + tag + "_bias.png"),
                "Cosine of averaged estimates, " + what + " (bias)",
                "exploration variance s^2", "cosine similarity", true, false, avg);
    }

    /** {alternating, supervised} in that order (Map.of has no defined order, so compare.json would vary). */
    private static Map<String, Object> byMethod(double alternating, double supervised) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("alternating", alternating);
        m.put("supervised", supervised);
        return m;
    }

    private int gradientStudy() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        Baseline b;
        try {
            b = Baseline.parse(baseline);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        for (double s2 : sigma2s) {
            if (!(s2 > 0 && s2 < 1)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--sigma2-list values must lie in (0, 1), got " + s2);
            }
        }
        for (int bb : batches) {
            if (bb < 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--batches must be positive, got " + bb);
            }
        }
        Trainer t;
        if (model != null) {
            t = ModelFile.restore(ModelFile.load(model));
            if (t.config().channel() != ChannelKind.AWGN) {
                throw new IllegalArgumentException("--gradient needs an AWGN model (its channel is differentiable); "
                        + model + " is " + t.config().channel().id());
            }
        } else {
            note("training an AWGN system (supervised, " + STUDY_ITERATIONS + " iterations) to study the gradient on");
            TrainConfig c = TrainConfig.builder(ChannelKind.AWGN).snrDb(10).method(Method.SUPERVISED).messages(256)
                    .symbols(4).hidden(256).iterations(STUDY_ITERATIONS).batch(1000).rxSteps(1).txSteps(1).lrRx(1e-3)
                    .lrTx(1e-3).lrFinalFactor(1).sigma2(0.02).sigma2Final(0.02).baseline(Baseline.NONE)
                    .fineTuneSteps(0).seed(1).evalEvery(0).evalMessages(1).patience(0).build();
            t = Trainer.create(c);
            for (int i = 0; i < c.iterations(); i++) {
                t.iterate();
            }
        }
        double snr = t.config().snrDb();
        GradientStudy study = new GradientStudy(t.transmitter(), t.receiver(), ChannelKind.AWGN.at(snr), 4242);
        note("true gradient: back-propagation through the channel over 200000 messages");
        GradientStudy.Truth truth = study.trueGradient(200_000, 10_000);
        int[] bs = batches.stream().mapToInt(Integer::intValue).toArray();
        double[] ss = Outputs.unbox(sigma2s);
        List<GradientStudy.Cell> cells = new ArrayList<>();
        for (int bb : bs) {
            for (double s2 : ss) {
                GradientStudy.Cell cell = study.measure(truth, s2, bb, trials, b);
                cells.add(cell);
                note(String.format(Locale.ROOT, "s^2 %.3f B %5d: codebook cosine %.3f +- %.3f, parameter cosine %.3f +- %.3f",
                        s2, bb, cell.codebook().cosineMean(), cell.codebook().cosineStd(), cell.params().cosineMean(),
                        cell.params().cosineStd()));
            }
        }
        List<double[]> rows = new ArrayList<>();
        for (GradientStudy.Cell c : cells) {
            GradientStudy.Stats p = c.params();
            GradientStudy.Stats k = c.codebook();
            rows.add(new double[] {c.sigma2(), c.batch(), c.trials(), k.cosineMean(), k.cosineStd(), k.relErrorMean(),
                k.relErrorStd(), k.averagedCosine(), p.cosineMean(), p.cosineStd(), p.relErrorMean(), p.relErrorStd(),
                p.averagedCosine()});
        }
        Csv.write(out.resolve("gradient.csv"), List.of("sigma2", "batch", "trials", "codebook_cosine_mean",
                "codebook_cosine_std", "codebook_rel_error_mean", "codebook_rel_error_std", "codebook_averaged_cosine",
                "param_cosine_mean", "param_cosine_std", "param_rel_error_mean", "param_rel_error_std",
                "param_averaged_cosine"), rows);
        plotSpace(cells, bs, ss, true, "codebook", "codebook space");
        plotSpace(cells, bs, ss, false, "params", "parameter space");
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", model == null ? "trained: supervised, AWGN 10 dB, " + STUDY_ITERATIONS + " iterations"
                : model.toString());
        summary.put("baseline", b.id());
        summary.put("trials", trials);
        List<Map<String, Object>> list = new ArrayList<>();
        for (GradientStudy.Cell c : cells) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sigma2", c.sigma2());
            m.put("batch", c.batch());
            m.put("codebook", c.codebook());
            m.put("params", c.params());
            list.add(m);
        }
        summary.put("cells", list);
        Json.write(out.resolve("gradient.json"), summary);
        o.printf(Locale.ROOT, "%8s %6s | %-36s | %-36s%n", "", "", "codebook space (dL/dx)", "parameter space");
        o.printf(Locale.ROOT, "%8s %6s | %13s %10s %11s | %13s %10s %11s%n", "sigma2", "batch", "cosine", "rel_error",
                "avg_cosine", "cosine", "rel_error", "avg_cosine");
        for (GradientStudy.Cell c : cells) {
            GradientStudy.Stats k = c.codebook();
            GradientStudy.Stats p = c.params();
            o.printf(Locale.ROOT, "%8.3f %6d | %6.3f+-%5.3f %10.3f %11.3f | %6.3f+-%5.3f %10.3f %11.3f%n", c.sigma2(),
                    c.batch(), k.cosineMean(), k.cosineStd(), k.relErrorMean(), k.averagedCosine(), p.cosineMean(),
                    p.cosineStd(), p.relErrorMean(), p.averagedCosine());
        }
        o.println("wrote " + out.toAbsolutePath().normalize()
                + "/{gradient.csv, gradient.json, gradient_{codebook,params}_{cosine,relerr,bias}.png}");
        o.flush();
        return 0;
    }
}
