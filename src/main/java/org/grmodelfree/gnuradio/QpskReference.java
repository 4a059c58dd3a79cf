package org.grmodelfree.gnuradio;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.comm.Codebooks;
import org.grmodelfree.report.Csv;
import org.grmodelfree.report.Json;
import org.grmodelfree.run.Outputs;
import org.grmodelfree.run.Progress;
import org.grmodelfree.run.SnrRange;
import org.grmodelfree.train.BlerPoint;

/**
 * {@code ./modelfree flowgraph qpsk_reference [--snr-db 0:2:14] [flowgraph flags]}: GNU Radio's own
 * uncoded QPSK link (flowgraphs/qpsk_reference.grc, stock blocks only) run once per SNR point
 * through the channel the learned over-the-air chain uses. Each run counts 4-symbol block errors
 * after its warm-up, writes its result JSON and ends by itself; the points go to bler_curve.csv
 * (snr_db, block_errors, blocks, bler, ci_low, ci_high; Clopper-Pearson 95%), bler.png (with the
 * exact uncoded-QPSK curve 1 - (1 - Ps)^4) and summary.json. The SNR is Es/N0 at the receiver.
 */
public final class QpskReference {
    /** The flowgraph's name in flowgraphs/. */
    public static final String NAME = "qpsk_reference";
    /** Symbols per counted block. */
    public static final int SYMBOLS = 4;
    /** SNR points when --snr-db is not given. */
    public static final String DEFAULT_SNRS = "0:2:14";

    private final String snrDb;
    private final List<String> flowgraphFlags;

    /**
     * @param snrDb the SNR points (Es/N0, dB) as from:step:to, a list or one value; null: {@link #DEFAULT_SNRS}
     * @param flowgraphFlags flags passed on to the flowgraph at every point (e.g. --num-blocks, --taps, --ppm)
     */
    public QpskReference(String snrDb, List<String> flowgraphFlags) {
        this.snrDb = snrDb;
        this.flowgraphFlags = List.copyOf(flowgraphFlags);
    }

    /** Runs the compiled flowgraph at each SNR point with its outputs in dir; returns the summary. */
    public Map<String, Object> run(GnuRadio gr, Path script, Path dir, Progress progress) throws Exception {
        double[] snrs;
        try {
            snrs = SnrRange.parse(snrDb != null ? snrDb : DEFAULT_SNRS);
        } catch (IllegalArgumentException e) {
            throw new FlowgraphRun.UsageException(e.getMessage());
        }
        List<Map<String, Object>> points = new ArrayList<>();
        List<Map<String, Object>> failed = new ArrayList<>();
        List<BlerPoint> curve = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        Map<?, ?> settings = null;
        for (double snr : snrs) {
            Path at = dir.resolve(String.format(Locale.ROOT, "snr-%.1f", snr));
            Path resultFile = at.resolve("result.json");
            Files.createDirectories(at);
            Files.deleteIfExists(resultFile);
            List<String> flags = new ArrayList<>(flowgraphFlags);
            flags.addAll(List.of("--snr-db", Double.toString(snr), "--result", resultFile.toAbsolutePath().toString()));
            progress.message("GNU Radio QPSK reference: " + NAME + " " + String.join(" ", flags));
            long t0 = System.nanoTime();
            GnuRadio.Run run = gr.run(script, flags, at, at.resolve("flowgraph.log"), progress);
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (run.exit != 0 || !Files.isRegularFile(resultFile) || Files.size(resultFile) == 0) {
                String why = "the flowgraph exited with " + run.exit + " and " + (Files.isRegularFile(resultFile)
                        ? "an empty result" : "no result") + " (see " + run.log + ")";
                failed.add(Map.of("snr_db", snr, "error", why));
                progress.message(String.format(Locale.ROOT, "%5.1f dB: no BLER (%s)", snr, why));
                continue;
            }
            Map<?, ?> r = Json.mapper().readValue(resultFile.toFile(), Map.class);
            long blocks = ((Number) r.get("blocks")).longValue();
            long errors = ((Number) r.get("block_errors")).longValue();
            if (blocks == 0) {
                failed.add(Map.of("snr_db", snr, "error", "no block counted (see " + run.log + ")"));
                continue;
            }
            BlerPoint p = BlerPoint.of(snr, errors, blocks);
            curve.add(p);
            rows.add(new double[] {snr, errors, blocks, p.bler(), p.ciLow(), p.ciHigh()});
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("snr_db", snr);
            m.put("blocks", blocks);
            m.put("block_errors", errors);
            m.put("bler", p.bler());
            m.put("ci95", List.of(p.ciLow(), p.ciHigh()));
            m.put("qpsk_bler", Codebooks.qpskBler(SYMBOLS, snr));
            for (String k : List.of("symbol_errors", "symbols", "ser", "preambles_found", "preambles_missed",
                    "timing_slips", "phase_slips", "delay", "acquired_score")) {
                m.put(k, r.get(k));
            }
            m.put("seconds", seconds);
            points.add(m);
            settings = r.get("settings") instanceof Map<?, ?> s ? s : settings;
            progress.message(String.format(Locale.ROOT, "%5.1f dB: BLER %.3e (%d block errors in %d blocks;"
                    + " uncoded QPSK %.3e)", snr, p.bler(), errors, blocks, Codebooks.qpskBler(SYMBOLS, snr)));
        }
        if (curve.isEmpty()) {
            throw new IllegalStateException("no SNR point gave a block error rate: " + failed);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("flowgraph", NAME);
        summary.put("transport", "gnuradio");
        summary.put("link", "uncoded Gray QPSK, stock GNU Radio blocks");
        summary.put("block_symbols", SYMBOLS);
        summary.put("snr", "Es/N0 at the receiver (dB)");
        summary.put("flowgraph_flags", flowgraphFlags);
        summary.put("settings", settings);
        summary.put("points", points);
        summary.put("failed_points", failed);
        Csv.write(dir.resolve("bler_curve.csv"),
                List.of("snr_db", "block_errors", "blocks", "bler", "ci_low", "ci_high"), rows);
        Outputs.plotBler(dir.resolve("bler.png"), "GNU Radio QPSK reference: BLER over 4-symbol blocks", curve,
                ChannelKind.AWGN, "stock GNU Radio QPSK link");
        Json.write(dir.resolve("summary.json"), summary);
        return summary;
    }
}
