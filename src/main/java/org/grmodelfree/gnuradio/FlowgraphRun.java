package org.grmodelfree.gnuradio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.comm.FrameFormat;
import org.grmodelfree.comm.FrameSync;
import org.grmodelfree.report.Json;
import org.grmodelfree.report.Plots;
import org.grmodelfree.run.Outputs;
import org.grmodelfree.run.Progress;
import org.grmodelfree.run.SnrRange;
import org.grmodelfree.run.TrainingSession;
import org.grmodelfree.store.BlockCheckpointFile;
import org.grmodelfree.store.CheckpointJoin;
import org.grmodelfree.store.ModelFile;
import org.grmodelfree.train.BlerPoint;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.Trainer;

/**
 * What {@code ./modelfree flowgraph NAME [flags]} does: compiles flowgraphs/NAME.grc with grcc and
 * runs it headless under Debian's Python, with the blocks' YAML and Python package on GNU Radio's
 * paths, the flowgraph flags passed on (its parameter blocks are its flags). NAME may also be the
 * path of any .grc file: one with a Model-free Transmitter and Receiver in train mode (and no GUI)
 * is a training flowgraph, its learning blocks and checkpoints found in the file. A training flowgraph
 * (train_*) ends when the schedule is done; its learning blocks' checkpoints are joined into
 * model.msgpack, evaluated as {@code ./modelfree train} evaluates, and then the trained and an
 * untrained model are each run through the flowgraph's own channel in stream mode, which gives the
 * block error rates through GNU Radio. {@code evaluate} runs a model through GNU Radio at each SNR.
 */
public final class FlowgraphRun {
    /** The parameter of a training flowgraph that names a file for the samples at the receiver's input. */
    public static final String CAPTURE = "capture";
    /** The parameters a training flowgraph needs for the BLER runs in stream mode (they are set as flags). */
    public static final List<String> STREAM_PARAMETERS = List.of("mode", "model", "frames");
    /** Messages at most in received.png. */
    public static final int RECEIVED_MESSAGES = 2000;

    /** A request the command line should report as bad usage (the message says what is wrong). */
    public static final class UsageException extends IllegalArgumentException {
        UsageException(String message) {
            super(message);
        }
    }

    private final String name;
    private final String snrDb;
    private final Path model;
    private final int frames;
    private final long testMessages;
    private final long maxMessages;
    private final List<String> flowgraphFlags;

    /**
     * @param name the flowgraph (a file flowgraphs/NAME.grc)
     * @param snrDb train_*: the training SNR (null: the flowgraph's snr_db default); evaluate: its SNR
     *     points as from:step:to (null: the model's BLER-curve points)
     * @param model evaluate: the model.msgpack to run through GNU Radio
     * @param frames frames per run through the flowgraph in stream mode
     * @param testMessages messages at least for the embedded BLER estimate at the training SNR
     * @param maxMessages message cap per embedded BLER point
     * @param flowgraphFlags flags passed on to the flowgraph
     */
    public FlowgraphRun(String name, String snrDb, Path model, int frames, long testMessages, long maxMessages,
                        List<String> flowgraphFlags) {
        this.name = name;
        this.snrDb = snrDb;
        this.model = model;
        this.frames = frames;
        this.testMessages = testMessages;
        this.maxMessages = maxMessages;
        this.flowgraphFlags = List.copyOf(flowgraphFlags);
    }

    /**
     * Compiles and runs the flowgraph with its outputs in dir (which exists); returns the summary.
     *
     * @throws UsageException when the flowgraph or the flags do not make a headless run
     */
    public Map<String, Object> run(Path dir, Progress progress) throws Exception {
        GnuRadio gr = GnuRadio.locate();
        if (GnuRadio.isPath(name)) {
            Learning learning = learning(gr, dir.resolve("blocks"));
            return train(gr, gr.compile(name, dir.resolve("build"), progress), dir, learning, progress);
        }
        Path script = gr.compile(name, dir.resolve("build"), progress);
        if (name.startsWith("train_")) {
            Path blocks = dir.resolve("blocks");
            return train(gr, script, dir, new Learning(blocks.resolve("transmitter.ckpt"),
                    blocks.resolve("receiver.ckpt"), true, List.of("transmitter", "policy-sampler", "receiver")),
                    progress);
        } else if (name.equals("evaluate") || name.startsWith("evaluate_")) {
            return evaluate(gr, script, dir, progress);
        } else if (name.equals(QpskReference.NAME)) {
            Map<String, Object> reference = new QpskReference(snrDb, flowgraphFlags).run(gr, script, dir, progress);
            return model == null ? reference : againstLearned(gr, dir, reference, progress);
        } else if (name.startsWith("semantic_")) {
            return semantic(gr, script, dir, progress);
        } else {
            throw new UsageException("flowgraph " + name
                    + " has a GUI or no headless recipe: open flowgraphs/" + name + ".grc in gnuradio-companion");
        }
    }

    /**
     * A training flowgraph's learning blocks: where their checkpoints will be, whether the command
     * clears them before the run (those it chose), and the block processes that must end well.
     */
    record Learning(Path txCheckpoint, Path rxCheckpoint, boolean ours, List<String> blocks) {
    }

    /**
     * The learning blocks of a flowgraph given by its file, found in the flowgraph itself: one
     * Model-free Transmitter and one Model-free Receiver, enabled, in train mode; their checkpoints
     * are the files their checkpoint parameters name, or where the bridge puts them under this
     * command (blocks/transmitter.ckpt, blocks/receiver.ckpt).
     */
    private Learning learning(GnuRadio gr, Path blocks) throws IOException {
        Map<?, ?> grc = gr.read(name);
        String options = grc.get("options") instanceof Map<?, ?> o && o.get("parameters") instanceof Map<?, ?> p
                ? String.valueOf(p.get("generate_options")) : "";
        Map<String, List<Map<?, ?>>> found = new LinkedHashMap<>();
        if (grc.get("blocks") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> b && String.valueOf(b.get("id")).startsWith("modelfree_")
                        && !(b.get("states") instanceof Map<?, ?> st && "disabled".equals(st.get("state")))) {
                    found.computeIfAbsent(String.valueOf(b.get("id")), k -> new ArrayList<>()).add(b);
                }
            }
        }
        List<Map<?, ?>> tx = found.getOrDefault("modelfree_transmitter", List.of());
        List<Map<?, ?>> rx = found.getOrDefault("modelfree_receiver", List.of());
        if (tx.size() != 1 || rx.size() != 1) {
            throw new UsageException("flowgraph " + name + " has " + tx.size() + " Model-free Transmitter and "
                    + rx.size() + " Model-free Receiver blocks (enabled); a training flowgraph has one of each");
        }
        if (!options.equals("no_gui")) {
            throw new UsageException("flowgraph " + name + " has a GUI (generate_options " + options
                    + "): open it in gnuradio-companion, or make it no_gui to train headless");
        }
        for (Map<?, ?> b : List.of(tx.get(0), rx.get(0))) {
            if (literal(param(b, "mode")).equals("stream")) {
                throw new UsageException("flowgraph " + name + ": its " + b.get("name") + " block is in stream mode;"
                        + " nothing to train (run it with gnuradio-companion or python3)");
            }
        }
        String txFile = checkpointParam(tx.get(0));
        String rxFile = checkpointParam(rx.get(0));
        List<String> names = new ArrayList<>(List.of("transmitter", "receiver"));
        if (found.containsKey("modelfree_policy_sampler")) {
            names.add(1, "policy-sampler");
        }
        if (txFile.isEmpty() != rxFile.isEmpty()) {
            throw new UsageException("flowgraph " + name + ": give both learning blocks a checkpoint file, or neither");
        }
        return txFile.isEmpty()
                ? new Learning(blocks.resolve("transmitter.ckpt"), blocks.resolve("receiver.ckpt"), true, names)
                : new Learning(Path.of(txFile), Path.of(rxFile), false, names);
    }

    private static String param(Map<?, ?> block, String id) {
        return block.get("parameters") instanceof Map<?, ?> p && p.get(id) != null ? String.valueOf(p.get(id)) : "";
    }

    /** A value as GRC stores a string: bare, or quoted. */
    private static String literal(String v) {
        String t = v.strip();
        if (t.length() >= 2 && (t.charAt(0) == '\'' || t.charAt(0) == '"') && t.charAt(t.length() - 1) == t.charAt(0)) {
            return t.substring(1, t.length() - 1);
        }
        return t;
    }

    /** A learning block's checkpoint file as the flowgraph sets it ("" when the bridge chooses). */
    private String checkpointParam(Map<?, ?> block) throws IOException {
        String v = literal(param(block, "checkpoint"));
        if (v.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new UsageException("flowgraph " + name + ": the " + block.get("name") + " block's checkpoint is '"
                    + v + "', an expression; give it a file name, or leave it empty");
        }
        return v;
    }

    private Map<String, Object> train(GnuRadio gr, Path script, Path dir, Learning learning, Progress progress)
            throws Exception {
        Path blocks = dir.resolve("blocks");
        Path txCkpt = learning.txCheckpoint();
        Path rxCkpt = learning.rxCheckpoint();
        if (learning.ours()) {
            Files.deleteIfExists(txCkpt);
            Files.deleteIfExists(rxCkpt);
        }
        Map<String, String> fgParams = gr.parameters(name);
        // the SNR is a flag of the flowgraph when it has an snr_db parameter (all shipped training ones do)
        boolean snrFlag = fgParams.containsKey("snr_db");
        Double snrGiven = snrFlag || snrDb != null ? trainingSnr(gr) : null;
        List<String> flags = new ArrayList<>(flowgraphFlags);
        if (snrFlag) {
            flags.addAll(List.of("--snr-db", Double.toString(snrGiven)));
        }
        progress.message("training through GNU Radio: " + name + " " + String.join(" ", flags));
        long t0 = System.nanoTime();
        GnuRadio.Run run = gr.run(script, flags, blocks, dir.resolve("flowgraph.log"), progress);
        double seconds = (System.nanoTime() - t0) / 1e9;
        run.requireSuccess(learning.blocks().toArray(String[]::new));
        if (!Files.exists(txCkpt) || !Files.exists(rxCkpt)) {
            throw new IllegalStateException("flowgraph " + name + " finished without both learning blocks'"
                    + " checkpoints " + txCkpt + " and " + rxCkpt + " (see " + dir.resolve("flowgraph.log") + ")");
        }
        // The transmitter's configuration: it holds the exploration variance, which the receiver never sees.
        TrainConfig fromBlocks = BlockCheckpointFile.load(txCkpt).state().config();
        double snr = snrGiven != null ? snrGiven : fromBlocks.snrDb();
        if (snrGiven == null) {
            progress.message(String.format(Locale.ROOT, "flowgraph %s has no snr_db parameter: the embedded"
                    + " evaluation is at %.1f dB (--snr-db sets it)", name, snr));
        }
        TrainConfig c = fromBlocks.withSnrDb(snr);
        Trainer trainer = CheckpointJoin.join(c, txCkpt, rxCkpt);
        LearningCurve curve = CheckpointJoin.joinCurves(txCkpt, rxCkpt);
        Path modelFile = TrainingSession.modelPath(dir);
        ModelFile.save(modelFile, trainer, seconds, curve);
        Path untrained = dir.resolve("untrained.msgpack");
        ModelFile.save(untrained, Trainer.create(c), 0, new LearningCurve());

        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("transport", "gnuradio");
        extra.put("flowgraph", name);
        extra.put("flowgraph_flags", flags);
        extra.put("seconds_per_iteration", seconds / Math.max(1, c.iterations()));
        extra.put("blocks", run.results());
        List<String> missing = new ArrayList<>(STREAM_PARAMETERS);
        missing.removeAll(fgParams.keySet());
        if (!missing.isEmpty()) {
            // the stream runs set these flags; a flowgraph without them cannot be switched to stream mode
            extra.put("flowgraph_bler", "not measured: the flowgraph has no parameter " + String.join(", ", missing));
            progress.message("no BLER through the flowgraph in stream mode: it has no parameter "
                    + String.join(", ", missing) + " (see docs/gnuradio.md)");
        } else {
            progress.message("BLER through the flowgraph in stream mode: trained model, then untrained");
            boolean capture = fgParams.containsKey(CAPTURE);
            Path received = dir.resolve("stream-trained").resolve("received.c64");
            List<String> trainedFlags = new ArrayList<>(flags);
            if (capture) {
                trainedFlags.addAll(List.of("--" + CAPTURE, received.toAbsolutePath().toString()));
            }
            extra.put("flowgraph_bler", streamBler(gr, script, trainedFlags, modelFile, dir.resolve("stream-trained"),
                    snr, c.channel(), progress));
            if (capture) {
                int shown = plotReceived(received, c, dir.resolve("received.png"), String.format(Locale.ROOT,
                        "Received through %s at %.1f dB (trained model)", name, snr));
                extra.put("received_plot", Map.of("file", "received.png", "messages", shown));
                Files.deleteIfExists(received);
            }
            extra.put("flowgraph_bler_untrained", streamBler(gr, script, flags, untrained,
                    dir.resolve("stream-untrained"), snr, c.channel(), progress));
        }
        double[] curveSnrs = SnrRange.parse(SnrRange.defaultCurve(c.channel()));
        TrainingSession.Settings s = new TrainingSession.Settings(curveSnrs, testMessages, maxMessages, 30);
        return TrainingSession.finish(trainer, curve, seconds, "iterations", dir, s, progress, extra);
    }

    /** The flowgraph the learned link is measured with beside the QPSK reference. */
    public static final String LEARNED_OTA = "evaluate_ota_sim";

    /**
     * qpsk_reference with --model: the learned link through {@link #LEARNED_OTA} at the same SNR
     * points and with the channel flags both flowgraphs have (--ppm, --cfo, --taps, ...), side by side:
     * comparison.csv, comparison.png, and both in summary.json.
     */
    @SuppressWarnings("unchecked")
    private Map<String, Object> againstLearned(GnuRadio gr, Path dir, Map<String, Object> reference,
                                               Progress progress) throws Exception {
        Map<String, String> declared = gr.parameters(LEARNED_OTA);
        List<String> shared = new ArrayList<>();
        for (int i = 0; i + 1 < flowgraphFlags.size(); i += 2) {
            String flag = flowgraphFlags.get(i);
            if (flag.startsWith("--") && declared.containsKey(flag.substring(2).replace('-', '_'))) {
                shared.addAll(List.of(flag, flowgraphFlags.get(i + 1)));
            }
        }
        List<Map<String, Object>> ref = (List<Map<String, Object>>) reference.get("points");
        String snrs = String.join(",", ref.stream().map(p -> String.valueOf(p.get("snr_db"))).toList());
        progress.message("the learned link through " + LEARNED_OTA + " at the same points: " + String.join(" ", shared));
        Map<String, Object> learned = new FlowgraphRun(LEARNED_OTA, snrs, model, frames, testMessages, maxMessages,
                shared).run(dir.resolve("learned"), progress);
        Map<Double, Map<String, Object>> bySnr = new LinkedHashMap<>();
        for (Map<String, Object> p : (List<Map<String, Object>>) learned.get("points")) {
            bySnr.put(((Number) p.get("snr_db")).doubleValue(), p);
        }
        List<double[]> rows = new ArrayList<>();
        List<double[]> l = new ArrayList<>();
        List<double[]> q = new ArrayList<>();
        for (Map<String, Object> p : ref) {
            double snr = ((Number) p.get("snr_db")).doubleValue();
            Map<String, Object> lp = bySnr.get(snr);
            if (lp == null) {
                continue;
            }
            List<Number> lci = (List<Number>) lp.get("ci95");
            List<Number> qci = (List<Number>) p.get("ci95");
            double[] row = {snr, ((Number) lp.get("bler")).doubleValue(), lci.get(0).doubleValue(),
                lci.get(1).doubleValue(), ((Number) p.get("bler")).doubleValue(), qci.get(0).doubleValue(),
                qci.get(1).doubleValue(), ((Number) p.get("qpsk_bler")).doubleValue()};
            rows.add(row);
            l.add(new double[] {row[0], row[1], row[2], row[3]});
            q.add(new double[] {row[0], row[4], row[5], row[6]});
        }
        if (rows.isEmpty()) {
            throw new IllegalStateException("no SNR point has both the learned link's and the reference's BLER");
        }
        org.grmodelfree.report.Csv.write(dir.resolve("comparison.csv"), List.of("snr_db", "learned_bler",
                "learned_ci_low", "learned_ci_high", "qpsk_bler", "qpsk_ci_low", "qpsk_ci_high", "qpsk_theory"), rows);
        double[] x = rows.stream().mapToDouble(r -> r[0]).toArray();
        Plots.blerVsSnr(dir.resolve("comparison.png"), "Learned link vs GNU Radio's QPSK link, same radio chain",
                List.of(series("learned (" + model.getFileName() + ")", l),
                        series("GNU Radio QPSK (FLL, clock sync, CMA, Costas)", q),
                        org.grmodelfree.report.Series.dashed("uncoded QPSK, theory", x,
                                rows.stream().mapToDouble(r -> r[7]).toArray())));
        Map<String, Object> summary = new LinkedHashMap<>(reference);
        summary.put("learned", learned);
        summary.put("comparison", "comparison.csv");
        Json.write(dir.resolve("summary.json"), summary);
        return summary;
    }

    private static org.grmodelfree.report.Series series(String name, List<double[]> points) {
        return new org.grmodelfree.report.Series(name, points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray(), points.stream().mapToDouble(p -> p[2]).toArray(),
                points.stream().mapToDouble(p -> p[3]).toArray(), false);
    }

    /**
     * Checks a flowgraph argument before anything is written for it: a name of flowgraphs/ is a
     * plain name (letters, digits, '_', '-', '.'; no path), and a path is that of a .grc file that
     * exists. A name such as ../../some/dir would otherwise make the default output folder
     * runs/flowgraph-../../some/dir, outside runs/.
     *
     * @throws UsageException naming what is wrong
     */
    public static void checkName(String name) {
        if (GnuRadio.isPath(name)) {
            if (!name.endsWith(".grc") || !Files.isRegularFile(Path.of(name))) {
                throw new UsageException("flowgraph '" + name + "' is neither a name of flowgraphs/ nor an existing"
                        + " .grc file");
            }
        } else if (!name.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*") || name.contains("..")) {
            throw new UsageException("flowgraph '" + name + "' is not a flowgraph name (letters, digits, '_', '-'"
                    + " and '.'; the flowgraphs are in flowgraphs/)");
        }
    }

    /** The name of a flowgraph's default output folder: its name, or its file's without .grc. */
    public static String label(String name) {
        if (!GnuRadio.isPath(name)) {
            return name;
        }
        String f = Path.of(name).getFileName().toString();
        return f.endsWith(".grc") ? f.substring(0, f.length() - 4) : f;
    }

    /**
     * A semantic flowgraph (semantic_*): trains headless, then joins the agents' and the receiver's
     * checkpoints and writes the files of {@code ./modelfree semantic train}, plus the receiver's
     * accuracy on its last epoch's batches, decided on what crossed the flowgraph's channel.
     */
    private Map<String, Object> semantic(GnuRadio gr, Path script, Path dir, Progress progress) throws Exception {
        Path blocks = dir.resolve("blocks");
        if (Files.isDirectory(blocks)) {
            try (java.util.stream.Stream<Path> s = Files.list(blocks)) {
                for (Path f : s.filter(f -> f.toString().endsWith(".ckpt")).toList()) {
                    Files.delete(f); // the blocks would resume from them
                }
            }
        }
        double snr = trainingSnr(gr);
        List<String> flags = new ArrayList<>(flowgraphFlags);
        flags.addAll(List.of("--snr-db", Double.toString(snr)));
        progress.message("training through GNU Radio: " + name + " " + String.join(" ", flags));
        long t0 = System.nanoTime();
        GnuRadio.Run run = gr.run(script, flags, blocks, dir.resolve("flowgraph.log"), progress);
        double seconds = (System.nanoTime() - t0) / 1e9;
        run.requireSuccess("semantic-receiver", "semantic-agent", "semantic-agent-2", "semantic-agent-3",
                "semantic-agent-4");
        Map<?, ?> rx = run.stats("semantic-receiver");
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("transport", "gnuradio");
        extra.put("flowgraph", name);
        extra.put("flowgraph_flags", flags);
        extra.put("snr_db", snr);
        extra.put("flowgraph_accuracy", rx.get("last_epoch_accuracy"));
        extra.put("flowgraph_images", rx.get("last_epoch_images"));
        extra.put("blocks", run.results());
        return org.grmodelfree.semantic.run.SemanticBlocksJoin.finish(blocks, snr, seconds,
                ((Number) rx.get("last_epoch_loss")).doubleValue(), SnrRange.parse("-10:2:20"), dir, progress, extra);
    }

    /** The training SNR: --snr-db, else the default of the flowgraph's snr_db parameter. */
    private double trainingSnr(GnuRadio gr) throws IOException {
        String v = snrDb != null ? snrDb : gr.parameters(name).get("snr_db");
        if (v == null) {
            throw new UsageException("flowgraph " + name
                    + " has no snr_db parameter; a training flowgraph needs one (its channel's SNR in dB)");
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException("training SNR '" + v
                    + "' is not a number of dB");
        }
    }

    /**
     * Plots the payload symbols of the frames captured at the receiver's input (complex64, as the
     * flowgraph's file sink wrote them): at most {@link #RECEIVED_MESSAGES} messages, one colour per
     * symbol position, as constellation.png shows the transmitted codebook. Returns the messages shown.
     */
    public static int plotReceived(Path capture, TrainConfig c, Path png, String title) throws IOException {
        byte[] raw = Files.readAllBytes(capture);
        FloatBuffer samples = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] all = new float[samples.remaining() & ~1];
        samples.get(all);
        int perFrame = Math.max(c.batchRx(), c.batchTx());
        FrameSync sync = new FrameSync(FrameFormat.of(perFrame * c.symbols()));
        sync.push(all, 0, all.length / 2);
        float[] payload = new float[2 * perFrame * c.symbols()];
        float[] shown = new float[2 * RECEIVED_MESSAGES * c.symbols()];
        int messages = 0;
        while (messages < RECEIVED_MESSAGES && sync.next(payload)) {
            int take = Math.min(perFrame, RECEIVED_MESSAGES - messages);
            System.arraycopy(payload, 0, shown, 2 * messages * c.symbols(), 2 * take * c.symbols());
            messages += take;
        }
        if (messages == 0) {
            throw new IllegalStateException("no whole frame in the captured samples " + capture);
        }
        Plots.constellation(png, title, Arrays.copyOf(shown, 2 * messages * c.symbols()), messages, c.symbols());
        return messages;
    }

    /** Runs the flowgraph in stream mode with a model for the set number of frames; errors and BLER. */
    private Map<String, Object> streamBler(GnuRadio gr, Path script, List<String> flags, Path modelFile, Path dir,
                                           double snr, ChannelKind channel, Progress progress) throws Exception {
        List<String> f = new ArrayList<>(flags);
        f.addAll(List.of("--mode", "stream", "--model", modelFile.toAbsolutePath().toString(), "--frames",
                Integer.toString(frames)));
        GnuRadio.Run run = gr.run(script, f, dir, dir.resolve("flowgraph.log"), progress);
        BlerPoint p = receiverBler(run, snr, dir);
        Map<String, Object> m = Outputs.pointMap(p, channel);
        m.put("receiver", run.stats("receiver"));
        progress.message(String.format(Locale.ROOT, "  %s: BLER %.3e (%d errors in %d messages)",
                modelFile.getFileName(), p.bler(), p.errors(), p.messages()));
        return m;
    }

    /** The receiver's block errors over the messages it decided in stream mode, at an SNR. */
    private static BlerPoint receiverBler(GnuRadio.Run run, double snr, Path dir) {
        run.requireSuccess("receiver");
        Map<?, ?> stats = run.stats("receiver");
        long errors = ((Number) stats.get("block_errors")).longValue();
        long messages = ((Number) stats.get("messages")).longValue();
        if (messages == 0) {
            throw new IllegalStateException("the receiver decided no message in stream mode (see "
                    + dir.resolve("flowgraph.log") + ")");
        }
        return BlerPoint.of(snr, errors, messages);
    }

    /**
     * The model's settings as flags of the parameters the flowgraph has (evaluate has a channel
     * choice; evaluate_ota_sim is AWGN through its radio chain; the hardware ones have no SNR).
     */
    private static List<String> modelFlags(TrainConfig c, Map<String, String> declared) {
        Map<String, String> fromModel = new LinkedHashMap<>();
        fromModel.put("messages", Integer.toString(c.messages()));
        fromModel.put("symbols", Integer.toString(c.symbols()));
        fromModel.put("hidden", Integer.toString(c.rxHidden()));
        fromModel.put("channel", c.channel().id());
        List<String> flags = new ArrayList<>();
        fromModel.forEach((k, v) -> {
            if (declared.containsKey(k)) {
                flags.addAll(List.of("--" + k, v));
            }
        });
        return flags;
    }

    /**
     * An evaluation flowgraph without an SNR (a radio's: the SNR is what the gains and the path
     * give): one run of the model, its block errors, and the radio blocks' counters.
     */
    private Map<String, Object> overTheAir(GnuRadio gr, Path script, Path dir, TrainConfig c,
                                           Map<String, String> declared, Progress progress) throws Exception {
        if (snrDb != null) {
            throw new UsageException("flowgraph " + name + " has no snr_db parameter (the SNR over the air is what"
                    + " the gains and the path give): leave out --snr-db");
        }
        List<String> f = new ArrayList<>(flowgraphFlags);
        f.addAll(modelFlags(c, declared));
        f.addAll(List.of("--model", model.toAbsolutePath().toString(), "--frames", Integer.toString(frames)));
        GnuRadio.Run run = gr.run(script, f, dir, dir.resolve("flowgraph.log"), progress);
        run.requireSuccess("receiver");
        Map<?, ?> stats = run.stats("receiver");
        long errors = ((Number) stats.get("block_errors")).longValue();
        long messages = ((Number) stats.get("messages")).longValue();
        if (messages == 0) {
            throw new IllegalStateException("the receiver decided no message (see " + dir.resolve("flowgraph.log")
                    + ")");
        }
        BlerPoint p = BlerPoint.of(Double.NaN, errors, messages);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("flowgraph", name);
        summary.put("model", model.toString());
        summary.put("flowgraph_flags", f);
        summary.put("bler", p.bler());
        summary.put("errors", errors);
        summary.put("messages", messages);
        summary.put("ci95", List.of(p.ciLow(), p.ciHigh()));
        summary.put("blocks", run.results());
        Json.write(dir.resolve("summary.json"), summary);
        progress.message(String.format(Locale.ROOT, "over the air: BLER %.3e (%d errors in %d messages)", p.bler(),
                errors, messages));
        return summary;
    }

    private Map<String, Object> evaluate(GnuRadio gr, Path script, Path dir, Progress progress) throws Exception {
        if (model == null) {
            throw new UsageException("evaluate needs --model model.msgpack");
        }
        ModelFile.Loaded loaded = ModelFile.load(model);
        TrainConfig c = loaded.config();
        Map<String, String> declared = gr.parameters(name);
        if (!declared.containsKey("snr_db")) {
            return overTheAir(gr, script, dir, c, declared, progress);
        }
        double[] snrs = SnrRange.parse(snrDb != null ? snrDb : SnrRange.defaultCurve(c.channel()));
        List<Map<String, Object>> points = new ArrayList<>();
        List<BlerPoint> curve = new ArrayList<>();
        List<Map<String, Object>> failed = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        for (double snr : snrs) {
            List<String> flags = new ArrayList<>(flowgraphFlags);
            flags.addAll(List.of("--snr-db", Double.toString(snr)));
            flags.addAll(modelFlags(c, declared));
            List<String> f = new ArrayList<>(flags);
            f.addAll(List.of("--model", model.toAbsolutePath().toString(), "--frames", Integer.toString(frames)));
            Path at = dir.resolve(String.format(Locale.ROOT, "snr-%.1f", snr));
            GnuRadio.Run run = gr.run(script, f, at, at.resolve("flowgraph.log"), progress);
            BlerPoint p;
            try {
                p = receiverBler(run, snr, at);
            } catch (IllegalStateException e) {
                // e.g. so low an SNR that the receiver finds no frame header: the other points still count
                String why = e.getMessage().lines().filter(l -> l.contains("error:")).findFirst()
                        .orElse(e.getMessage().lines().findFirst().orElse(""));
                failed.add(Map.of("snr_db", snr, "error", why.strip(), "log", at.resolve("flowgraph.log").toString()));
                progress.message(String.format(Locale.ROOT, "%5.1f dB: no BLER (%s)", snr, why.strip()));
                continue;
            }
            points.add(Outputs.pointMap(p, c.channel()));
            curve.add(p);
            rows.add(new double[] {snr, p.errors(), p.messages(), p.bler(), p.ciLow(), p.ciHigh()});
            progress.message(String.format(Locale.ROOT, "%5.1f dB: BLER %.3e (%d errors in %d messages)", snr,
                    p.bler(), p.errors(), p.messages()));
        }
        if (curve.isEmpty()) {
            throw new IllegalStateException("no SNR point gave a block error rate: " + failed);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("flowgraph", name);
        summary.put("model", model.toString());
        summary.put("channel", c.channel().id());
        summary.put("trained_snr_db", c.snrDb());
        summary.put("frames_per_point", frames);
        summary.put("points", points);
        summary.put("failed_points", failed);
        org.grmodelfree.report.Csv.write(dir.resolve("bler_curve.csv"),
                List.of("snr_db", "errors", "messages", "bler", "ci_low", "ci_high"), rows);
        Outputs.plotBler(dir.resolve("bler.png"), "BLER through GNU Radio: " + model.getFileName() + " ("
                + c.channel().id() + ")", curve, c.channel(), "learned, through GNU Radio");
        Json.write(dir.resolve("summary.json"), summary);
        return summary;
    }
}
