package org.grmodelfree.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridTest {
    @TempDir
    Path dir;

    private Grid grid(String text) throws Exception {
        Path f = dir.resolve("g.yaml");
        Files.writeString(f, text);
        return Grid.read(f);
    }

    private String error(String text) {
        return assertThrows(IllegalArgumentException.class, () -> grid(text)).getMessage();
    }

    @Test
    void axesExpandIntoEveryCombinationFirstAxisSlowest() throws Exception {
        Grid g = grid("""
                train: {paper: true, iterations: 500}
                axes:
                  channel: [awgn, rbf]
                  snr_db: [8, 10.5]
                  seed: 1..3
                measure: {test-messages: 0}
                """);
        assertEquals("g", g.name());
        assertEquals(List.of("channel", "snr-db", "seed"), List.copyOf(g.axes().keySet()));
        List<java.util.LinkedHashMap<String, String>> cells = g.cells();
        assertEquals(12, cells.size());
        assertEquals(Map.of("channel", "awgn", "snr-db", "8", "seed", "1"), cells.get(0));
        assertEquals(Map.of("channel", "awgn", "snr-db", "8", "seed", "2"), cells.get(1));
        assertEquals(Map.of("channel", "rbf", "snr-db", "10.5", "seed", "3"), cells.get(11));
        assertEquals(List.of("--paper", "--iterations", "500"), Grid.commandLine(g.train()));
        assertEquals(List.of("--test-messages", "0"), Grid.commandLine(g.measure()));
    }

    @Test
    void jsonGridsAndFalseSwitchesWork() throws Exception {
        Path f = dir.resolve("named.json");
        Files.writeString(f, "{\"name\": \"j\", \"train\": {\"paper\": false}, \"axes\": {\"method\": [\"supervised\"]}}");
        Grid g = Grid.read(f);
        assertEquals("j", g.name());
        assertEquals(List.of(), Grid.commandLine(g.train()));
        assertEquals(1, g.cells().size());
    }

    @Test
    void mistakesAreNamed() {
        assertTrue(error("axis: {seed: [1]}").contains("unknown section 'axis'"));
        assertTrue(error("axes: {seed: []}").contains("axis 'seed' has no values"));
        assertTrue(error("axes: {seed: [1, 1]}").contains("repeats a value"));
        assertTrue(error("axes: {seed: 5..1}").contains("must go up"));
        assertTrue(error("train: {seed: 1}\naxes: {seed: [2, 3]}").contains("both an axis and a fixed flag"));
        assertTrue(error("train: {seed: [1, 2]}").contains("a list belongs under axes"));
        assertTrue(error("measure: {iterations: 5}").contains("'iterations' is not one of"));
        assertTrue(error("axes: [seed]").contains("axes is a map"));
        assertTrue(error("axes: {seed: [1, 2}").contains("is not a YAML or JSON grid"));
        assertTrue(error("axes: {a: 1..1000, b: 1..1000, c: 1..10}").contains("more than 1000000 cells"));
    }

    /**
     * A stored result is found by its cell's key, so keys must not change under it: settings added
     * since (the receiver's rate restart, the learned exploration variance) enter a key only when set, and the cells that fine-tune got
     * new keys when fine-tuning changed its schedule (fine-tune-v2), so a rerun never reuses their
     * old results.
     */
    @Test
    void keysChangeOnlyForCellsThatComputeSomethingNew() throws Exception {
        // the default run until 2026-12-07 (4000 iterations, transmitter batch 1000), seed 1
        org.grmodelfree.train.TrainConfig plain = org.grmodelfree.train.TrainConfig.defaults(
                org.grmodelfree.comm.ChannelKind.AWGN).toBuilder().iterations(4000).batch(1000).build();
        Measure m = new Measure(new double[0], 100_000, 1_000_000);
        assertEquals("ddb83e08dad6578945c9ee54", Cell.keyOf(plain, m), "a cell stored since cell-v1");
        java.util.Map<String, Object> settings = org.grmodelfree.store.ModelFile.configMap(plain);
        settings.remove("rx_restart");
        settings.remove("learn_sigma2");
        assertEquals(sha(Cell.KEY_VERSION + "|" + settings + "|" + m), Cell.keyOf(plain, m));
        org.grmodelfree.train.TrainConfig restarted = plain.toBuilder().rxRestart(0.25).build();
        java.util.Map<String, Object> r = org.grmodelfree.store.ModelFile.configMap(restarted);
        r.remove("learn_sigma2");
        assertEquals(sha(Cell.KEY_VERSION + "|" + r + "|" + m), Cell.keyOf(restarted, m));
        org.grmodelfree.train.TrainConfig learned = plain.toBuilder().learnSigma2(true).build();
        java.util.Map<String, Object> l = org.grmodelfree.store.ModelFile.configMap(learned);
        l.remove("rx_restart");
        assertEquals(sha(Cell.KEY_VERSION + "|" + l + "|" + m), Cell.keyOf(learned, m));
        org.grmodelfree.train.TrainConfig tuned = plain.toBuilder().fineTuneSteps(1000).build();
        java.util.Map<String, Object> t = org.grmodelfree.store.ModelFile.configMap(tuned);
        t.remove("rx_restart");
        t.remove("learn_sigma2");
        assertTrue(!sha(Cell.KEY_VERSION + "|" + t + "|" + m).equals(Cell.keyOf(tuned, m)),
                "a fine-tuning cell kept its old key");
        assertEquals(sha(Cell.KEY_VERSION + "|" + t + "|" + m + "|" + Cell.FINE_TUNE_VERSION), Cell.keyOf(tuned, m));
    }

    private static String sha(String text) throws Exception {
        byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(
                text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(h, 0, 12);
    }
}
