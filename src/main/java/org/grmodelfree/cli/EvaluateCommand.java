package org.grmodelfree.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grmodelfree.cli.Main.Validated;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.run.ModelEvaluation;
import org.grmodelfree.run.SnrRange;
import org.grmodelfree.store.ModelFile;
import org.grmodelfree.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code modelfree evaluate}: BLER vs SNR of a trained model. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print and write the BLER table of a trained model (fixed codebook, no exploration).")
final class EvaluateCommand implements Callable<Integer>, Validated {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "model file written by train (model.msgpack)")
    Path model;

    @Option(names = "--snr-db", converter = SnrRangeConverter.class, defaultValue = "0:2:14",
            description = "SNRs in dB: a range start:step:stop or a list (default: ${DEFAULT-VALUE})")
    SnrRange snrs;

    @Option(names = "--channel", description = "evaluate on this channel instead of the model's own (awgn or rbf)")
    String channel;

    @Option(names = "--max-messages", defaultValue = "1000000", description = "message cap per point (default: ${DEFAULT-VALUE})")
    long maxMessages;

    @Option(names = "--seed", defaultValue = "2024", description = "seed of the test messages and noise (default: ${DEFAULT-VALUE})")
    long seed;

    @Mixin
    OutputOptions output;

    @Override
    public void validate() {
        if (maxMessages < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--max-messages must be positive");
        }
        if (channel != null) {
            try {
                ChannelKind.parse(channel);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--channel: " + e.getMessage());
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        validate();
        ModelFile.Loaded loaded = ModelFile.load(model);
        Trainer t = ModelFile.restore(loaded);
        ChannelKind ch = channel == null ? loaded.config().channel() : ChannelKind.parse(channel);
        if (ch != t.receiver().kind()) {
            spec.commandLine().getErr().println("note: the model's receiver was built for " + t.receiver().kind().id()
                    + ", evaluating on " + ch.id());
        }
        Path dir = output.orElse(model.toAbsolutePath().getParent());
        Map<String, Object> result = ModelEvaluation.run(model, loaded, t, ch, snrs.values(), seed, maxMessages, dir);
        printTable(spec.commandLine().getOut(), result);
        spec.commandLine().getOut().println("wrote " + dir.toAbsolutePath().normalize() + "/{evaluation.json, evaluation.csv, evaluation.png}");
        return 0;
    }

    static void printTable(java.io.PrintWriter o, Map<String, Object> s) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> curve = (List<Map<String, Object>>) s.get("bler_curve");
        o.printf(Locale.ROOT, "%8s  %11s  %9s  %10s  %21s  %11s%n", "snr_db", "bler", "errors", "messages", "95% CI", "qpsk_bler");
        for (Map<String, Object> p : curve) {
            @SuppressWarnings("unchecked")
            List<Double> ci = (List<Double>) p.get("ci95");
            o.printf(Locale.ROOT, "%8.2f  %11.3e  %9d  %10d  %10.2e..%9.2e  %11.3e%n", (Double) p.get("snr_db"),
                    (Double) p.get("bler"), (Long) p.get("errors"), (Long) p.get("messages"), ci.get(0), ci.get(1),
                    (Double) p.get("qpsk_bler"));
        }
        o.flush();
    }
}
