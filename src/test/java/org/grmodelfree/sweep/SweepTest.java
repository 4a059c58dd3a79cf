package org.grmodelfree.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.train.Method;
import org.grmodelfree.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweeps in Spark's local mode: results as a direct run gives them, reruns, retries and failures. */
class SweepTest {
    @TempDir
    Path dir;

    /** A small link (M = 16, N = 2) trained for a few iterations: a second or so per cell. */
    static List<Cell> tinyGrid() {
        List<Cell> cells = new ArrayList<>();
        for (Method m : Method.values()) {
            for (int seed = 1; seed <= 2; seed++) {
                TrainConfig c = TrainConfig.builder(ChannelKind.AWGN).messages(16).symbols(2).hidden(16)
                        .iterations(40).batch(200).evalEvery(20).evalMessages(2000).method(m).seed(seed).build();
                LinkedHashMap<String, String> axes = new LinkedHashMap<>();
                axes.put("method", m.id());
                axes.put("seed", Integer.toString(seed));
                cells.add(Cell.of(axes, c, new Measure(new double[] {4, 8}, 5000, 20_000)));
            }
        }
        return cells;
    }

    static Sweep.Settings local(int retries) {
        return new Sweep.Settings("local[2]", retries, 0, List.of(), Map.of());
    }

    private Sweep.Outcome run(List<Cell> cells, Sweep.Settings s, CellTask task, StringWriter err) throws Exception {
        return Sweep.run(cells, dir, s, task, new PrintWriter(err, true), false);
    }

    @Test
    void cellsRunAsTasksGiveWhatADirectRunGivesAndReRunsSkipThem() throws Exception {
        List<Cell> cells = tinyGrid();
        StringWriter err = new StringWriter();
        Sweep.Outcome o = run(cells, local(0), CellTask.TRAIN, err);
        assertEquals(4, o.ran());
        assertEquals(0, o.skipped());
        assertEquals(0, o.failed());
        assertTrue(err.toString().contains("cells 4/4 done, 0 running, 0 failed, 0 retried"), err.toString());
        for (int i = 0; i < cells.size(); i++) {
            CellResult r = o.results().get(i);
            assertTrue(r.done(), r.toString());
            assertEquals(cells.get(i).key(), r.key());
            assertEquals(2, r.curve().size());
            assertEquals(2, r.snrCurve().size());
            assertTrue(r.bler() > 0 && r.bler() < 1, "BLER " + r.bler());
            assertTrue(Files.isRegularFile(dir.resolve("cells").resolve(r.key() + ".json")));
        }
        // a cell's result is what training it in this thread gives (seeded, thread-split independent)
        assertEquals(CellRun.run(cells.get(3)).figures(), o.results().get(3).figures());
        // the written file reads back as the same result
        assertEquals(o.results().get(2), new ResultStore(dir.resolve("cells")).finished(cells.get(2).key()));

        // a rerun finds every result; one removed and one damaged file run again
        assertEquals(4, run(cells, local(0), CellTask.TRAIN, new StringWriter()).skipped());
        Files.delete(dir.resolve("cells").resolve(cells.get(0).key() + ".json"));
        Files.writeString(dir.resolve("cells").resolve(cells.get(1).key() + ".json"), "{\"key\": ");
        Sweep.Outcome again = run(cells, local(0), CellTask.TRAIN, new StringWriter());
        assertEquals(2, again.skipped());
        assertEquals(2, again.ran());
        for (int i = 0; i < cells.size(); i++) {
            assertEquals(o.results().get(i).figures(), again.results().get(i).figures());
        }

        SweepReport.write(dir, "tiny", List.of("method", "seed"), o.results());
        List<String> table = Files.readAllLines(dir.resolve("results.csv"));
        assertEquals(5, table.size());
        assertTrue(table.get(0).startsWith("key,method,seed,status,attempts"), table.get(0));
        assertTrue(table.get(0).contains("bler_at_4db,bler_at_8db,error"), table.get(0));
        assertEquals(3, Files.readAllLines(dir.resolve("recipes.csv")).size());
        assertEquals(1 + 2 * 2, Files.readAllLines(dir.resolve("learning_curves.csv")).size());
        for (String png : List.of("learning_curves.png", "bler_vs_snr.png", "final_bler_method.png")) {
            assertTrue(Files.size(dir.resolve(png)) > 1000, png);
        }

        // a grid with an axis added since (batch-tx, here at the value the runs had) reuses them under its own axes
        List<Cell> wider = new ArrayList<>();
        for (Cell c : cells) {
            LinkedHashMap<String, String> axes = c.axes();
            axes.put("batch-tx", "200");
            wider.add(Cell.of(axes, c.config(), c.measure()));
        }
        Sweep.Outcome reused = run(wider, local(0), CellTask.TRAIN, new StringWriter());
        assertEquals(4, reused.skipped());
        assertEquals("200", reused.results().get(0).axes().get("batch-tx"));
        SweepReport.write(dir, "tiny", List.of("method", "seed", "batch-tx"), reused.results());
        assertTrue(Files.readAllLines(dir.resolve("results.csv")).get(1).contains(",200,"),
                Files.readAllLines(dir.resolve("results.csv")).get(1));
    }

    /** Fails every attempt of the cell with seed 2; counts attempts per cell (local mode: one JVM). */
    static final Map<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();

    @Test
    void aCellThatFailsEveryAttemptIsRetriedAndReportedWithItsErrorAndTheOthersFinish() throws Exception {
        ATTEMPTS.clear();
        List<Cell> cells = tinyGrid();
        CellTask failing = cell -> {
            ATTEMPTS.computeIfAbsent(cell.key(), k -> new AtomicInteger()).incrementAndGet();
            if (cell.axes().get("seed").equals("2") && cell.axes().get("method").equals("supervised")) {
                throw new IllegalStateException("receiver diverged (test)");
            }
            return CellRun.run(cell);
        };
        StringWriter err = new StringWriter();
        Sweep.Outcome o = run(cells, local(2), failing, err);
        assertEquals(4, o.ran());
        assertEquals(1, o.failed());
        CellResult bad = o.results().get(3);
        assertFalse(bad.done());
        assertEquals(3, bad.attempts());
        assertEquals(3, ATTEMPTS.get(cells.get(3).key()).get());
        assertTrue(bad.error().startsWith("java.lang.IllegalStateException: receiver diverged (test)"), bad.error());
        assertNull(bad.bler());
        assertTrue(err.toString().contains("cell method=supervised, seed=2 failed after 3 attempts"), err.toString());
        assertTrue(err.toString().contains("2 retried"), err.toString());
        for (int i = 0; i < 3; i++) {
            assertTrue(o.results().get(i).done());
            assertEquals(1, ATTEMPTS.get(cells.get(i).key()).get());
        }
        // the failure is in the table, with its error; a rerun tries the failed cell again, and only it
        SweepReport.write(dir, "tiny", List.of("method", "seed"), o.results());
        String table = Files.readString(dir.resolve("results.csv"));
        assertTrue(table.contains(",supervised,2,failed,3,"), table);
        assertTrue(table.contains("receiver diverged (test)"), table);
        Sweep.Outcome again = run(cells, local(2), CellTask.TRAIN, new StringWriter());
        assertEquals(3, again.skipped());
        assertEquals(1, again.ran());
        assertTrue(again.results().get(3).done());
    }

    @Test
    void aCellThatFailsOnceIsRetriedAndFinishes() throws Exception {
        ATTEMPTS.clear();
        List<Cell> cells = tinyGrid().subList(0, 2);
        CellTask flaky = cell -> {
            if (ATTEMPTS.computeIfAbsent(cell.key(), k -> new AtomicInteger()).incrementAndGet() == 1) {
                throw new java.io.IOException("lost the disk for a moment (test)");
            }
            return CellRun.run(cell);
        };
        Sweep.Outcome o = run(cells, local(1), flaky, new StringWriter());
        assertEquals(0, o.failed());
        for (CellResult r : o.results()) {
            assertTrue(r.done());
            assertEquals(2, r.attempts());
            assertNotNull(r.executor());
        }
    }

    @Test
    void twoCellsThatComputeTheSameRunAreRefused() {
        Cell a = tinyGrid().get(0);
        LinkedHashMap<String, String> other = new LinkedHashMap<>(a.axes());
        other.put("note", "x");
        Cell b = Cell.of(other, a.config(), a.measure());
        String m = assertThrows(IllegalArgumentException.class,
                () -> Sweep.run(List.of(a, b), dir, local(0), CellTask.TRAIN, new PrintWriter(new StringWriter()),
                        true)).getMessage();
        assertTrue(m.contains("are the same run"), m);
    }

    @Test
    void aPlainLocalMasterGetsTheRetries() {
        assertEquals("local[*,3]", SparkSweep.master(new Sweep.Settings(null, 2, 0, List.of(), Map.of())));
        assertEquals("local[4,1]", SparkSweep.master(new Sweep.Settings("local[4]", 0, 0, List.of(), Map.of())));
        assertEquals("local[3,2]", SparkSweep.master(new Sweep.Settings(null, 1, 3, List.of(), Map.of())));
        assertEquals("spark://h:7077", SparkSweep.master(new Sweep.Settings("spark://h:7077", 1, 0, List.of(),
                Map.of())));
    }
}
