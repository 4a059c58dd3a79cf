package org.grmodelfree.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./modelfree}: train, evaluate, compare and benchmark model-free end-to-end learned links.
 * Errors end in one line on standard error naming the problem and a non-zero exit status, never a
 * stack trace (set MODELFREE_DEBUG=1 to get one).
 */
@Command(name = "modelfree", mixinStandardHelpOptions = true, version = "gr-modelfree 0.1.0",
        description = "Model-free end-to-end learning of a radio transmitter and receiver.",
        resourceBundle = "org.grmodelfree.cli.options",
        subcommands = {TrainCommand.class, EvaluateCommand.class, CompareCommand.class, BenchCommand.class,
                BlockCommand.class, FlowgraphCommand.class, ExportCommand.class, GrSetupCommand.class, SemanticCommand.class,
                KeysCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: train, evaluate, compare, bench or block");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns the exit status (0 ok, 1 failure, 2 bad usage). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        System.setProperty("java.awt.headless", "true");
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("modelfree: " + ex.getMessage());
            err.println("Try 'modelfree " + commandPath(ex.getCommandLine()) + "--help' for usage.");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (System.getenv("MODELFREE_DEBUG") != null) {
                ex.printStackTrace(err);
            }
            err.println("modelfree: error: " + describe(ex));
            return 1;
        });
        return cl.execute(args);
    }

    /** The process's standard input (only Main touches the standard streams). */
    static java.io.InputStream standardInput() {
        return System.in;
    }

    private static String commandPath(CommandLine cl) {
        StringBuilder sb = new StringBuilder();
        for (CommandLine c = cl; c != null && c.getParent() != null; c = c.getParent()) {
            sb.insert(0, c.getCommandName() + " ");
        }
        return sb.toString();
    }

    private static String describe(Throwable ex) {
        Throwable t = ex;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        if (t instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + m;
        }
        if (t instanceof java.nio.file.AccessDeniedException) {
            return "permission denied: " + m;
        }
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
