package org.grmodelfree.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.comm.Codebooks;
import org.grmodelfree.comm.Receiver;
import org.grmodelfree.comm.Transmitter;
import org.grmodelfree.report.Csv;
import org.grmodelfree.report.Json;
import org.grmodelfree.report.Plots;
import org.grmodelfree.report.Series;
import org.grmodelfree.train.BlerPoint;
import org.grmodelfree.train.Evaluator;
import org.grmodelfree.train.LearningCurve;

/** The files a training run leaves in its output folder, and the evaluation behind them. */
public final class Outputs {
    /** Messages per BLER-curve point at least (and 100 errors), before the cap. */
    public static final long CURVE_MIN_MESSAGES = 10_000;

    private Outputs() {
    }

    /** Test BLER at the training SNR, the minimum-distance reference (AWGN) and the BLER curve. */
    public record Evaluation(ChannelKind channel, BlerPoint test, BlerPoint minDistance, List<BlerPoint> curve) {
        public void putInto(Map<String, Object> summary) {
            summary.put("bler", test.bler());
            summary.put("bler_errors", test.errors());
            summary.put("bler_messages", test.messages());
            summary.put("bler_ci95", List.of(test.ciLow(), test.ciHigh()));
            if (minDistance != null) {
                summary.put("bler_min_distance", pointMap(minDistance, channel));
            }
            summary.put("qpsk_bler", reference(channel, test.snrDb()));
            List<Map<String, Object>> rows = new ArrayList<>();
            for (BlerPoint p : curve) {
                rows.add(pointMap(p, channel));
            }
            summary.put("bler_curve", rows);
        }
    }

    public static Map<String, Object> pointMap(BlerPoint p, ChannelKind channel) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("snr_db", p.snrDb());
        m.put("bler", p.bler());
        m.put("errors", p.errors());
        m.put("messages", p.messages());
        m.put("ci95", List.of(p.ciLow(), p.ciHigh()));
        m.put("qpsk_bler", reference(channel, p.snrDb()));
        return m;
    }

    /** Uncoded QPSK over the same 4 symbols: exact on AWGN, perfect-CSI coherent on RBF. */
    public static double reference(ChannelKind channel, double snrDb) {
        return channel == ChannelKind.AWGN ? Codebooks.qpskBler(4, snrDb) : Codebooks.qpskBlerRayleigh(4, snrDb);
    }

    public static Evaluation evaluate(FMatrixRMaj codebook, Receiver rx, ChannelKind channel, double snrDb, double[] snrs,
                               long seed, long testMessages, long maxMessages) {
        long cap = Math.max(testMessages, maxMessages);
        BlerPoint test = new Evaluator(seed + 1, 100, testMessages, cap, 10_000).bler(codebook, rx, channel, snrDb);
        BlerPoint md = channel == ChannelKind.AWGN
                ? new Evaluator(seed + 1, 100, testMessages, Math.min(cap, 2_000_000), 10_000)
                        .blerMinDistance(codebook, channel, snrDb)
                : null;
        return new Evaluation(channel, test, md, curve(codebook, rx, channel, snrs, seed, maxMessages));
    }

    /** The BLER curve of a run (bler_curve.csv): at least 10 000 messages and 100 errors per point, or maxMessages. */
    public static List<BlerPoint> curve(FMatrixRMaj codebook, Receiver rx, ChannelKind channel, double[] snrs, long seed,
                                        long maxMessages) {
        List<BlerPoint> curve = new ArrayList<>();
        Evaluator ev = new Evaluator(seed + 2, 100, CURVE_MIN_MESSAGES, Math.max(CURVE_MIN_MESSAGES, maxMessages), 10_000);
        for (double s : snrs) {
            curve.add(ev.bler(codebook, rx, channel, s));
        }
        return curve;
    }

    public static void writeRun(Path out, Map<String, Object> summary, Evaluation ev, Transmitter tx, LearningCurve curve)
            throws IOException {
        Json.write(out.resolve("summary.json"), summary);
        writeCodebook(out.resolve("codebook.csv"), tx);
        writeLearningCurve(out.resolve("learning_curve.csv"), curve);
        writeBlerCurve(out.resolve("bler_curve.csv"), ev.curve(), ev.channel());
        String title = String.format(java.util.Locale.ROOT, "%s, %s, trained at %.1f dB",
                summary.get("method"), ev.channel().id().toUpperCase(java.util.Locale.ROOT), summary.get("snr_db"));
        plotBler(out.resolve("bler.png"), "BLER: " + title, ev.curve(), ev.channel(), "learned (" + summary.get("method") + ")");
        plotLearningCurve(out.resolve("learning_curve.png"), "Learning curve: " + title, curve);
        FMatrixRMaj c = tx.codebook();
        Plots.constellation(out.resolve("constellation.png"), "Learned constellation: " + title, c.data, c.numRows,
                c.numCols / 2);
    }

    public static void writeCodebook(Path file, Transmitter tx) throws IOException {
        FMatrixRMaj c = tx.codebook();
        List<String> header = new ArrayList<>();
        for (int k = 0; k < c.numCols / 2; k++) {
            header.add("re" + k);
            header.add("im" + k);
        }
        List<double[]> rows = new ArrayList<>();
        for (int m = 0; m < c.numRows; m++) {
            double[] r = new double[c.numCols];
            for (int j = 0; j < c.numCols; j++) {
                r[j] = c.data[m * c.numCols + j];
            }
            rows.add(r);
        }
        Csv.write(file, header, rows);
    }

    public static void writeLearningCurve(Path file, LearningCurve curve) throws IOException {
        List<double[]> rows = new ArrayList<>();
        for (LearningCurve.Point p : curve.points()) {
            rows.add(new double[] {p.iteration(), p.seconds(), p.rxLoss(), p.txLoss(), p.bler()});
        }
        Csv.write(file, List.of("iteration", "seconds", "rx_loss", "tx_loss", "bler_estimate"), rows);
    }

    public static void writeBlerCurve(Path file, List<BlerPoint> curve, ChannelKind channel) throws IOException {
        List<double[]> rows = new ArrayList<>();
        for (BlerPoint p : curve) {
            rows.add(new double[] {p.snrDb(), p.bler(), p.errors(), p.messages(), p.ciLow(), p.ciHigh(),
                reference(channel, p.snrDb())});
        }
        Csv.write(file, List.of("snr_db", "bler", "errors", "messages", "ci_low", "ci_high", "qpsk_bler"), rows);
    }

    public static void plotBler(Path png, String title, List<BlerPoint> curve, ChannelKind channel, String name)
            throws IOException {
        int n = curve.size();
        double[] x = new double[n];
        double[] y = new double[n];
        double[] lo = new double[n];
        double[] hi = new double[n];
        double[] ref = new double[n];
        for (int i = 0; i < n; i++) {
            BlerPoint p = curve.get(i);
            x[i] = p.snrDb();
            y[i] = p.bler();
            lo[i] = p.ciLow();
            hi[i] = p.ciHigh();
            ref[i] = reference(channel, p.snrDb());
        }
        String refName = channel == ChannelKind.AWGN ? "uncoded QPSK" : "uncoded QPSK, perfect CSI";
        Plots.blerVsSnr(png, title, List.of(new Series(name, x, y, lo, hi, false), Series.dashed(refName, x, ref)));
    }

    public static void plotLearningCurve(Path png, String title, LearningCurve curve) throws IOException {
        List<LearningCurve.Point> pts = curve.points();
        List<Double> ex = new ArrayList<>();
        List<Double> ey = new ArrayList<>();
        for (LearningCurve.Point p : pts) {
            if (!Double.isNaN(p.bler())) {
                ex.add((double) p.iteration());
                ey.add(p.bler());
            }
        }
        List<Series> series = new ArrayList<>();
        if (!ex.isEmpty()) {
            series.add(Series.line("BLER estimate (validation set)", unbox(ex), unbox(ey)));
        }
        int stride = Math.max(1, pts.size() / 500);
        List<Double> lx = new ArrayList<>();
        List<Double> ly = new ArrayList<>();
        for (int i = 0; i < pts.size(); i += stride) {
            lx.add((double) pts.get(i).iteration());
            ly.add(pts.get(i).rxLoss());
        }
        if (!lx.isEmpty()) {
            series.add(Series.line("receiver cross-entropy", unbox(lx), unbox(ly)));
        }
        if (series.isEmpty()) {
            return;
        }
        Plots.learningCurves(png, title, "iteration", "BLER / cross-entropy", true, series);
    }

    public static double[] unbox(List<Double> v) {
        double[] d = new double[v.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = v.get(i);
        }
        return d;
    }
}
