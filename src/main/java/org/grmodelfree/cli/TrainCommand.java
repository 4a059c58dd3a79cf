package org.grmodelfree.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grmodelfree.cli.Main.Validated;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.comm.EnergyScope;
import org.grmodelfree.launch.ZmqTraining;
import org.grmodelfree.run.Progress;
import org.grmodelfree.run.SnrRange;
import org.grmodelfree.run.TrainingSession;
import org.grmodelfree.train.Baseline;
import org.grmodelfree.train.Method;
import org.grmodelfree.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code modelfree train}: one embedded training run with a built-in channel. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a transmitter and receiver end to end over a built-in channel (embedded, one JVM).")
final class TrainCommand implements Callable<Integer>, Validated {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--channel", description = "awgn or rbf (default: ${DEFAULT-VALUE})", defaultValue = "awgn")
    String channel;

    @Option(names = "--snr-db", description = "training SNR in dB (default: 10 for awgn, 20 for rbf)")
    Double snrDb;

    @Option(names = "--method", description = "alternating (model-free) or supervised (model-aware) (default: ${DEFAULT-VALUE})",
            defaultValue = "alternating")
    String method;

    @Option(names = "--paper", description = "start from the paper's plain recipe (fixed rates, no baseline) instead of the tuned defaults")
    boolean paper;

    @Option(names = "--iterations", description = "iterations (default: 8000; paper: 4000; on --resume, keeps the"
            + " file's)")
    Integer iterations;

    @Option(names = "--batch-rx", description = "receiver-phase batch (default: 1000)")
    Integer batchRx;

    @Option(names = "--batch-tx", description = "transmitter-phase batch (default: 2000; paper: 1000)")
    Integer batchTx;

    @Option(names = "--rx-steps", description = "receiver steps per iteration (default: 1)")
    Integer rxSteps;

    @Option(names = "--tx-steps", description = "transmitter steps per iteration (default: 1)")
    Integer txSteps;

    @Option(names = "--lr-rx", description = "receiver learning rate (default: 1e-3)")
    Double lrRx;

    @Option(names = "--lr-tx", description = "transmitter learning rate (default: 1e-3)")
    Double lrTx;

    @Option(names = "--lr-final", description = "final/initial learning rate, cosine decay (default: 0.05; paper: 1)")
    Double lrFinal;

    @Option(names = "--sigma2", description = "exploration variance s^2 of the policy (default: 0.02)")
    Double sigma2;

    @Option(names = "--sigma2-final", description = "final exploration variance, geometric annealing (default: = --sigma2)")
    Double sigma2Final;

    @Option(names = "--baseline", arity = "0..1", fallbackValue = "mean",
            description = "loss baseline: none, mean (the batch's) or message (the batch's other examples of the"
                    + " same message); --baseline alone is mean (default: mean; paper: none)")
    String baseline;

    @Option(names = "--energy", description = "transmitter energy normalised over the codebook or, as the paper"
            + " does, over each training batch: codebook or batch (default: codebook; the codebook is always"
            + " normalised at inference)")
    String energy;

    @Option(names = "--mirrored", description = "antithetic exploration: a transmitter batch is --batch-tx / 2"
            + " messages, each sent with the policy noise w and with -w (alternating; embedded only; default: off)")
    boolean mirrored;

    @Option(names = "--learn-sigma2", description = "learn the exploration variance with the policy, from --sigma2"
            + " (alternating; embedded only; default: off, s^2 follows --sigma2 to --sigma2-final)")
    boolean learnSigma2;

    @Option(names = "--fine-tune", description = "receiver-only steps after training, the receiver's rate"
            + " restarted (default: 0)")
    Integer fineTune;

    @Option(names = "--rx-restart", description = "restart the receiver's learning rate for this last fraction of"
            + " the iterations, then decay it again (default: 0 = no restart)")
    Double rxRestart;

    @Option(names = "--messages", description = "M, messages (default: 256)")
    Integer messages;

    @Option(names = "--symbols", description = "N, complex channel uses per message (default: 4)")
    Integer symbols;

    @Option(names = "--hidden", description = "hidden width of transmitter and receiver (default: M)")
    Integer hidden;

    @Option(names = "--seed", description = "seed of everything random (default: 1)")
    Long seed;

    @Option(names = "--eval-every", description = "iterations between BLER estimates (default: 100)")
    Integer evalEvery;

    @Option(names = "--patience", description = "stop after this many estimates without improvement (default: 0 = off)")
    Integer patience;

    @Mixin
    OutputOptions output;

    @Option(names = "--resume", description = "continue from OUT/model.msgpack")
    boolean resume;

    @Option(names = "--curve-snr-db", converter = SnrRangeConverter.class,
            description = "SNRs of the BLER curve, e.g. 0:2:14 (default: 0:2:14 awgn, 0:5:35 rbf)")
    SnrRange curveSnrs;

    @Option(names = "--test-messages", description = "messages at least for the BLER at the training SNR (default: ${DEFAULT-VALUE})",
            defaultValue = "100000")
    long testMessages;

    @Option(names = "--max-messages", description = "message cap per BLER point (default: ${DEFAULT-VALUE})",
            defaultValue = "1000000")
    long maxMessages;

    @Mixin
    ProgressOptions progressOptions;

    @Option(names = "--transport", description = "embedded (one JVM, built-in channel) or zmq (the blocks as"
            + " separate processes over ZeroMQ on loopback, with a test channel process or, with --to-channel and"
            + " --from-channel, a channel elsewhere) (default: ${DEFAULT-VALUE})",
            defaultValue = "embedded")
    String transport;

    @Option(names = "--channel-shift", description = "zmq: samples the test channel drops at the start (default: ${DEFAULT-VALUE}, as channel_model)",
            defaultValue = "3")
    int channelShift;

    @Option(names = "--channel-hold-back", description = "zmq: samples the test channel holds back (default: ${DEFAULT-VALUE}, as channel_model)",
            defaultValue = "5")
    int channelHoldBack;

    @Option(names = "--feedback-delay-ms", description = "zmq: extra delay of the loss feedback (default: ${DEFAULT-VALUE})",
            defaultValue = "0")
    double feedbackDelayMs;

    @Option(names = "--feedback-drop", description = "probability that a transmitter batch's losses are lost on the"
            + " feedback link (its step is skipped) (default: ${DEFAULT-VALUE})", defaultValue = "0")
    double feedbackDrop;

    @Option(names = "--feedback-bits", description = "quantise the fed-back losses to this many bits, from 0 to the"
            + " batch's largest (default: ${DEFAULT-VALUE} = float32)", defaultValue = "0")
    int feedbackBits;

    @Option(names = "--to-channel", paramLabel = "tcp://ADDRESS:PORT", description = "zmq, with --from-channel: the"
            + " channel runs elsewhere (e.g. flowgraphs/channel_host.grc on another host); the policy sampler's"
            + " output binds this address for it to read (this host's address on the link to it, never *)")
    String toChannel;

    @Option(names = "--from-channel", paramLabel = "tcp://HOST:PORT", description = "zmq, with --to-channel: the"
            + " address the channel elsewhere binds for the receiver to read")
    String fromChannel;

    /** Flags that only the ZeroMQ link reads (its test channel process and its loss feedback). */
    static final List<String> ZMQ_ONLY = List.of("--channel-shift", "--channel-hold-back", "--feedback-delay-ms",
            "--to-channel", "--from-channel");
    /** Flags of the test channel process, which a channel elsewhere replaces. */
    static final List<String> TEST_CHANNEL = List.of("--channel-shift", "--channel-hold-back");
    /** Flags that set the run's configuration, which --resume takes from the file (all but --iterations). */
    static final List<String> CONFIG_FLAGS = List.of("--channel", "--snr-db", "--method", "--paper", "--messages",
            "--symbols", "--hidden", "--batch-rx", "--batch-tx", "--rx-steps", "--tx-steps", "--lr-rx", "--lr-tx",
            "--lr-final", "--sigma2", "--sigma2-final", "--baseline", "--fine-tune", "--seed", "--eval-every",
            "--patience", "--energy", "--feedback-bits", "--feedback-drop", "--mirrored", "--rx-restart",
            "--learn-sigma2");

    @Override
    public Integer call() throws Exception {
        validate();
        Path out = out();
        TrainConfig c = config();
        double[] snrs = curveSnrs != null ? curveSnrs.values()
                : SnrRange.parse(SnrRange.defaultCurve(c.channel()));
        Progress progress = progressOptions.progress(spec.commandLine().getErr());
        TrainingSession.Settings settings = new TrainingSession.Settings(snrs, testMessages, maxMessages, 30);
        Map<String, Object> summary;
        if (transport.equals("zmq")) {
            ZmqTraining.LinkOptions d = ZmqTraining.LinkOptions.defaults();
            ZmqTraining.LinkOptions o = new ZmqTraining.LinkOptions(channelShift, channelHoldBack, feedbackDelayMs,
                    feedbackDrop, feedbackBits, d.peerTimeoutSeconds(), d.feedbackTimeoutSeconds(),
                    d.checkpointSeconds());
            summary = ZmqTraining.run(c, out, o, settings, progress, spec.commandLine().getErr(),
                    toChannel == null ? null : new ZmqTraining.ExternalChannel(toChannel, fromChannel));
        } else {
            summary = TrainingSession.run(c, out, resume, resume ? iterations : null, settings, progress);
        }
        printSummary(spec.commandLine().getOut(), summary, out);
        return 0;
    }

    private Path out() {
        return output.orElse(Path.of("out/train"));
    }

    /**
     * Every check of the flags, before any folder exists: the configuration (naming the flags
     * behind a bad value) and whether it fits the JVM's memory, the transport and the flags only
     * it reads, and on --resume that no flag would change the resumed run's configuration.
     */
    @Override
    public void validate() {
        TrainConfig c = config();
        if (testMessages < 1 || maxMessages < 1) {
            throw usage("--test-messages and --max-messages must be positive");
        }
        boolean zmq = transport.equals("zmq");
        if (!zmq && !transport.equals("embedded")) {
            throw usage("--transport must be embedded or zmq, not '" + transport + "'");
        }
        List<String> zmqOnly = Validated.given(spec, ZMQ_ONLY);
        if (!zmq && !zmqOnly.isEmpty()) {
            throw usage(String.join(", ", zmqOnly) + (zmqOnly.size() == 1 ? " applies" : " apply")
                    + " only to --transport zmq (the embedded run has no test channel process and no feedback delay)");
        }
        if (resume) {
            if (zmq) {
                throw usage("--resume works with the embedded transport; block processes resume from their own"
                        + " checkpoints");
            }
            checkResume(c);
            return;
        }
        if (zmq) {
            checkZmq(c);
        }
        try {
            c.requireFits(Runtime.getRuntime().maxMemory());
        } catch (IllegalArgumentException e) {
            throw usage(flagsOf(e.getMessage()) + e.getMessage());
        }
    }

    /**
     * --resume continues the file's configuration (only --iterations applies): a flag that would
     * change it is refused, naming the file's value. A flag that repeats the file's value is fine.
     */
    private void checkResume(TrainConfig requested) {
        Path model = TrainingSession.modelPath(out());
        if (!java.nio.file.Files.exists(model)) {
            throw usage("--resume: there is no " + model + " to continue (train into this --out first)");
        }
        List<String> given = Validated.given(spec, CONFIG_FLAGS);
        if (given.isEmpty()) {
            return;
        }
        Map<String, Object> file;
        try {
            file = org.grmodelfree.store.ModelFile.configMap(org.grmodelfree.store.ModelFile.load(model).config());
        } catch (java.io.IOException | RuntimeException e) {
            return; // the run reports a file it cannot read, naming it
        }
        String conflict = Validated.resumeConflict(model, given, TrainCommand::configKeys,
                org.grmodelfree.store.ModelFile.configMap(requested), file, "--iterations");
        if (conflict != null) {
            throw usage(conflict);
        }
    }

    /** The configuration keys a flag sets. */
    private static List<String> configKeys(String flag) {
        return switch (flag) {
            case "--channel" -> List.of("channel");
            case "--snr-db" -> List.of("snr_db");
            case "--method" -> List.of("method");
            case "--messages" -> List.of("messages");
            case "--symbols" -> List.of("symbols");
            case "--hidden" -> List.of("tx_hidden", "rx_hidden");
            case "--batch-rx" -> List.of("batch_rx");
            case "--batch-tx" -> List.of("batch_tx");
            case "--rx-steps" -> List.of("rx_steps");
            case "--tx-steps" -> List.of("tx_steps");
            case "--lr-rx" -> List.of("lr_rx");
            case "--lr-tx" -> List.of("lr_tx");
            case "--lr-final" -> List.of("lr_final_factor");
            case "--sigma2" -> List.of("sigma2");
            case "--sigma2-final" -> List.of("sigma2_final");
            case "--baseline" -> List.of("baseline");
            case "--fine-tune" -> List.of("fine_tune_steps");
            case "--seed" -> List.of("seed");
            case "--eval-every" -> List.of("eval_every");
            case "--patience" -> List.of("patience");
            case "--energy" -> List.of("energy");
            case "--feedback-bits" -> List.of("feedback_bits");
            case "--feedback-drop" -> List.of("feedback_drop");
            case "--mirrored" -> List.of("mirrored");
            case "--rx-restart" -> List.of("rx_restart");
            case "--learn-sigma2" -> List.of("learn_sigma2");
            default -> List.of(); // --paper: a recipe, not one value
        };
    }

    /** What the ZeroMQ link supports, and its flags within the limits of the blocks that read them. */
    private void checkZmq(TrainConfig c) {
        if (c.method() != Method.ALTERNATING) {
            throw usage("--method " + c.method().id() + " does not work with --transport zmq: it trains model-free"
                    + " (alternating); the supervised method needs a gradient through the channel");
        }
        if (c.fineTuneSteps() > 0 || c.patience() > 0) {
            throw usage("--fine-tune and --patience do not work with --transport zmq yet");
        }
        if (c.energy() != EnergyScope.CODEBOOK) {
            throw usage("--energy " + c.energy().id() + " does not work with --transport zmq: the transmitter block"
                    + " normalises over its codebook");
        }
        if (c.learnSigma2()) {
            throw usage("--learn-sigma2 does not work with --transport zmq: the policy sampler block takes s^2 from"
                    + " the schedule (or its runtime setting), not from the transmitter");
        }
        if (c.mirrored()) {
            throw usage("--mirrored does not work with --transport zmq: the policy sampler block draws one noise per"
                    + " message");
        }
        if ((toChannel == null) != (fromChannel == null)) {
            throw usage("--to-channel and --from-channel go together: the two ends of a channel that runs elsewhere");
        }
        if (toChannel != null) {
            try {
                org.grmodelfree.wire.Endpoints.requireTcp(toChannel, true);
                org.grmodelfree.wire.Endpoints.requireTcp(fromChannel, false);
            } catch (IllegalArgumentException e) {
                throw usage((e.getMessage().contains("'" + toChannel + "'") ? "--to-channel: " : "--from-channel: ")
                        + e.getMessage());
            }
            List<String> test = Validated.given(spec, TEST_CHANNEL);
            if (!test.isEmpty()) {
                throw usage(String.join(", ", test) + " set the test channel process, which --to-channel and"
                        + " --from-channel replace with the channel elsewhere");
            }
        }
        checkBlockParam("--snr-db", org.grmodelfree.block.ChannelBlock.SNR_DB, c.snrDb());
        checkBlockParam("--symbols", org.grmodelfree.block.ChannelBlock.SYMBOLS, c.symbols());
        checkBlockParam("--channel-shift", org.grmodelfree.block.ChannelBlock.SHIFT, channelShift);
        checkBlockParam("--channel-hold-back", org.grmodelfree.block.ChannelBlock.HOLD_BACK, channelHoldBack);
        checkBlockParam("--feedback-delay-ms", org.grmodelfree.block.LossFeedbackBlock.DELAY_MS, feedbackDelayMs);
        checkBlockParam("--feedback-drop", org.grmodelfree.block.LossFeedbackBlock.DROP, feedbackDrop);
        checkBlockParam("--feedback-bits", org.grmodelfree.block.LossFeedbackBlock.QUANTIZE_BITS, feedbackBits);
    }

    private void checkBlockParam(String flag, org.grmodelfree.block.ParamSpec p, Number value) {
        try {
            p.parse(value instanceof Double d ? Double.toString(d) : value.toString());
        } catch (IllegalArgumentException e) {
            throw usage(flag + ": " + e.getMessage());
        }
    }

    private picocli.CommandLine.ParameterException usage(String message) {
        return new picocli.CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** Which flags set the quantity a configuration message names (TrainConfig's wording). */
    private static final String[][] FLAGS_BY_WORDING = {
        {"unknown channel", "--channel"}, {"unknown method", "--method"}, {"unknown baseline", "--baseline"},
        {"final learning-rate", "--lr-final"}, {"learning rate", "--lr-rx", "--lr-tx"},
        {"final exploration", "--sigma2-final"}, {"exploration variance", "--sigma2"},
        {"batch", "--batch-rx", "--batch-tx"}, {"messages", "--messages"}, {"symbols", "--symbols"},
        {"2n", "--symbols"}, {"n = ", "--symbols"}, {"hidden", "--hidden"}, {"iterations", "--iterations"},
        {"receiver step", "--rx-steps"}, {"transmitter steps", "--tx-steps"}, {"snr", "--snr-db"},
        {"fine-tune", "--fine-tune"}, {"evaluation interval", "--eval-every"}, {"patience", "--patience"},
        {"energy normalisation", "--energy"}, {"feedback bits", "--feedback-bits"},
        {"drop probability", "--feedback-drop"}, {"per-message", "--baseline"}, {"mirrored", "--mirrored"}, {"rate restart", "--rx-restart"},
        {"learned exploration", "--learn-sigma2"}, {"feedback quantisation", "--feedback-bits", "--feedback-drop"},
    };

    private String flagsOf(String message) {
        return Validated.flagsOf(spec, message, FLAGS_BY_WORDING);
    }

    TrainConfig config() {
        try {
            ChannelKind ch = ChannelKind.parse(channel);
            Method m = Method.parse(method);
            TrainConfig d = paper ? TrainConfig.paper(ch, m, 4000, 1) : TrainConfig.defaults(ch);
            int mm = or(messages, d.messages());
            double s2 = or(sigma2, d.sigma2());
            return d.toBuilder().snrDb(or(snrDb, d.snrDb())).method(m).messages(mm).symbols(or(symbols, d.symbols()))
                    .txHidden(or(hidden, messages != null ? mm : d.txHidden()))
                    .rxHidden(or(hidden, messages != null ? mm : d.rxHidden()))
                    .iterations(or(iterations, d.iterations())).batchRx(or(batchRx, d.batchRx()))
                    .batchTx(or(batchTx, d.batchTx())).rxSteps(or(rxSteps, d.rxSteps())).txSteps(or(txSteps, d.txSteps()))
                    .lrRx(or(lrRx, d.lrRx())).lrTx(or(lrTx, d.lrTx())).lrFinalFactor(or(lrFinal, d.lrFinalFactor()))
                    .sigma2(s2).sigma2Final(or(sigma2Final, sigma2 != null ? s2 : d.sigma2Final()))
                    .baseline(baseline == null ? d.baseline() : Baseline.parse(baseline))
                    .fineTuneSteps(or(fineTune, d.fineTuneSteps())).seed(or(seed, d.seed()))
                    .evalEvery(or(evalEvery, d.evalEvery())).patience(or(patience, d.patience()))
                    .energy(energy == null ? d.energy() : EnergyScope.parse(energy)).feedbackBits(feedbackBits)
                    .feedbackDrop(feedbackDrop).mirrored(mirrored).rxRestart(or(rxRestart, d.rxRestart()))
                    .learnSigma2(learnSigma2).build();
        } catch (IllegalArgumentException e) {
            throw usage(flagsOf(e.getMessage()) + e.getMessage());
        }
    }

    private static <T> T or(T v, T d) {
        return v != null ? v : d;
    }

    static void printSummary(java.io.PrintWriter o, Map<String, Object> s, Path out) {
        @SuppressWarnings("unchecked")
        java.util.List<Double> ci = (java.util.List<Double>) s.get("bler_ci95");
        o.printf(Locale.ROOT, "%s over %s at %.1f dB: %d iterations in %.1f s%n", s.get("method"), s.get("channel"),
                (Double) s.get("snr_db"), (Integer) s.get("iterations"), (Double) s.get("train_seconds"));
        o.printf(Locale.ROOT, "BLER %.3e (%d errors in %d messages, 95%% CI %.2e..%.2e); uncoded QPSK %.3e%n",
                (Double) s.get("bler"), (Long) s.get("bler_errors"), (Long) s.get("bler_messages"), ci.get(0), ci.get(1),
                (Double) s.get("qpsk_bler"));
        if (s.get("sigma2_learned") instanceof Double s2) {
            o.printf(Locale.ROOT, "learned exploration variance at the end: s^2 = %.4g%n", s2);
        }
        Object md = s.get("bler_min_distance");
        if (md instanceof Map<?, ?> mdm) {
            o.printf(Locale.ROOT, "minimum-distance decisions on the learned codebook: BLER %.3e (%d errors in %d)%n",
                    (Double) mdm.get("bler"), (Long) mdm.get("errors"), (Long) mdm.get("messages"));
        }
        EvaluateCommand.printTable(o, s);
        o.println("wrote " + out.toAbsolutePath().normalize() + "/{model.msgpack, summary.json, codebook.csv, "
                + "learning_curve.csv, bler_curve.csv, bler.png, learning_curve.png, constellation.png}");
        o.flush();
    }
}
