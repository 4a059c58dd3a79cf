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
        subcommands = {TrainCommand.class, EvaluateCommand.class, CompareCommand.class, BenchCommand.class,
                BlockCommand.class, FlowgraphCommand.class, ExportCommand.class, GrSetupCommand.class, SemanticCommand.class,
                KeysCommand.class, SweepCommand.class})
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
        return run(new CommandLine(new Main()), args, out, err);
    }

    /**
     * Runs a command line of the given commands (tests add one) as {@link #run(String[], PrintWriter,
     * PrintWriter)} does. An {@link Error} from anywhere in a command, an OutOfMemoryError above
     * all, ends in one line naming what ran out and what to change, and status 1.
     */
    static int run(CommandLine cl, String[] args, PrintWriter out, PrintWriter err) {
        System.setProperty("java.awt.headless", "true");
        configure(cl, out, err);
        cl.setParameterExceptionHandler((ex, a) -> usageError(ex, err));
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (System.getenv("MODELFREE_DEBUG") != null) {
                ex.printStackTrace(err);
            }
            err.println("modelfree: error: " + oneLine(describe(ex)));
            return 1;
        });
        try {
            return cl.execute(args);
        } catch (Error e) {
            if (System.getenv("MODELFREE_DEBUG") != null) {
                e.printStackTrace(err);
            }
            err.println("modelfree: error: " + describe(e));
            err.flush();
            return 1;
        }
    }

    /** One line for an Error: what ran out and what to change, or what broke and how to see more. */
    private static String describeError(Error e) {
        if (e instanceof OutOfMemoryError) {
            return String.format(java.util.Locale.ROOT, "out of memory (%s; the JVM may use %.1f GB here): give it"
                    + " more with MODELFREE_JAVA_OPTS=-Xmx<size>, e.g. -Xmx8g, or make the sizes smaller (train:"
                    + " --messages, --hidden, --symbols, --batch-rx, --batch-tx; semantic train: --batch,"
                    + " --train-images)", e.getMessage() == null ? "OutOfMemoryError" : e.getMessage(),
                    Runtime.getRuntime().maxMemory() / 1e9);
        }
        if (e instanceof StackOverflowError) {
            return "the call stack ran out (StackOverflowError): give threads a larger stack with"
                    + " MODELFREE_JAVA_OPTS=-Xss16m, and report it (MODELFREE_DEBUG=1 prints where it happened)";
        }
        return "internal error " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + " (MODELFREE_DEBUG=1 prints where it happened)";
    }

    /**
     * Parses a command line and runs only its command's {@link Validated#validate}: 0 when the
     * flags make a run, 2 with the usage error printed as {@link #run} prints it. Starts no work
     * and creates nothing.
     */
    static int check(String[] args, PrintWriter out, PrintWriter err) {
        return check(new CommandLine(new Main()), args, out, err);
    }

    /** The same on a command line that may be reused (picocli resets every option before it parses). */
    static int check(CommandLine cl, String[] args, PrintWriter out, PrintWriter err) {
        configure(cl, out, err);
        try {
            CommandLine.ParseResult pr = cl.parseArgs(args);
            while (pr.hasSubcommand()) {
                pr = pr.subcommand();
            }
            if (pr.isUsageHelpRequested() || pr.isVersionHelpRequested()) {
                return 0;
            }
            Object command = pr.commandSpec().userObject();
            if (command instanceof Validated v) {
                v.validate();
            } else if (command instanceof Runnable r && !(command instanceof java.util.concurrent.Callable<?>)) {
                r.run(); // the command groups (modelfree, semantic) only say that a subcommand is missing
            }
            return 0;
        } catch (CommandLine.ParameterException ex) {
            return usageError(ex, err);
        }
    }

    /**
     * Streams, the help texts of shared options (loaded through this class's loader: under
     * spark-submit, picocli may come from another), and paths converted with a plain message
     * (picocli's names the JDK exception).
     */
    private static void configure(CommandLine cl, PrintWriter out, PrintWriter err) {
        cl.setResourceBundle(java.util.ResourceBundle.getBundle("org.grmodelfree.cli.options", java.util.Locale.ROOT,
                Main.class.getClassLoader()));
        cl.setOut(out);
        cl.setErr(err);
        cl.registerConverter(java.nio.file.Path.class, s -> {
            try {
                return java.nio.file.Path.of(s);
            } catch (java.nio.file.InvalidPathException e) {
                throw new CommandLine.TypeConversionException("'" + s + "' is no path here (" + e.getReason() + ")");
            }
        });
    }

    private static int usageError(CommandLine.ParameterException ex, PrintWriter err) {
        err.println("modelfree: " + oneLine(ex.getMessage()));
        err.println("Try 'modelfree " + commandPath(ex.getCommandLine()) + "--help' for usage.");
        return 2;
    }

    /** The process's standard input (only Main touches the standard streams). */
    static java.io.InputStream standardInput() {
        return System.in;
    }

    /** The message on one line: control characters and line separators (e.g. in a quoted argument) escaped. */
    static String oneLine(String message) {
        StringBuilder sb = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (Character.isISOControl(c) || c == (char) 0x2028 || c == (char) 0x2029) {
                sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String commandPath(CommandLine cl) {
        StringBuilder sb = new StringBuilder();
        for (CommandLine c = cl; c != null && c.getParent() != null; c = c.getParent()) {
            sb.insert(0, c.getCommandName() + " ");
        }
        return sb.toString();
    }

    private static String describe(Throwable ex) {
        for (Throwable c = ex; c != null; c = c.getCause()) {
            if (c instanceof Error e) { // e.g. from a worker thread, wrapped in an ExecutionException
                return describeError(e);
            }
        }
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

    /**
     * A command that checks its flags before it does anything: no folder made, no file written, no
     * work started. {@link Main#check} runs only this, so tests can try any command line cheaply.
     */
    interface Validated {
        /**
         * Throws a picocli ParameterException, naming the flag, when the flags do not make a run.
         * Reads files at most (a model to resume), never writes.
         */
        void validate();

        /** The flags among names that were given on the command line, in the order of names. */
        static java.util.List<String> given(picocli.CommandLine.Model.CommandSpec spec, java.util.List<String> names) {
            picocli.CommandLine.ParseResult pr = spec.commandLine().getParseResult();
            return names.stream().filter(n -> pr != null && pr.hasMatchedOption(n)).toList();
        }

        /**
         * The usage message for resuming the run in model with flags (given, each setting the
         * configuration keys keysOf names) whose values (want) differ from the file's (file), or null
         * when none does. A flag that sets no single key (a recipe such as --paper) always differs.
         */
        static String resumeConflict(java.nio.file.Path model, java.util.List<String> given,
                                     java.util.function.Function<String, java.util.List<String>> keysOf,
                                     java.util.Map<String, Object> want, java.util.Map<String, Object> file,
                                     String applies) {
            java.util.List<String> changing = new java.util.ArrayList<>();
            StringBuilder values = new StringBuilder();
            for (String flag : given) {
                java.util.List<String> keys = keysOf.apply(flag);
                boolean differs = keys.isEmpty();
                for (String key : keys) {
                    if (!String.valueOf(file.get(key)).equals(String.valueOf(want.get(key)))) {
                        differs = true;
                        values.append(values.length() == 0 ? "" : ", ").append(key).append(' ').append(file.get(key));
                    }
                }
                if (differs) {
                    changing.add(flag);
                }
            }
            if (changing.isEmpty()) {
                return null;
            }
            return "--resume continues " + model + " with the configuration it was trained with; "
                    + String.join(", ", changing) + " would change it"
                    + (values.length() == 0 ? "" : " (the file's " + values + ")") + ": leave "
                    + (changing.size() == 1 ? "it" : "them") + " out (only " + applies + " applies), or train into a new"
                    + " --out";
        }

        /**
         * The flags behind a configuration message, e.g. "--batch-rx, --batch-tx: " for "batch sizes
         * must be positive": rows of table are a wording (lower case) and the flags that set it; of
         * those, the ones given on the command line, else all. "" when no wording matches.
         */
        static String flagsOf(picocli.CommandLine.Model.CommandSpec spec, String message, String[][] table) {
            String m = message.toLowerCase(java.util.Locale.ROOT);
            java.util.List<String> flags = new java.util.ArrayList<>();
            for (String[] row : table) {
                if (m.contains(row[0])) {
                    java.util.List<String> named = java.util.List.of(row).subList(1, row.length);
                    java.util.List<String> typed = given(spec, named);
                    for (String f : typed.isEmpty() ? named : typed) {
                        if (!flags.contains(f)) {
                            flags.add(f);
                        }
                    }
                }
            }
            return flags.isEmpty() ? "" : String.join(", ", flags) + ": ";
        }
    }
}
