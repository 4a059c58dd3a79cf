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
import org.grmodelfree.run.Progress;
import org.grmodelfree.store.ModelFile;
import org.grmodelfree.train.Baseline;
import org.grmodelfree.train.GradientStudy;
import org.grmodelfree.train.Method;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.Trainer;

/**
 * How well the policy-gradient estimate matches the true gradient: cosine similarity and relative
 * error against back-propagation through the (differentiable) AWGN channel, as functions of the
 * exploration variance s^2 and the batch size; {@code modelfree compare --gradient}.
 */
public final class GradientAccuracy {

    /**
     * Iterations of the system the gradient study trains when no model is given: far enough that
     * the codebook is structured (BLER near 1e-2), not so far that the true gradient vanishes.
     */
    public static final int STUDY_ITERATIONS = 300;

    private final Path model;
    private final List<Double> sigma2s;
    private final List<Integer> batches;
    private final int trials;
    private final Baseline baseline;
    private final Path out;
    private final PrintWriter stdout;
    /** Progress notes on the error stream, unless quiet. */
    private final Progress notes;

    /**
     * @param model a trained AWGN model (null: train one, supervised, {@value #STUDY_ITERATIONS} iterations)
     * @param sigma2s exploration variances, each in (0, 1)
     * @param batches batch sizes, each positive
     * @param trials estimates per cell
     * @param baseline loss baseline of the estimates
     * @param out the output folder (it exists)
     * @param stdout where the table goes
     * @param err where progress notes go unless quiet
     */
    public GradientAccuracy(Path model, List<Double> sigma2s, List<Integer> batches, int trials, Baseline baseline,
                            Path out, PrintWriter stdout, PrintWriter err, boolean quiet) {
        this.model = model;
        this.sigma2s = List.copyOf(sigma2s);
        this.batches = List.copyOf(batches);
        this.trials = trials;
        this.baseline = baseline;
        this.out = out;
        this.stdout = stdout;
        this.notes = new Progress(err, quiet);
    }

    private void note(String s) {
        notes.message(s);
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


    /**
     * Measures every (s^2, batch) cell, writes gradient.csv, gradient.json and the plots into out,
     * prints the table and returns 0.
     */
    public int run() throws Exception {
        PrintWriter o = stdout;
        Baseline b = baseline;
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
