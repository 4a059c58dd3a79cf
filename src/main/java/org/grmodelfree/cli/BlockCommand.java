package org.grmodelfree.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.grmodelfree.block.Params;
import org.grmodelfree.launch.BlockProcess;
import org.grmodelfree.launch.Blocks;
import org.grmodelfree.report.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code modelfree block NAME [--param value ...]}: runs one block as its own process over ZeroMQ,
 * or prints its ports and parameters as JSON with {@code --describe}. Log lines go to standard
 * error prefixed by the block's name; the last line on standard output is a JSON object with the
 * block's final status and counters.
 */
@Command(name = "block", mixinStandardHelpOptions = true,
        description = {"Run one block as its own process over ZeroMQ (transmitter, policy-sampler, receiver,"
                + " loss-feedback, channel).",
                "Parameters are --id value; each port's ZeroMQ address is --port tcp://host:port (outputs bind,"
                        + " inputs connect). Use --describe to list them."})
final class BlockCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "the block to run ('all' with --describe: every"
            + " block's description, as a JSON array)")
    String name;

    @picocli.CommandLine.Unmatched
    List<String> args = new java.util.ArrayList<>();

    @Option(names = "--describe", description = "print the block's ports and parameters as JSON and exit")
    boolean describe;

    @Option(names = "--exit-with-parent", hidden = true,
            description = "end when standard input closes (a launcher keeps it open while it lives);"
                    + " lines 'set ID VALUE' on it change run-time parameters")
    boolean exitWithParent;

    @Option(names = "--hold-until-start", hidden = true,
            description = "set up the ports, then wait for a line 'start' on standard input before working (the"
                    + " GNU Radio bridge sends it when the flowgraph starts); needs --exit-with-parent")
    boolean holdUntilStart;

    @Override
    public Integer call() throws Exception {
        if (describe && name.equals("all")) {
            List<Object> all = new java.util.ArrayList<>();
            Blocks.ALL.forEach(e -> all.add(e.spec().describe()));
            spec.commandLine().getOut().println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(all));
            spec.commandLine().getOut().flush();
            return 0;
        }
        Blocks.Entry entry;
        Params params;
        try {
            entry = Blocks.find(name);
            params = entry.spec().parse(args);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (describe) {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(entry.spec().describe()));
            out.flush();
            return 0;
        }
        String prefix = entry.spec().name() + ": ";
        Consumer<String> log = line -> {
            synchronized (err) {
                err.println(prefix + line);
                err.flush();
            }
        };
        BlockProcess.run(entry, params, exitWithParent ? Main.standardInput() : null, holdUntilStart, log,
                result -> {
                    out.println(Json.toCompactString(result));
                    out.flush();
                });
        return 0;
    }
}
