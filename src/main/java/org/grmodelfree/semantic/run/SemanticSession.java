package org.grmodelfree.semantic.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.grmodelfree.report.Csv;
import org.grmodelfree.report.Json;
import org.grmodelfree.report.Plots;
import org.grmodelfree.report.Series;
import org.grmodelfree.run.Meters;
import org.grmodelfree.run.Progress;
import org.grmodelfree.semantic.data.Dataset;
import org.grmodelfree.semantic.data.SemanticData;
import org.grmodelfree.semantic.model.SemanticConfig;
import org.grmodelfree.semantic.model.SemanticCurve;
import org.grmodelfree.semantic.model.SemanticMethod;
import org.grmodelfree.semantic.model.SemanticTrainer;
import org.grmodelfree.semantic.store.SemanticModelFile;

/**
 * One semantic training run: epochs with a test estimate after each, an atomic checkpoint after
 * each (so {@code --resume} continues exactly), receiver fine-tuning for rl, then the accuracy
 * curve and every output file. Also the comparison plots over several runs.
 */
public final class SemanticSession {
    public static final String MODEL = "semantic-model.msgpack";
    /** Seed of the noise of the per-epoch test estimate (the same draws every epoch). */
    public static final long CURVE_SEED = 0x5EED;
    /** Seed of the noise of the final accuracy curve. */
    public static final long EVAL_SEED = 0xE7A1;

    private SemanticSession() {
    }

    /**
     * Trains (fresh, or resumed from dir/semantic-model.msgpack) and writes the outputs into dir.
     *
     * @param epochsOverride on resume, a new epoch count (null keeps the file's)
     * @return the summary written to summary.json
     */
    public static Map<String, Object> run(SemanticConfig requested, Path dir, boolean resume, Integer epochsOverride,
                                   double[] snrs, Progress progress) throws IOException {
        Files.createDirectories(dir);
        Path model = dir.resolve(MODEL);
        SemanticConfig c = requested;
        SemanticModelFile.Loaded loaded = null;
        if (resume) {
            loaded = SemanticModelFile.load(model);
            c = epochsOverride == null ? loaded.config() : loaded.config().withEpochs(epochsOverride);
        }
        Dataset.Split data = data(c);
        SemanticTrainer t = new SemanticTrainer(c, data.train());
        SemanticCurve curve = new SemanticCurve();
        double seconds0 = 0;
        double cpu0 = 0;
        if (loaded != null) {
            SemanticModelFile.restore(loaded, t);
            curve = loaded.history();
            seconds0 = loaded.trainSeconds();
            cpu0 = loaded.cpuSeconds();
            progress.message(String.format(Locale.ROOT, "resuming %s from epoch %d of %d", model, t.epochsDone(),
                    c.epochs() + c.fineTuneEpochs()));
        }
        progress.message(String.format(Locale.ROOT, "%s on %s: %d training and %d test images, %s extractor,"
                        + " %d + %d epochs, load average %.2f", c.method().id(), c.dataset(), data.train().size(),
                data.test().size(), c.reduced() ? "reduced" : "Table I", c.epochs(), c.fineTuneEpochs(),
                loadAverage()));
        double loadStart = loadAverage();
        long t0 = System.nanoTime();
        double c0 = cpuSeconds();
        int total = c.epochs() + c.fineTuneEpochs();
        double curveHigh = c.method() == SemanticMethod.PERFECT ? Double.POSITIVE_INFINITY : c.snrHighDb();
        double curveLow = c.method() == SemanticMethod.PERFECT ? Double.POSITIVE_INFINITY : c.snrLowDb();
        while (t.epochsDone() < total) {
            boolean fine = t.epochsDone() >= c.epochs();
            SemanticTrainer.EpochStats st = fine ? t.fineTuneEpoch() : t.trainEpoch();
            SemanticTrainer.Accuracy a = t.evaluate(data.test(), curveLow, curveHigh, CURVE_SEED);
            double secs = seconds0 + (System.nanoTime() - t0) / 1e9;
            double cpu = cpu0 + cpuSeconds() - c0;
            curve.add(new SemanticCurve.Point(st.epoch(), secs, cpu, st.rxLoss(), st.txLoss(), st.sigma2(), a.loss(),
                    a.accuracy()));
            SemanticModelFile.save(model, t, secs, cpu, curve);
            progress.message(String.format(Locale.ROOT, "epoch %d/%d%s  rx loss %.4f  tx loss %s  test loss %.4f"
                            + "  test accuracy %.4f  s^2 %.4f  %.1f s", st.epoch(), total, fine ? " (receiver fine-tuning)" : "",
                    st.rxLoss(), Double.isNaN(st.txLoss()) ? "-" : String.format(Locale.ROOT, "%.4f", st.txLoss()),
                    a.loss(), a.accuracy(), st.sigma2(), secs));
        }
        SemanticCurve.Point last = curve.last();
        double trainSeconds = last == null ? 0 : last.seconds();
        double cpuSeconds = last == null ? 0 : last.cpuSeconds();
        return finish(t, data.test(), curve, trainSeconds, cpuSeconds, loadStart, snrs, dir, progress);
    }

    /** Evaluates the trained system and writes summary.json, the CSVs and the plots. */
    public static Map<String, Object> finish(SemanticTrainer t, Dataset test, SemanticCurve curve, double trainSeconds,
                                      double cpuSeconds, double loadStart, double[] snrs, Path dir, Progress progress)
            throws IOException {
        SemanticConfig c = t.config();
        progress.message("evaluating the accuracy at " + snrs.length + " SNRs on " + test.size() + " test images");
        boolean noiseless = c.method() == SemanticMethod.PERFECT;
        double eta = spectralEfficiency(t);
        List<Map<String, Object>> points = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        for (double s : snrs) {
            SemanticTrainer.Accuracy a = t.evaluate(test, noiseless ? Double.POSITIVE_INFINITY : s, EVAL_SEED);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("snr_db", s);
            p.put("snr_normalised_db", s - 10 * Math.log10(eta));
            p.put("accuracy", a.accuracy());
            p.put("error_rate", 1 - a.accuracy());
            p.put("cross_entropy", a.loss());
            points.add(p);
            rows.add(new double[] {s, s - 10 * Math.log10(eta), a.accuracy(), 1 - a.accuracy(), a.loss()});
        }
        SemanticTrainer.Accuracy clean = t.evaluate(test, Double.POSITIVE_INFINITY, EVAL_SEED);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("dataset", c.dataset());
        s.put("method", c.method().id());
        s.put("reduced", c.reduced());
        s.put("epochs", t.epochsDone());
        s.put("train_images", t.trainImages());
        s.put("test_images", test.size());
        s.put("train_seconds", trainSeconds);
        s.put("cpu_seconds", cpuSeconds);
        s.put("seconds_per_epoch", t.epochsDone() == 0 ? Double.NaN : trainSeconds / t.epochsDone());
        s.put("load_average_start", loadStart);
        s.put("load_average_end", loadAverage());
        s.put("features_per_agent", t.agents()[0].features());
        s.put("channel_uses_per_agent", c.channelUses());
        s.put("spectral_efficiency", eta);
        s.put("high_snr_db", snrs[snrs.length - 1]);
        s.put("accuracy_high_snr", points.get(points.size() - 1).get("accuracy"));
        s.put("accuracy_no_noise", clean.accuracy());
        s.put("sigma2_final", t.sigma2());
        s.put("accuracy_curve", points);
        s.put("config", SemanticModelFile.configMap(c));
        Json.write(dir.resolve("summary.json"), s);
        writeCurve(dir.resolve("learning_curve.csv"), curve);
        Csv.write(dir.resolve("accuracy_curve.csv"), List.of("snr_db", "snr_normalised_db", "accuracy", "error_rate",
                "cross_entropy"), rows);
        Run self = new Run(dir, c.dataset(), label(s), s, curve);
        String title = c.dataset() + ", " + c.method().id() + (c.reduced() ? ", reduced" : ", Table I");
        plotErrorRate(dir.resolve("error_rate.png"), title, List.of(self));
        plotLearningCurves(dir.resolve("learning_curve.png"), title, List.of(self));
        return s;
    }

    /** N_Feat / N_Tx: extractor features per real channel use (the "rate" the SNR is normalised by). */
    public static double spectralEfficiency(SemanticTrainer t) {
        return (double) t.agents()[0].features() / t.config().channelUses();
    }

    public static String label(Map<String, Object> summary) {
        @SuppressWarnings("unchecked")
        Map<String, Object> cfg = (Map<String, Object>) summary.get("config");
        StringBuilder b = new StringBuilder(String.valueOf(summary.get("method")));
        if (cfg != null && "rl".equals(summary.get("method"))) {
            if (Boolean.TRUE.equals(cfg.get("baseline"))) {
                b.append(" + baseline");
            }
            if (Boolean.TRUE.equals(cfg.get("mirrored"))) {
                b.append(" + mirrored");
            }
            if (Boolean.TRUE.equals(cfg.get("learn_sigma2"))) {
                b.append(" + learned s^2");
            }
        }
        return b.toString();
    }

    /** A finished run read back from its folder. */
    public record Run(Path dir, String dataset, String label, Map<String, Object> summary, SemanticCurve curve) {
        public static Run read(Path dir) throws IOException {
            Path sj = dir.resolve("summary.json");
            if (!Files.isRegularFile(sj)) {
                throw new IOException(dir + " is not a finished semantic run (no summary.json)");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> s = Json.mapper().readValue(sj.toFile(), Map.class);
            SemanticCurve curve = SemanticModelFile.load(dir.resolve(MODEL)).history();
            return new Run(dir, String.valueOf(s.get("dataset")), SemanticSession.label(s), s, curve);
        }

        public double[][] accuracyCurve() {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> pts = (List<Map<String, Object>>) summary.get("accuracy_curve");
            double[][] xy = new double[2][pts.size()];
            for (int i = 0; i < pts.size(); i++) {
                xy[0][i] = ((Number) pts.get(i).get("snr_normalised_db")).doubleValue();
                xy[1][i] = ((Number) pts.get(i).get("error_rate")).doubleValue();
            }
            return xy;
        }
    }

    /** Classification error rate vs SNR normalised by the spectral efficiency, one curve per run. */
    public static void plotErrorRate(Path png, String title, List<Run> runs) throws IOException {
        List<Series> series = new ArrayList<>();
        for (Run r : runs) {
            double[][] xy = r.accuracyCurve();
            String name = r.label() + (runs.size() > 1 ? " (" + r.dataset() + ")" : "");
            series.add("perfect".equals(r.summary().get("method")) ? Series.dashed(name, xy[0], xy[1])
                    : Series.line(name, xy[0], xy[1]));
        }
        Plots.lines(png, "Classification error rate: " + title,
                "SNR - 10 log10(N_Feat / N_Tx) (dB)", "classification error rate", false, true, series, "#0.#");
    }

    /** Test cross-entropy vs epoch, one curve per run. */
    public static void plotLearningCurves(Path png, String title, List<Run> runs) throws IOException {
        List<Series> series = new ArrayList<>();
        for (Run r : runs) {
            List<SemanticCurve.Point> pts = r.curve().points();
            double[] x = new double[pts.size()];
            double[] y = new double[pts.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = pts.get(i).epoch();
                y[i] = pts.get(i).testLoss();
            }
            series.add(Series.line(r.label() + (runs.size() > 1 ? " (" + r.dataset() + ")" : ""), x, y));
        }
        Plots.learningCurves(png, "Test cross-entropy: " + title, "epoch", "cross-entropy (SNR drawn from the"
                + " training range)", true, series);
    }

    /**
     * {@code modelfree semantic compare}: reads the finished runs, plots them together into out
     * (created if needed), writes compare.json and returns its rows, one per run in order.
     *
     * @param title plot title prefix (null: the data sets)
     */
    public static List<Map<String, Object>> compare(List<Path> runs, Path out, String title) throws IOException {
        List<Run> loaded = new ArrayList<>();
        for (Path r : runs) {
            loaded.add(Run.read(r));
        }
        Files.createDirectories(out);
        String t = title != null ? title : String.join(", ", loaded.stream().map(Run::dataset).distinct().toList());
        plotComparison(out, t, loaded);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Run r : loaded) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("run", r.dir().toString());
            row.put("label", r.label());
            row.put("method", r.summary().get("method"));
            row.put("epochs", r.summary().get("epochs"));
            row.put("accuracy_high_snr", r.summary().get("accuracy_high_snr"));
            row.put("accuracy_no_noise", r.summary().get("accuracy_no_noise"));
            row.put("train_seconds", r.summary().get("train_seconds"));
            row.put("epochs_to_target", r.summary().get("epochs_to_target"));
            rows.add(row);
        }
        Json.write(out.resolve("compare.json"), Map.of("runs", rows));
        return rows;
    }

    /** Both comparison plots of several runs into out. */
    public static void plotComparison(Path out, String title, List<Run> runs) throws IOException {
        plotErrorRate(out.resolve("error_rate_vs_snr.png"), title, runs);
        plotLearningCurves(out.resolve("learning_curves.png"), title, runs);
    }

    /** The training and test images of a configuration (see {@link SemanticData}). */
    public static Dataset.Split data(SemanticConfig c) throws IOException {
        return SemanticData.load(c.dataset(), c.trainImages(), c.testImages());
    }

    /** Writes a CSV of learning-curve points. */
    public static void writeCurve(Path file, SemanticCurve curve) throws IOException {
        List<double[]> rows = new ArrayList<>();
        for (SemanticCurve.Point p : curve.points()) {
            rows.add(p.toArray());
        }
        Csv.write(file, SemanticCurve.COLUMNS, rows);
    }

    /** CPU seconds of this thread and the compute workers so far (NaN when not measurable). */
    public static double cpuSeconds() {
        long n = Meters.cpuNanos();
        return n < 0 ? Double.NaN : n / 1e9;
    }

    /** The one-minute load average of the machine (NaN when unknown). */
    public static double loadAverage() {
        return Meters.loadAverage();
    }
}
