package org.grmodelfree.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.grmodelfree.report.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same cells on a real Spark standalone cluster (a master and two workers, separate JVMs on
 * loopback) give exactly what local mode gives, through the API with --master and through
 * spark-submit of the program's jar.
 */
class SparkClusterTest {
    @TempDir
    static Path dir;
    static SparkStandalone cluster;
    static Path jar;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = SparkStandalone.start(Files.createDirectories(dir.resolve("cluster")), 2);
        jar = SparkStandalone.jarOf(Path.of("target", "classes"), dir.resolve("gr-modelfree-classes.jar"));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Loopback only, and every task waits for both workers' executors. */
    static final Map<String, String> LOOPBACK = Map.of("spark.driver.host", "127.0.0.1",
            "spark.driver.bindAddress", "127.0.0.1", "spark.scheduler.minRegisteredResourcesRatio", "1.0",
            "spark.executor.memory", "512m");

    @Test
    void theSameCellsOnTheClusterGiveExactlyWhatLocalModeGives() throws Exception {
        List<Cell> cells = SweepTest.tinyGrid();
        PrintWriter quiet = new PrintWriter(new StringWriter());
        Sweep.Outcome local = Sweep.run(cells, dir.resolve("local"), SweepTest.local(0), CellTask.TRAIN, quiet, true);
        Sweep.Settings onCluster = new Sweep.Settings(cluster.masterUrl(), 1, 2, List.of(jar.toString()), LOOPBACK);
        StringWriter err = new StringWriter();
        Sweep.Outcome remote = Sweep.run(cells, dir.resolve("remote"), onCluster, CellTask.TRAIN,
                new PrintWriter(err, true), false);
        assertEquals(0, remote.failed(), () -> remote.results() + "\n" + err + safeLogs());
        Set<String> executors = new TreeSet<>();
        for (int i = 0; i < cells.size(); i++) {
            CellResult l = local.results().get(i);
            CellResult r = remote.results().get(i);
            assertTrue(r.done(), r::toString);
            assertEquals(l.figures(), r.figures(), "cell " + cells.get(i).label());
            assertTrue(r.executor().endsWith("@127.0.0.1") && !r.executor().startsWith("driver"), r.executor());
            executors.add(r.executor());
        }
        assertEquals(2, executors.size(), "both workers' executors ran cells: " + executors);
    }

    @Test
    void sparkSubmitOfTheJarRunsAGridFileAsLocalModeDoes() throws Exception {
        Path grid = dir.resolve("submit-grid.yaml");
        Files.writeString(grid, """
                name: submit
                train: {messages: 16, symbols: 2, iterations: 30, eval-every: 15, batch-rx: 200, batch-tx: 200}
                axes:
                  method: [alternating, supervised]
                  seed: [7, 8]
                measure: {test-messages: 5000, max-messages: 20000}
                """);
        Path local = dir.resolve("submit-local");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = org.grmodelfree.cli.Main.run(new String[] {"sweep", grid.toString(), "--out", local.toString(),
                "--quiet", "--master", "local[2]"}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, status, err::toString);

        Path remote = dir.resolve("submit-remote");
        List<String> cmd = new ArrayList<>(List.of(SparkStandalone.java(), "--add-modules", "jdk.incubator.vector",
                "-Dmodelfree.threads=1", "-Xmx1g"));
        for (String m : List.of("java.lang", "java.lang.invoke", "java.nio", "sun.nio.ch", "java.util",
                "java.util.concurrent", "java.net", "java.io", "sun.nio.cs", "sun.security.action", "sun.util.calendar")) {
            cmd.add("--add-opens=java.base/" + m + "=ALL-UNNAMED");
        }
        cmd.addAll(List.of("-cp", String.join(java.io.File.pathSeparator, SparkStandalone.sparkJars()),
                "org.apache.spark.deploy.SparkSubmit", "--master", cluster.masterUrl(), "--class",
                "org.grmodelfree.cli.Main"));
        for (Map.Entry<String, String> e : LOOPBACK.entrySet()) {
            cmd.addAll(List.of("--conf", e.getKey() + "=" + e.getValue()));
        }
        cmd.addAll(List.of(jar.toString(), "sweep", grid.toString(), "--out", remote.toString(), "--quiet"));
        Path log = dir.resolve("spark-submit.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = p.waitFor(300, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor();
        }
        assertTrue(ended && p.exitValue() == 0, () -> "spark-submit: " + (ended ? "status " + p.exitValue()
                : "still running after 300 s") + "\n" + read(log) + safeLogs());
        assertTrue(read(log).contains("4 cells: 4 run now"), () -> read(log));
        Map<String, CellResult> a = results(local);
        Map<String, CellResult> b = results(remote);
        assertEquals(4, a.size());
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertEquals(a.get(k).figures(), b.get(k).figures(), k);
            assertTrue(b.get(k).executor().endsWith("@127.0.0.1") && !b.get(k).executor().startsWith("driver"));
        }
        assertEquals(Files.readAllLines(local.resolve("recipes.csv")), Files.readAllLines(remote.resolve("recipes.csv")));
    }

    private static Map<String, CellResult> results(Path out) throws Exception {
        ObjectMapper json = Json.mapper();
        Map<String, CellResult> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(out.resolve("cells"))) {
            for (Path f : s.filter(f -> f.toString().endsWith(".json")).toList()) {
                CellResult r = json.readValue(f.toFile(), CellResult.class);
                m.put(r.key(), r);
            }
        }
        return m;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "(" + e + ")";
        }
    }

    private static String safeLogs() {
        try {
            return "\nexecutor logs:\n" + cluster.executorLogs();
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
