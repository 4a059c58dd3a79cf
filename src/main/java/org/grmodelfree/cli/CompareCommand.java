package org.grmodelfree.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.grmodelfree.cli.Main.Validated;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.experiments.GradientAccuracy;
import org.grmodelfree.experiments.MethodComparison;
import org.grmodelfree.train.Baseline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code modelfree compare}: the paper's comparison of alternating (model-free) and supervised
 * (model-aware) training with the paper's plain recipe, averaged over seeds; or, with
 * {@code --gradient}, the accuracy of the policy-gradient estimate itself ({@link MethodComparison},
 * {@link GradientAccuracy}).
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reproduce the paper's comparison: learning curves averaged over seeds (mean and one standard "
                + "deviation), alternating vs supervised, AWGN and RBF, and BLER vs SNR after training; the runs are the cells"
                + " of a sweep on Apache Spark (--master for a cluster), and a rerun skips the finished ones.",
            "With --gradient: cosine similarity and relative error of the policy-gradient estimate against the true "
                + "gradient, as functions of s^2 and batch size."})
final class CompareCommand implements Callable<Integer>, Validated {

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

    @Mixin
    OutputOptions output;

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

    @Option(names = "--baseline", defaultValue = "none", description = "with --gradient: loss baseline, none, mean or message (default: ${DEFAULT-VALUE})")
    String baseline;

    @Mixin
    SweepOptions sweep;

    @Mixin
    ProgressOptions progressOptions;

    /** Flags that only the gradient study reads. */
    static final List<String> GRADIENT_ONLY = List.of("--model", "--sigma2-list", "--batches", "--trials", "--baseline");
    /** Flags of the sweep the comparison runs on. */
    static final List<String> SWEEP_ONLY = List.of("--master", "--parallelism", "--retries", "--conf");

    @Override
    public void validate() {
        if (seeds < 1 || iterations < 1 || evalEvery < 1 || evalMessages < 1 || maxMessages < 1 || trials < 2) {
            throw usage("--seeds, --iterations, --eval-every, --eval-messages and --max-messages must be positive,"
                    + " --trials at least 2");
        }
        sweep.validate(spec);
        if (!gradient) {
            List<String> ignored = Validated.given(spec, GRADIENT_ONLY);
            if (!ignored.isEmpty()) {
                throw usage(String.join(", ", ignored) + (ignored.size() == 1 ? " applies" : " apply")
                        + " only with --gradient");
            }
            for (String ch : channels) {
                try {
                    ChannelKind.parse(ch.trim());
                } catch (IllegalArgumentException e) {
                    throw usage("--channels: " + e.getMessage());
                }
            }
            return;
        }
        List<String> sweepOnly = Validated.given(spec, SWEEP_ONLY);
        if (!sweepOnly.isEmpty()) {
            throw usage(String.join(", ", sweepOnly) + (sweepOnly.size() == 1 ? " applies" : " apply")
                    + " only without --gradient (the comparison runs as a sweep; the gradient study in this process)");
        }
        try {
            Baseline.parse(baseline);
        } catch (IllegalArgumentException e) {
            throw usage("--baseline: " + e.getMessage());
        }
        for (double s2 : sigma2s) {
            if (!(s2 > 0 && s2 < 1)) {
                throw usage("--sigma2-list values must lie in (0, 1), got " + s2);
            }
        }
        for (int bb : batches) {
            if (bb < 1) {
                throw usage("--batches must be positive, got " + bb);
            }
        }
    }

    private picocli.CommandLine.ParameterException usage(String message) {
        return new picocli.CommandLine.ParameterException(spec.commandLine(), message);
    }

    @Override
    public Integer call() throws Exception {
        validate();
        Path out = output.orElse(Path.of("out/compare"));
        Files.createDirectories(out);
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!gradient) {
            try {
                return new MethodComparison(seeds, iterations, channels, evalEvery, evalMessages, maxMessages, out,
                        stdout, err, progressOptions.quiet, sweep.settings(spec)).run();
            } catch (MethodComparison.UsageException e) {
                throw usage(e.getMessage());
            } catch (NoClassDefFoundError e) {
                throw org.grmodelfree.sweep.SweepRun.sparkMissing(e);
            }
        }
        return new GradientAccuracy(model, sigma2s, batches, trials, Baseline.parse(baseline), out, stdout, err,
                progressOptions.quiet).run();
    }
}
