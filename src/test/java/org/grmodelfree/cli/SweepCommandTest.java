package org.grmodelfree.cli;

import static org.grmodelfree.cli.CliTest.assertOneLineError;
import static org.grmodelfree.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepCommandTest {
    @TempDir
    Path dir;

    private Path grid(String text) throws Exception {
        Path f = dir.resolve("g.yaml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aGridRunsAndItsRerunSkipsEveryCell() throws Exception {
        Path g = grid("""
                name: cli
                train: {messages: 8, symbols: 2, iterations: 20, eval-every: 10, batch-rx: 100, batch-tx: 100}
                axes: {sigma2: [0.01, 0.05], seed: 1..2}
                measure: {test-messages: 2000, max-messages: 5000}
                """);
        Path out = dir.resolve("out");
        CliTest.Run r = run("sweep", g.toString(), "--out", out.toString(), "--master", "local[2]");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("4 cells: 4 run now"), r.out());
        assertTrue(r.err().contains("cells 4/4 done, 0 running, 0 failed"), r.err());
        List<String> table = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(5, table.size());
        assertTrue(table.get(0).startsWith("key,sigma2,seed,status"), table.get(0));
        assertTrue(Files.size(out.resolve("final_bler_sigma2.png")) > 1000);
        assertEquals(Files.readString(g), Files.readString(out.resolve("grid.yaml")));

        CliTest.Run again = run("sweep", g.toString(), "--out", out.toString(), "--master", "local[2]", "--quiet");
        assertEquals(0, again.status(), again.err());
        assertTrue(again.out().contains("4 cells: 0 run now in"), again.out());
        assertTrue(again.out().contains("4 had results already"), again.out());
    }

    @Test
    void dryRunListsTheCellsWithTheirKeys() throws Exception {
        Path g = grid("axes: {method: [alternating, supervised], seed: 3..4}\ntrain: {iterations: 5}");
        CliTest.Run r = run("sweep", g.toString(), "--dry-run");
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("g: 4 cells", lines.get(0));
        assertTrue(lines.get(4).matches("[0-9a-f]{24}  method=supervised, seed=4"), lines.get(4));
        assertFalse(Files.exists(Path.of("out", "sweep", "g")) && !Files.exists(dir.resolve("never")), "no folder");
    }

    @Test
    void badGridsAndFlagsAreOneLineUsageErrorsNamingTheCell() throws Exception {
        assertOneLineError(run("sweep", dir.resolve("none.yaml").toString()), 2, "no grid file");
        assertOneLineError(run("sweep", grid("axes: {out: [a, b]}").toString()), 2, "'out' is not a train flag");
        assertOneLineError(run("sweep", grid("axes: {transport: [zmq]}").toString()), 2, "'transport' is not a train flag");
        assertOneLineError(run("sweep", grid("axes: {sigma2: [0.02, 2]}").toString()), 2,
                "cell sigma2=2: --sigma2");
        assertOneLineError(run("sweep", grid("axes: {energy: [peak]}").toString()), 2, "--energy");
        assertOneLineError(run("sweep", grid("axes: {seed: [1]}").toString(), "--master", "mesos://x"), 2,
                "--master: 'mesos://x' is no Spark master URL");
        assertOneLineError(run("sweep", grid("axes: {seed: [1]}").toString(), "--retries", "-1"), 2, "--retries");
        assertOneLineError(run("sweep", grid("axis: {seed: [1]}").toString()), 2, "unknown section 'axis'");
    }
}
