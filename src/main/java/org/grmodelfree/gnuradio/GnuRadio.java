package org.grmodelfree.gnuradio;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.grmodelfree.report.Json;
import org.grmodelfree.run.Progress;

/**
 * GNU Radio on this machine, as the flowgraph command uses it: Debian's /usr/bin/python3 (the only
 * interpreter that imports gnuradio), grcc, and the repository's grc/ (block YAML), python/ (the
 * package gnuradio.modelfree) and flowgraphs/ folders. Runs a generated flowgraph with those on GNU Radio's
 * paths and with MODELFREE_RUN_DIR set, where the blocks leave their checkpoints and results.
 */
public final class GnuRadio {
    public static final String PYTHON = "/usr/bin/python3";
    /** What must import for the flowgraphs to run (the launcher's need_gnuradio checks the same). */
    public static final String IMPORT_CHECK = "from gnuradio import gr, zeromq, channels";
    public static final String INSTALL = "apt-get install -y --no-install-recommends gnuradio python3-zmq";

    private final Path home;

    private GnuRadio(Path home) {
        this.home = home;
    }

    /** The repository (-Dmodelfree.home from the launcher, else the working folder), GNU Radio checked. */
    public static GnuRadio locate() throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("modelfree.home", System.getProperty("user.dir"))).toAbsolutePath();
        if (!Files.isDirectory(home.resolve("flowgraphs")) || !Files.isDirectory(home.resolve("grc"))) {
            throw new IllegalStateException("no flowgraphs/ and grc/ under " + home
                    + ": run the flowgraph command through the repository's ./modelfree");
        }
        Process p = new ProcessBuilder(PYTHON, "-c", IMPORT_CHECK)
                .redirectErrorStream(true).start();
        String why = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("GNU Radio is not usable from " + PYTHON + " (" + lastLine(why)
                    + "); install it with: sudo " + INSTALL);
        }
        return new GnuRadio(home);
    }

    public Path home() {
        return home;
    }

    /** Whether a flowgraph is named by its file (PATH/TO/NAME.grc) rather than as one of flowgraphs/. */
    public static boolean isPath(String name) {
        return name.endsWith(".grc") || name.contains("/");
    }

    /**
     * The flowgraph file of a name (flowgraphs/NAME.grc), or an error listing the names there are;
     * or a .grc file given by its path.
     */
    public Path flowgraph(String name) throws IOException {
        if (isPath(name)) {
            Path f = Path.of(name);
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException("no flowgraph file " + name);
            }
            if (!name.endsWith(".grc")) {
                throw new IllegalArgumentException("flowgraph " + name + " is not a .grc file");
            }
            return f;
        }
        Path f = home.resolve("flowgraphs").resolve(name + ".grc");
        if (!Files.isRegularFile(f)) {
            List<String> names = new ArrayList<>();
            try (Stream<Path> s = Files.list(home.resolve("flowgraphs"))) {
                s.map(x -> x.getFileName().toString()).filter(x -> x.endsWith(".grc")).sorted()
                        .forEach(x -> names.add(x.substring(0, x.length() - 4)));
            }
            throw new IllegalArgumentException("no flowgraph '" + name + "'; there are: " + String.join(", ", names));
        }
        return f;
    }

    /**
     * The flowgraph's parameter blocks (its command-line flags), each id with its default as GRC
     * wrote it (an expression, e.g. '20' or 'train'), in file order.
     */
    public Map<String, String> parameters(String name) throws IOException {
        Map<?, ?> grc = read(name);
        Map<String, String> params = new LinkedHashMap<>();
        if (grc.get("blocks") instanceof List<?> blocks) {
            for (Object o : blocks) {
                if (o instanceof Map<?, ?> b && "parameter".equals(b.get("id"))
                        && b.get("parameters") instanceof Map<?, ?> p) {
                    params.put(String.valueOf(b.get("name")), String.valueOf(p.get("value")));
                }
            }
        }
        return params;
    }

    /** The flowgraph's .grc file as GRC wrote it (YAML: options, blocks, connections). */
    public Map<?, ?> read(String name) throws IOException {
        Path f = flowgraph(name);
        try {
            return new ObjectMapper(new YAMLFactory()).readValue(f.toFile(), Map.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("flowgraph " + f + " is not a GRC file (YAML): " + e.getMessage(), e);
        }
    }

    /** The id of the flowgraph's options block: grcc names the generated script after it. */
    public String id(String name) throws IOException {
        if (read(name).get("options") instanceof Map<?, ?> o && o.get("parameters") instanceof Map<?, ?> p
                && p.get("id") != null) {
            return String.valueOf(p.get("id"));
        }
        throw new IllegalArgumentException("flowgraph " + flowgraph(name) + " has no options block with an id");
    }

    /** Environment for grcc and generated scripts: the block YAML and the Python package on the paths. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        String py = System.getenv("PYTHONPATH");
        // python/ holds gnuradio/modelfree, which gnuradio's __init__ finds on the path (extend_path)
        env.put("PYTHONPATH", home.resolve("python") + (py == null || py.isEmpty() ? "" : ":" + py));
        String grc = System.getenv("GRC_BLOCKS_PATH");
        env.put("GRC_BLOCKS_PATH", home.resolve("grc") + (grc == null || grc.isEmpty() ? "" : ":" + grc));
        String launcher = System.getProperty("modelfree.launcher");
        if (launcher != null) {
            env.put("MODELFREE_LAUNCHER", launcher);
        } else {
            // the jar the launcher has just built: the blocks run it and never build
            env.put("MODELFREE_JAR", System.getProperty("modelfree.jar",
                    home.resolve("target").resolve("gr-modelfree.jar").toString()));
        }
        return env;
    }

    /** Compiles flowgraphs/NAME.grc with grcc into dir; returns the generated script. */
    public Path compile(String name, Path dir, Progress progress) throws IOException, InterruptedException {
        Path grc = flowgraph(name);
        Files.createDirectories(dir);
        progress.message("compiling " + (isPath(name) ? grc : home.relativize(grc)) + " with grcc");
        ProcessBuilder pb = new ProcessBuilder("grcc", "-o", dir.toAbsolutePath().toString(), grc.toString())
                .redirectErrorStream(true);
        pb.environment().putAll(environment());
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Path script = dir.resolve(id(name) + ".py");
        if (p.waitFor() != 0 || !Files.isRegularFile(script)) {
            throw new IllegalStateException("grcc could not compile " + grc + ":\n" + log.strip());
        }
        return script;
    }

    /** A finished flowgraph run: each block's exit and final stats, from the run folder. */
    public static final class Run {
        public final Path runDir;
        public final Path log;
        public final int exit;
        public final Map<String, Map<String, Object>> blocks = new LinkedHashMap<>();

        Run(Path runDir, Path log, int exit) throws IOException {
            this.runDir = runDir;
            this.log = log;
            this.exit = exit;
            if (Files.isDirectory(runDir)) {
                try (Stream<Path> s = Files.list(runDir)) {
                    for (Path f : s.filter(x -> x.toString().endsWith(".json")).sorted().toList()) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> m = Json.mapper().readValue(f.toFile(), Map.class);
                        String n = f.getFileName().toString();
                        blocks.put(n.substring(0, n.length() - 5), m);
                    }
                }
            }
        }

        /** Fails, naming the block and showing its last lines, unless each named block ended well. */
        public void requireSuccess(String... names) {
            for (String n : names) {
                Map<String, Object> b = blocks.get(n);
                if (b == null) {
                    throw new IllegalStateException("the flowgraph (exit " + exit + ") ended before the " + n
                            + " block finished; see " + log);
                }
                Object e = b.get("exit");
                if (!(e instanceof Number x) || x.intValue() != 0) {
                    throw new IllegalStateException("the " + n + " block failed (exit " + e + "):\n"
                            + String.join("", stringList(b.get("stderr_tail"))) + "see " + log);
                }
            }
        }

        /** A block's final stats. */
        public Map<?, ?> stats(String name) {
            Object r = blocks.get(name).get("result");
            if (r instanceof Map<?, ?> m && m.get("stats") instanceof Map<?, ?> s) {
                return s;
            }
            throw new IllegalStateException("the " + name + " block left no stats; see " + log);
        }

        /** Every block's final result line. */
        public Map<String, Object> results() {
            Map<String, Object> r = new LinkedHashMap<>();
            blocks.forEach((k, v) -> r.put(k, v.get("result")));
            return r;
        }

        private static List<String> stringList(Object o) {
            List<String> l = new ArrayList<>();
            if (o instanceof List<?> x) {
                x.forEach(e -> l.add(String.valueOf(e)));
            }
            return l;
        }
    }

    /**
     * Runs a generated flowgraph headless with flags until it ends (the blocks stop it when their
     * work is done). Its output goes to log; lines other than the blocks' periodic stats are also
     * shown as progress.
     */
    public Run run(Path script, List<String> flags, Path runDir, Path log, Progress progress)
            throws IOException, InterruptedException {
        if (Files.isDirectory(runDir)) {
            try (Stream<Path> s = Files.list(runDir)) {
                for (Path f : s.filter(x -> x.toString().endsWith(".json")).toList()) {
                    Files.delete(f);
                }
            }
        }
        Files.createDirectories(runDir);
        List<String> cmd = new ArrayList<>(List.of(PYTHON, "-u", script.toAbsolutePath().toString()));
        cmd.addAll(flags);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(environment());
        pb.environment().put("MODELFREE_RUN_DIR", runDir.toAbsolutePath().toString());
        Process p = pb.start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                w.println(line);
                if (!line.contains(": stats {")) {
                    progress.message(line);
                }
            }
        } finally {
            if (p.isAlive()) {
                p.destroy();
            }
        }
        return new Run(runDir, log, p.waitFor());
    }

    private static String lastLine(String s) {
        String[] lines = s.split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }
}
