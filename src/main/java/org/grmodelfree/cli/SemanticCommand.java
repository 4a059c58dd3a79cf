package org.grmodelfree.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grmodelfree.cli.Main.Validated;
import org.grmodelfree.run.Progress;
import org.grmodelfree.run.SnrRange;
import org.grmodelfree.semantic.model.SemanticConfig;
import org.grmodelfree.semantic.model.SemanticMethod;
import org.grmodelfree.semantic.run.SemanticSession;
import org.grmodelfree.semantic.store.SemanticModelFile;
import org.grmodelfree.train.Baseline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code modelfree semantic}: the semantic-communication system of docs/design.md, "Semantic communication" (RL-SINFONY). */
@Command(name = "semantic", mixinStandardHelpOptions = true,
        description = "Distributed image classification over a noisy channel (RL-SINFONY): train, then compare runs.",
        subcommands = {SemanticCommand.Train.class, SemanticCommand.Compare.class})
final class SemanticCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: train or compare");
    }

    @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Train the four agents and the receiver; write summary.json, the model, learning curves and plots.")
    static final class Train implements Callable<Integer>, Validated {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--dataset", description = "mnist or fashion (default: ${DEFAULT-VALUE})", defaultValue = "mnist")
        String dataset;

        @Option(names = "--method", description = "rl, model-aware or perfect (default: ${DEFAULT-VALUE})",
                defaultValue = "rl")
        String method;

        @Option(names = "--paper", description = "start from the paper's plain recipe (for rl: no loss baseline,"
                + " independent exploration) instead of the tuned defaults (rl: mean baseline, mirrored exploration)")
        boolean paper;

        @Option(names = "--reduced", description = "the reduced extractor, batch 100 and a subset of the images"
                + " (8000 training, 2000 test)")
        boolean reduced;

        @Option(names = "--epochs", description = "training epochs (default, reduced: " + SemanticConfig.REDUCED_EPOCHS
                + " model-aware/perfect, " + SemanticConfig.REDUCED_RL_EPOCHS + " rl; full: " + SemanticConfig.FULL_EPOCHS
                + " and " + SemanticConfig.FULL_RL_EPOCHS + "; on --resume, keeps the file's)")
        Integer epochs;

        @Option(names = "--fine-tune-epochs", description = "receiver-only epochs at the end (default: 1 for rl)")
        Integer fineTune;

        @Option(names = "--batch", description = "examples per step (default: 500, reduced 100)")
        Integer batch;

        @Option(names = "--lr", description = "Adam learning rate (default: 1e-3)")
        Double lr;

        @Option(names = "--sigma2", description = "exploration variance s^2 (default: 0.15)")
        Double sigma2;

        @Option(names = "--learn-sigma2", description = "learn s^2 by the policy gradient")
        boolean learnSigma2;

        @Option(names = "--baseline", arity = "0..1", fallbackValue = "mean",
                description = "loss baseline, as train's: none or mean (subtract the batch's mean loss from the"
                        + " fed-back losses); --baseline alone is mean (default: mean for rl; paper: none)")
        String baseline;

        @Option(names = "--mirrored", negatable = true, description = "antithetic exploration: each"
                + " transmitter-phase image is sent twice, with the policy noise w and with -w; --no-mirrored sends it"
                + " once (default: mirrored for rl; paper: not)")
        Boolean mirrored;

        @Option(names = "--rx-steps", description = "receiver steps per alternation (default: 10)")
        Integer rxSteps;

        @Option(names = "--tx-steps", description = "transmitter steps per alternation (default: 10)")
        Integer txSteps;

        @Option(names = "--snr-range", description = "training SNR range low:high in dB (default: -4:6)")
        String snrRange;

        @Option(names = "--train-images", description = "training images (default: all; reduced 8000)")
        Integer trainImages;

        @Option(names = "--test-images", description = "test images (default: all; reduced 2000)")
        Integer testImages;

        @Option(names = "--seed", description = "seed (default: 1)")
        Long seed;

        @Option(names = "--curve-snr-db", converter = SnrRangeConverter.class,
                description = "SNRs of the accuracy curve (default: -10:2:20)")
        SnrRange curveSnrs;

        @Mixin
        OutputOptions output;

        @Option(names = "--resume", description = "continue from OUT/semantic-model.msgpack")
        boolean resume;

        @Mixin
        ProgressOptions progressOptions;

        /** Flags that set the run's configuration, which --resume takes from the file (all but --epochs). */
        static final List<String> CONFIG_FLAGS = List.of("--dataset", "--method", "--paper", "--reduced",
                "--fine-tune-epochs", "--batch", "--lr", "--sigma2", "--learn-sigma2", "--baseline", "--mirrored",
                "--rx-steps", "--tx-steps", "--snr-range", "--train-images", "--test-images", "--seed");

        private Path dir(SemanticConfig requested) {
            return output.orElse(Path.of("out", "semantic-" + requested.dataset() + "-" + requested.method().id()));
        }

        /** The configuration, and on --resume a file to resume whose configuration no flag changes. */
        @Override
        public void validate() {
            SemanticConfig requested = config();
            if (!resume) {
                return;
            }
            Path model = dir(requested).resolve(SemanticSession.MODEL);
            if (!java.nio.file.Files.exists(model)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--resume: there is no " + model
                        + " to continue (train into this --out first)");
            }
            List<String> given = Validated.given(spec, CONFIG_FLAGS);
            if (given.isEmpty()) {
                return;
            }
            Map<String, Object> file;
            try {
                file = SemanticModelFile.configMap(SemanticModelFile.load(model).config());
            } catch (java.io.IOException | RuntimeException e) {
                return; // the run reports a file it cannot read, naming it
            }
            String conflict = Validated.resumeConflict(model, given, Train::configKeys,
                    SemanticModelFile.configMap(requested), file, "--epochs");
            if (conflict != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), conflict);
            }
        }

        private static List<String> configKeys(String flag) {
            return switch (flag) {
                case "--snr-range" -> List.of("snr_low_db", "snr_high_db");
                case "--paper" -> List.of(); // a recipe, not one value
                default -> List.of(flag.substring(2).replace('-', '_'));
            };
        }

        @Override
        public Integer call() throws Exception {
            validate();
            SemanticConfig requested = config();
            Path dir = dir(requested);
            double[] snrs = curveSnrs != null ? curveSnrs.values() : SnrRange.parse("-10:2:20");
            Progress progress = progressOptions.progress(spec.commandLine().getErr());
            Map<String, Object> summary = SemanticSession.run(requested, dir, resume, epochs, snrs, progress);
            printSummary(spec.commandLine().getOut(), summary, dir);
            return 0;
        }

        SemanticConfig config() {
            try {
                SemanticMethod m = SemanticMethod.parse(method);
                SemanticConfig d = paper ? SemanticConfig.paper(dataset, m, reduced)
                        : SemanticConfig.defaults(dataset, m, reduced);
                double lo = d.snrLowDb();
                double hi = d.snrHighDb();
                if (snrRange != null) {
                    String[] p = snrRange.split(":");
                    try {
                        if (p.length != 2) {
                            throw new NumberFormatException();
                        }
                        lo = Double.parseDouble(p[0]);
                        hi = Double.parseDouble(p[1]);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--snr-range must be low:high, not '" + snrRange + "'");
                    }
                }
                return new SemanticConfig(d.dataset(), m, reduced, or(trainImages, d.trainImages()),
                        or(testImages, d.testImages()), d.channelUses(), d.rxWidth(), or(batch, d.batch()),
                        or(lr, d.lr()), d.weightDecay(), lo, hi, or(sigma2, d.sigma2()), learnSigma2,
                        baseline != null ? meanBaseline(baseline) : d.baseline(),
                        or(mirrored, d.mirrored()),
                        or(rxSteps, d.rxSteps()), or(txSteps, d.txSteps()), or(epochs, d.epochs()),
                        or(fineTune, d.fineTuneEpochs()), or(seed, d.seed()));
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                throw new CommandLine.ParameterException(spec.commandLine(),
                        (m.contains("--") ? "" : Validated.flagsOf(spec, m, FLAGS_BY_WORDING)) + m);
            }
        }

        /** Which flags set the quantity a configuration message names (SemanticConfig's wording). */
        private static final String[][] FLAGS_BY_WORDING = {
            {"dataset", "--dataset"}, {"method must", "--method"}, {"unknown baseline", "--baseline"},
            {"image counts", "--train-images", "--test-images"}, {"batch", "--batch"}, {"learning rate", "--lr"},
            {"snr", "--snr-range"}, {"s^2", "--sigma2"}, {"receiver and transmitter steps", "--rx-steps", "--tx-steps"},
            {"epochs", "--epochs", "--fine-tune-epochs"},
        };

        /** Semantic training subtracts the batch mean or nothing: each image is sent once per batch. */
        private static boolean meanBaseline(String id) {
            Baseline b = Baseline.parse(id);
            if (b == Baseline.MESSAGE) {
                throw new IllegalArgumentException("unknown baseline '" + id + "' for semantic training (each image is"
                        + " sent once), expected none or mean");
            }
            return b == Baseline.MEAN;
        }

        private static <T> T or(T v, T d) {
            return v != null ? v : d;
        }

        static void printSummary(PrintWriter o, Map<String, Object> s, Path out) {
            o.printf(Locale.ROOT, "%s on %s: %d epochs in %.1f s (%.1f s CPU)%n", s.get("method"), s.get("dataset"),
                    (Integer) s.get("epochs"), (Double) s.get("train_seconds"), (Double) s.get("cpu_seconds"));
            o.printf(Locale.ROOT, "accuracy %.4f at %.1f dB, %.4f without noise%n", (Double) s.get("accuracy_high_snr"),
                    (Double) s.get("high_snr_db"), (Double) s.get("accuracy_no_noise"));
            o.println("wrote " + out.toAbsolutePath().normalize() + "/{" + SemanticSession.MODEL + ", summary.json, "
                    + "learning_curve.csv, accuracy_curve.csv, error_rate.png, learning_curve.png}");
            o.flush();
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Plot several semantic runs together: error rate vs SNR normalised by the spectral"
                    + " efficiency, and the test cross-entropy vs epoch.")
    static final class Compare implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(arity = "1..*", description = "run folders (each with summary.json and learning_curve.csv)")
        List<Path> runs;

        @Mixin
        OutputOptions output;

        @Option(names = "--title", description = "plot title prefix (default: the data sets)")
        String title;

        @Override
        public Integer call() throws Exception {
            Path out = output.orElse(Path.of("out/semantic-compare"));
            List<Map<String, Object>> rows = SemanticSession.compare(runs, out, title);
            PrintWriter o = spec.commandLine().getOut();
            o.printf(Locale.ROOT, "%-28s %-12s %6s %10s %10s %12s%n", "run", "method", "epochs", "acc@high", "no noise",
                    "train s");
            for (Map<String, Object> row : rows) {
                o.printf(Locale.ROOT, "%-28s %-12s %6s %10.4f %10.4f %12.1f%n", row.get("label"), row.get("method"),
                        row.get("epochs"), ((Number) row.get("accuracy_high_snr")).doubleValue(),
                        ((Number) row.get("accuracy_no_noise")).doubleValue(),
                        ((Number) row.get("train_seconds")).doubleValue());
            }
            o.println("wrote " + out.toAbsolutePath().normalize() + "/{error_rate_vs_snr.png, learning_curves.png, compare.json}");
            o.flush();
            return 0;
        }
    }
}
