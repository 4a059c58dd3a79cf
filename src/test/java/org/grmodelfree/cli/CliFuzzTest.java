package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.store.ModelFile;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * 100,000 generated command lines (issue 17) through picocli's parsing and each command's
 * validation ({@link Main#check}), never starting work: argument lists built from the real
 * commands' options, with mutated valid values, extreme numbers, NaN, empty and random strings,
 * unknown flags, missing values and stray arguments. Each ends in success or in a usage error:
 * status 2, one line naming a flag or an argument, and the hint; never another exception, a stack
 * trace or a folder.
 */
class CliFuzzTest {
    static final int INPUTS = 100_000;
    /** The commands with flags and a validation of their own. */
    static final List<List<String>> COMMANDS = List.of(List.of("train"), List.of("evaluate"), List.of("compare"),
            List.of("semantic", "train"), List.of("flowgraph"));

    @TempDir
    Path tmp;

    @Test
    void generated_command_lines_parse_and_validate_or_are_one_line_usage_errors() throws IOException {
        // one run to resume, so that --resume meets a real file too
        Path resumable = tmp.resolve("resumable");
        TrainConfig c = TrainConfig.builder(ChannelKind.AWGN).messages(4).symbols(1).hidden(4).iterations(5)
                .batch(8).build();
        ModelFile.save(TrainingSessionPaths.model(resumable), Trainer.create(c), 0, new LearningCurve());
        Path model = TrainingSessionPaths.model(resumable);
        List<String> before = listing(tmp);
        List<String> cwdBefore = outsideBuild(Path.of("").toAbsolutePath());

        CommandLine root = new CommandLine(new Main());
        List<CommandSpec> specs = new ArrayList<>();
        for (List<String> path : COMMANDS) {
            CommandLine cl = root;
            for (String name : path) {
                cl = cl.getSubcommands().get(name);
            }
            specs.add(cl.getCommandSpec());
        }
        Values values = new Values(tmp, resumable, model);
        long t0 = System.nanoTime();
        int accepted = 0;
        int refused = 0;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < INPUTS && failures.size() < 5; i++) {
            long seed = 1_000_003L * 17 + i;
            Random r = new Random(seed);
            int which = r.nextInt(COMMANDS.size());
            List<String> args = new ArrayList<>(COMMANDS.get(which));
            args.addAll(arguments(specs.get(which), r, values));
            String[] a = args.toArray(String[]::new);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int status;
            try {
                status = Main.check(root, a, new PrintWriter(out, true), new PrintWriter(err, true));
                if (i % 1000 == 0) { // the reused command line must answer as a fresh one does
                    StringWriter fresh = new StringWriter();
                    int again = Main.check(a, new PrintWriter(new StringWriter(), true), new PrintWriter(fresh, true));
                    if (again != status || !fresh.toString().equals(err.toString())) {
                        failures.add("input " + i + " (seed " + seed + ") " + List.of(a) + ": reused " + status + " "
                                + err + " but fresh " + again + " " + fresh);
                    }
                }
            } catch (Throwable t) {
                failures.add("input " + i + " (seed " + seed + ") " + List.of(a) + ": " + t);
                continue;
            }
            String problem = problem(status, err.toString(), a);
            if (problem != null) {
                failures.add("input " + i + " (seed " + seed + ") " + List.of(a) + ": " + problem);
            } else if (status == 0) {
                accepted++;
            } else {
                refused++;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.err.println(String.format(Locale.ROOT, "fuzz command lines: %d inputs, %d accepted, %d refused,"
                + " %.1f s", accepted + refused, accepted, refused, seconds));
        assertTrue(failures.isEmpty(), failures.toString());
        assertEquals(INPUTS, accepted + refused);
        assertTrue(accepted > INPUTS / 50 && refused > INPUTS / 2, accepted + " accepted, " + refused + " refused");
        assertEquals(before, listing(tmp), "validation made or removed files");
        assertEquals(cwdBefore, outsideBuild(Path.of("").toAbsolutePath()), "validation made files in the working"
                + " folder");
    }

    /** Why a result is wrong, or null: status 0, or 2 with one line naming a flag or an argument and the hint. */
    private static String problem(int status, String err, String[] args) {
        if (status == 0) {
            return null;
        }
        if (status != 2) {
            return "status " + status + ": " + err;
        }
        List<String> lines = err.lines().toList();
        if (lines.size() != 2 || !lines.get(0).startsWith("modelfree: ") || !lines.get(1).startsWith("Try 'modelfree ")) {
            return "not one usage line and the hint: " + err;
        }
        String first = lines.get(0);
        if (first.contains("\tat ") || first.contains("Exception")) {
            return "a stack trace or an exception's name: " + err;
        }
        if (first.contains("--") || first.contains("parameter: 'NAME'")) { // a flag, or flowgraph's argument
            return null;
        }
        for (String a : args) {
            String quoted = Main.oneLine(a.length() > 40 ? a.substring(0, 40) : a);
            if (a.isBlank() ? first.contains("'" + a + "'") : first.contains(quoted)) {
                return null;
            }
        }
        return "names no flag and no argument: " + first;
    }

    /** The arguments after the command's name: 0 to 6 options, sometimes a stray or broken one. */
    private static List<String> arguments(CommandSpec spec, Random r, Values v) {
        List<OptionSpec> options = spec.options().stream()
                .filter(o -> !o.usageHelp() && !o.versionHelp()).toList();
        List<String> a = new ArrayList<>();
        if (spec.name().equals("flowgraph")) {
            a.add(v.flowgraphName(r));
        }
        if (spec.name().equals("evaluate") && r.nextInt(4) != 0) {
            a.add("--model");
            a.add(v.path(r));
        }
        int n = r.nextInt(7);
        for (int k = 0; k < n; k++) {
            OptionSpec o = options.get(r.nextInt(options.size()));
            String name = o.names()[r.nextInt(o.names().length)];
            int what = r.nextInt(20);
            if (what == 0) {
                a.add(v.unknownFlag(r));
            } else if (what == 1) {
                a.add(v.random(r)); // a stray argument
            } else if (what == 2) {
                a.add(name); // the value missing, or the next option taken as it
            } else if (o.arity().max() == 0) {
                a.add(name);
            } else if (r.nextInt(8) == 0) {
                a.add(name + "=" + v.value(o, r));
            } else {
                a.add(name);
                a.add(v.value(o, r));
            }
        }
        if (!a.contains("--out") && r.nextInt(3) != 0) {
            a.add("--out");
            a.add(r.nextInt(4) == 0 ? v.resumable.toString() : v.path(r));
        }
        if (r.nextInt(10) == 0) {
            a.add("--resume");
        }
        return a;
    }

    /** Values for an option's type: valid ones, their neighbours, extremes and garbage. */
    private record Values(Path tmp, Path resumable, Path model) {
        static final String[] INTS = {"0", "1", "-1", "2", "4", "16", "1000", "2147483647", "-2147483648",
            "2147483648", "9223372036854775807", "-9223372036854775808", "99999999999999999999", "1e3", "0x10",
            " 5", "", "NaN", "100000000", "65536", "200000"};
        static final String[] REALS = {"0", "-0.0", "1", "0.5", "1.5", "-1", "1e-3", "1e308", "-1e308", "4.9e-324",
            "NaN", "Infinity", "-Infinity", "", "1,5", "10", "0.02", "2e-4", "abc", "1e400"};
        static final String[] WORDS = {"awgn", "rbf", "alternating", "supervised", "mean", "none", "embedded",
            "zmq", "mnist", "fashion", "rl", "model-aware", "perfect", "awgn,rbf", "0:2:14", "-4:6", "6", "0,5,10",
            "5:0:10", "NaN:1:5", "0:1e-9:1e9", "1e308:1:1e308", ",", ":", "::", "0.001,0.5", "64,256", "1,-1",
            "fiber", "", " ", "-", "--", "a:b"};

        String value(OptionSpec o, Random r) {
            Class<?> t = o.type();
            if (t == Path.class) {
                return path(r);
            }
            if (r.nextInt(10) == 0) {
                return random(r);
            }
            if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
                return r.nextInt(3) == 0 ? Long.toString(r.nextLong() >> r.nextInt(64)) : pick(INTS, r);
            }
            if (t == double.class || t == Double.class) {
                return r.nextInt(3) == 0 ? Double.toString(r.nextGaussian() * Math.pow(10, r.nextInt(20) - 10))
                        : pick(REALS, r);
            }
            if (t == List.class || o.splitRegex().length() > 0) {
                return r.nextBoolean() ? pick(WORDS, r) : pick(REALS, r) + "," + pick(INTS, r);
            }
            return r.nextInt(4) == 0 ? pick(INTS, r) : pick(WORDS, r);
        }

        String path(Random r) {
            return switch (r.nextInt(8)) {
                case 0 -> "";
                case 1 -> "/dev/zero";
                case 2 -> model.toString();
                case 3 -> tmp + "/nul" + (r.nextBoolean() ? "\0" : "") + "byte";
                case 4 -> tmp.resolve("x".repeat(1 + r.nextInt(300))).toString();
                default -> tmp.resolve("out" + r.nextInt(100)).resolve("sub").toString();
            };
        }

        String flowgraphName(Random r) {
            return switch (r.nextInt(6)) {
                case 0 -> "train_awgn";
                case 1 -> "../etc/passwd";
                case 2 -> tmp.resolve("none.grc").toString();
                case 3 -> "a\0b";
                case 4 -> "";
                default -> random(r);
            };
        }

        String unknownFlag(Random r) {
            return r.nextBoolean() ? "--frobnicate" : "--" + random(r);
        }

        /** Random text: short or very long, printable or any character. */
        String random(Random r) {
            int len = r.nextInt(10) == 0 ? 10_000 : r.nextInt(12);
            StringBuilder sb = new StringBuilder(len);
            boolean any = r.nextBoolean();
            for (int i = 0; i < len; i++) {
                sb.append((char) (any ? 1 + r.nextInt(0xd7ff) : 32 + r.nextInt(95)));
            }
            return sb.toString();
        }

        private static String pick(String[] a, Random r) {
            return a[r.nextInt(a.length)];
        }
    }

    /** Where a run's model file is (TrainingSession's rule). */
    private static final class TrainingSessionPaths {
        static Path model(Path out) {
            return org.grmodelfree.run.TrainingSession.modelPath(out);
        }
    }

    /**
     * The working folder's files but Maven's and git's own (target/, .git/), which the build writes
     * while tests run (Maven writes each test class's report as it finishes).
     */
    private static List<String> outsideBuild(Path cwd) throws IOException {
        Path target = cwd.resolve("target");
        Path git = cwd.resolve(".git");
        return listing(cwd).stream().filter(f -> !Path.of(f).startsWith(target) && !Path.of(f).startsWith(git))
                .toList();
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(Path::toString).sorted().toList();
        }
    }
}
