package org.grmodelfree.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grmodelfree.cli.Main.Validated;
import org.grmodelfree.sweep.Cell;
import org.grmodelfree.sweep.Grid;
import org.grmodelfree.sweep.Measure;
import org.grmodelfree.sweep.Sweep;
import org.grmodelfree.sweep.SweepRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code modelfree sweep GRID}: every cell of a grid file trained and measured as a task of Apache
 * Spark ({@link SweepRun}); the cells are {@code train}'s flags, checked here before anything runs.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train every cell of a grid (train flags as axes: methods, channels, SNRs, seeds, ...) as tasks"
                + " of Apache Spark, in this process (local mode) or on a cluster, and write one table and plots.",
            "Each cell's result is written as it finishes; run the same command again to finish an interrupted"
                + " sweep (finished cells are skipped, failed ones run again)."})
final class SweepCommand implements Callable<Integer>, Validated {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "GRID", description = "grid file, YAML or JSON (docs/sweeps.md)")
    Path grid;

    @Mixin
    OutputOptions output;

    @Mixin
    SweepOptions sweep;

    @Option(names = "--dry-run", description = "list the cells and exit")
    boolean dryRun;

    @Mixin
    ProgressOptions progressOptions;

    /** train's flags that a cell may set: its configuration, its length and its measurements. */
    static final List<String> CELL_FLAGS;

    static {
        List<String> f = new ArrayList<>(TrainCommand.CONFIG_FLAGS);
        f.add("--iterations");
        Grid.MEASURE_FLAGS.forEach(m -> f.add("--" + m));
        CELL_FLAGS = List.copyOf(f);
    }

    private Grid read;
    private List<Cell> cells;

    @Override
    public void validate() {
        sweep.validate(spec);
        try {
            read = Grid.read(grid);
        } catch (java.nio.file.NoSuchFileException e) {
            throw usage("no grid file " + grid);
        } catch (java.io.IOException e) {
            throw usage("cannot read " + grid + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        cells = cells(read, this::usage);
    }

    /**
     * The grid's cells, each checked as {@code train} checks its flags; an error names the cell.
     *
     * @param error makes the usage error of a message
     */
    static List<Cell> cells(Grid g, java.util.function.Function<String, RuntimeException> error) {
        List<Cell> out = new ArrayList<>();
        for (Map<String, String> axes : g.cells()) {
            Map<String, String> flags = new LinkedHashMap<>(g.train());
            flags.putAll(axes);
            flags.putAll(g.measure());
            for (String k : flags.keySet()) {
                if (!CELL_FLAGS.contains("--" + k)) {
                    throw error.apply("grid: '" + k + "' is not a train flag a cell may set (" + String.join(", ",
                            CELL_FLAGS.stream().map(s -> s.substring(2)).toList()) + ")");
                }
            }
            // test-messages 0: no final BLER at the training SNR (train itself always measures it)
            boolean noTest = "0".equals(flags.get("test-messages"));
            if (noTest) {
                flags.remove("test-messages");
            }
            TrainCommand t = new TrainCommand();
            CommandLine cl = new CommandLine(t);
            try {
                cl.parseArgs(Grid.commandLine(flags).toArray(String[]::new));
                t.validate();
                double[] snrs = t.curveSnrs != null ? t.curveSnrs.values() : new double[0];
                out.add(Cell.of(axes, t.config(), new Measure(snrs, noTest ? 0 : t.testMessages, t.maxMessages)));
            } catch (CommandLine.ParameterException | IllegalArgumentException e) {
                String where = axes.isEmpty() ? "the grid's cell" : "cell " + axes.toString().replaceAll("[{}]", "");
                throw error.apply(where + ": " + e.getMessage());
            }
        }
        return out;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    @Override
    public Integer call() throws Exception {
        validate();
        PrintWriter o = spec.commandLine().getOut();
        if (dryRun) {
            o.printf(Locale.ROOT, "%s: %d cells%n", read.name(), cells.size());
            for (Cell c : cells) {
                o.println(c.key() + "  " + c.label());
            }
            o.flush();
            return 0;
        }
        Path out = output.orElse(Path.of("out", "sweep", read.name()));
        Files.createDirectories(out);
        Files.copy(grid, out.resolve("grid" + extension(grid)), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Sweep.Outcome r = SweepRun.run(read.name(), new ArrayList<>(read.axes().keySet()), cells, out,
                sweep.settings(spec), spec.commandLine().getErr(), progressOptions.quiet);
        SweepRun.printSummary(o, r, out);
        return r.failed() > 0 ? 1 : 0;
    }

    private static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot >= 0 ? n.substring(dot) : ".yaml";
    }
}
