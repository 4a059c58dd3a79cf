package org.grmodelfree.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grmodelfree.cli.Main.Validated;
import org.grmodelfree.gnuradio.FlowgraphRun;
import org.grmodelfree.report.Json;
import org.grmodelfree.run.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code ./modelfree flowgraph NAME [flags]}: compiles flowgraphs/NAME.grc with grcc and runs it
 * headless under Debian's Python, with the blocks' YAML and Python package on GNU Radio's paths.
 * Flags it does not know go to the flowgraph (its parameter blocks are its flags). A training
 * flowgraph (train_*) ends when the schedule is done; its learning blocks' checkpoints are joined
 * into model.msgpack, evaluated as {@code ./modelfree train} evaluates, and then the trained and an
 * untrained model are each run through the flowgraph's own channel in stream mode, which gives the
 * block error rates through GNU Radio. {@code evaluate} runs a model through GNU Radio at each SNR.
 * The run itself is {@link FlowgraphRun}'s.
 */
@Command(name = "flowgraph", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Compile a flowgraph of flowgraphs/ or any .grc file with grcc and run it headless (train_* or"
                + " a file with a Model-free Transmitter and Receiver: train and evaluate; evaluate, evaluate_*: BLER"
                + " of --model; qpsk_reference: GNU Radio's QPSK link, and with --model the learned link beside it);"
                + " unknown flags go to the flowgraph, e.g. --iterations 500")
final class FlowgraphCommand implements Callable<Integer>, Validated {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "flowgraph name (a file flowgraphs/NAME.grc), or"
            + " the path of any .grc file: one with a Model-free Transmitter and Receiver trains")
    String name;

    @Mixin
    OutputOptions output;

    @Option(names = "--snr-db", description = "training SNR of the flowgraph's channel (train_*: default its snr_db"
            + " parameter's), or evaluate's SNR points as from:step:to (default: the model's BLER-curve points)")
    String snrDb;

    @Option(names = "--model", description = "evaluate, evaluate_*: the model.msgpack to run through GNU Radio;"
            + " qpsk_reference: a model to run through evaluate_ota_sim beside the reference")
    Path model;

    @Option(names = "--frames", defaultValue = "100",
            description = "frames per run through the flowgraph in stream mode (default: ${DEFAULT-VALUE})")
    int frames;

    @Option(names = "--test-messages", defaultValue = "100000",
            description = "messages at least for the embedded BLER estimate at the training SNR (default: ${DEFAULT-VALUE})")
    long testMessages;

    @Option(names = "--max-messages", defaultValue = "1000000",
            description = "message cap per embedded BLER point (default: ${DEFAULT-VALUE})")
    long maxMessages;

    @Mixin
    ProgressOptions progressOptions;

    @Unmatched
    List<String> flowgraphFlags = new ArrayList<>();

    @Override
    public void validate() {
        if (frames < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--frames must be positive");
        }
        if (testMessages < 1 || maxMessages < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--test-messages and --max-messages must be positive");
        }
        try {
            FlowgraphRun.checkName(name);
        } catch (FlowgraphRun.UsageException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        validate();
        Path dir = output.orElse(Path.of("runs", "flowgraph-" + FlowgraphRun.label(name)));
        Path made = null; // the topmost folder this command creates, if any
        for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            made = p;
        }
        Files.createDirectories(dir);
        Progress progress = progressOptions.progress(spec.commandLine().getErr());
        Map<String, Object> summary;
        try {
            summary = new FlowgraphRun(name, snrDb, model, frames, testMessages, maxMessages, flowgraphFlags)
                    .run(dir, progress);
        } catch (FlowgraphRun.UsageException e) {
            // the flowgraph itself or its flags do not make a headless run (found once it was read or
            // compiled): the folder this command made for it holds nothing of use
            if (made != null) {
                deleteTree(made);
            }
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        spec.commandLine().getOut().println(Json.toCompactString(summary));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** Best effort: removes a folder this command made, with what a refused run left in it. */
    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (java.io.IOException ignored) {
            // the usage error is what the user needs to see
        }
    }
}
