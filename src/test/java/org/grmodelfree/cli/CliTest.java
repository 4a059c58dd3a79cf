package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Exit status, standard output and standard error of one command line. */
    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    static void assertOneLineError(Run r, int status, String fragment) {
        assertEquals(status, r.status(), r.err());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("modelfree: "), r.err());
        assertTrue(first.contains(fragment), "expected '" + fragment + "' in: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace expected: " + r.err());
    }

    /** An empty --out is refused: it wrote every output into the working directory. */
    @Test
    void an_empty_out_is_refused() {
        assertOneLineError(run("train", "--out", "", "--quiet"), 2, "--out needs a folder name");
        assertOneLineError(run("evaluate", "--model", "m.msgpack", "--out", " "), 2, "--out needs a folder name");
    }

    /** A device given as a model is refused at once: /dev/zero was read without end. */
    @Test
    void a_model_that_is_no_regular_file_is_refused(@TempDir Path tmp) {
        assertOneLineError(run("evaluate", "--model", "/dev/zero", "--out", tmp.resolve("e").toString()), 1,
                "/dev/zero is not a regular file");
    }

    /** Sizes that cannot be built are one line naming them, not an OutOfMemoryError after seconds. */
    @Test
    void sizes_that_cannot_be_built_are_one_line_errors() {
        assertOneLineError(run("train", "--batch-rx", "100000000", "--quiet"), 2, "batch 100000000");
        assertOneLineError(run("train", "--hidden", "200000", "--quiet"), 2, "hidden width 200000");
        assertOneLineError(run("train", "--messages", "65536", "--hidden", "65536", "--quiet"), 2, "65536 x 65536");
    }

    /** Small and fast: M = 16, N = 2. */
    static String[] tiny(Path out, int iterations, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("train", "--messages", "16", "--symbols", "2",
                "--iterations", Integer.toString(iterations), "--batch-rx", "128", "--batch-tx", "128",
                "--test-messages", "2000", "--max-messages", "4000", "--curve-snr-db", "0,10", "--quiet",
                "--out", out.toString()));
        a.addAll(List.of(more));
        if (!a.contains("--eval-every")) {
            a.addAll(List.of("--eval-every", "20"));
        }
        return a.toArray(String[]::new);
    }

    @Test
    void badFlagsGiveOneLineUsageErrors() {
        assertOneLineError(run(), 2, "a command is required");
        assertOneLineError(run("train", "--channel", "fiber"), 2, "unknown channel 'fiber'");
        assertOneLineError(run("train", "--sigma2", "1.5"), 2, "exploration variance");
        assertOneLineError(run("train", "--batch-rx", "0"), 2, "batch sizes must be positive");
        assertOneLineError(run("train", "--iterations", "many"), 2, "--iterations");
        assertOneLineError(run("train", "--baseline", "median"), 2, "unknown baseline 'median'");
        assertOneLineError(run("train", "--method", "magic"), 2, "unknown method 'magic'");
        assertOneLineError(run("evaluate", "--model", "x", "--snr-db", "5:0:10"), 2, "positive step");
        assertOneLineError(run("evaluate"), 2, "--model");
        assertOneLineError(run("train", "--frobnicate"), 2, "--frobnicate");
        assertOneLineError(run("compare", "--seeds", "0"), 2, "--seeds");
        assertOneLineError(run("compare", "--gradient", "--sigma2-list", "2"), 2, "--sigma2-list");
    }

    @Test
    void missingOrCorruptModelFilesAreNamed(@TempDir Path dir) throws Exception {
        assertOneLineError(run("evaluate", "--model", dir.resolve("none.msgpack").toString()), 1, "does not exist");
        Path garbage = dir.resolve("garbage.msgpack");
        Files.write(garbage, new byte[] {(byte) 0xc1, 1, 2, 3});
        assertOneLineError(run("evaluate", "--model", garbage.toString()), 1, "garbage.msgpack");
        Path text = dir.resolve("text.msgpack");
        Files.writeString(text, "hello");
        assertOneLineError(run("evaluate", "--model", text.toString()), 1, "not a gr-modelfree model");
        Path out = dir.resolve("run");
        assertEquals(0, run(tiny(out, 40)).status());
        byte[] good = Files.readAllBytes(out.resolve("model.msgpack"));
        Path cut = dir.resolve("cut.msgpack");
        Files.write(cut, java.util.Arrays.copyOf(good, good.length / 2));
        assertOneLineError(run("evaluate", "--model", cut.toString()), 1, "truncated");
        Files.write(out.resolve("model.msgpack"), java.util.Arrays.copyOf(good, 100));
        assertOneLineError(run(tiny(out, 40, "--resume")), 1, "model.msgpack");
    }

    @Test
    void trainWritesEveryOutputAndResumes(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Run r = run(tiny(out, 40));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("BLER"), r.out());
        for (String f : List.of("model.msgpack", "summary.json", "codebook.csv", "learning_curve.csv", "bler_curve.csv",
                "bler.png", "learning_curve.png", "constellation.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        JsonNode s = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("alternating", s.get("method").asText());
        assertEquals("awgn", s.get("channel").asText());
        assertEquals(10.0, s.get("snr_db").asDouble());
        assertEquals(40, s.get("iterations").asInt());
        assertTrue(s.get("train_seconds").asDouble() > 0);
        assertTrue(s.get("bler_messages").asLong() >= 2000);
        double bler = s.get("bler").asDouble();
        assertEquals((double) s.get("bler_errors").asLong() / s.get("bler_messages").asLong(), bler, 1e-12);
        assertEquals(2, s.get("bler_curve").size());
        assertEquals(0.0, s.get("bler_curve").get(0).get("snr_db").asDouble());
        assertTrue(s.get("bler_curve").get(0).get("bler").asDouble() > s.get("bler_curve").get(1).get("bler").asDouble(),
                "BLER must fall from 0 dB to 10 dB");
        List<String> codebook = Files.readAllLines(out.resolve("codebook.csv"));
        assertEquals("re0,im0,re1,im1", codebook.get(0));
        assertEquals(17, codebook.size());
        double energy = 0;
        for (String line : codebook.subList(1, 17)) {
            for (String v : line.split(",")) {
                energy += Double.parseDouble(v) * Double.parseDouble(v);
            }
        }
        assertEquals(1.0, energy / (16 * 2), 1e-4, "codebook energy per complex symbol");
        assertEquals(41, Files.readAllLines(out.resolve("learning_curve.csv")).size());

        Run resumed = run(tiny(out, 60, "--resume"));
        assertEquals(0, resumed.status(), resumed.err());
        JsonNode s2 = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals(60, s2.get("iterations").asInt());
        assertEquals(61, Files.readAllLines(out.resolve("learning_curve.csv")).size());

        Path ev = dir.resolve("eval");
        Run e = run("evaluate", "--model", out.resolve("model.msgpack").toString(), "--snr-db", "0:5:10",
                "--max-messages", "3000", "--out", ev.toString());
        assertEquals(0, e.status(), e.err());
        assertTrue(e.out().contains("snr_db"), e.out());
        JsonNode table = JSON.readTree(ev.resolve("evaluation.json").toFile());
        assertEquals(3, table.get("bler_curve").size());
        assertTrue(Files.size(ev.resolve("evaluation.png")) > 0);
    }

    @Test
    void patienceStopsARunThatNoLongerImproves(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("patience");
        // A BLER estimate every 5 iterations; stop after 2 estimates without a new best.
        Run r = run(tiny(out, 2000, "--eval-every", "5", "--patience", "2"));
        assertEquals(0, r.status(), r.err());
        JsonNode s = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("patience", s.get("stopped_by").asText());
        int done = s.get("iterations").asInt();
        assertTrue(done < 2000 && done % 5 == 0, "stopped at " + done);
        List<String> curve = Files.readAllLines(out.resolve("learning_curve.csv"));
        assertEquals(done + 1, curve.size());
        // the last two estimates are no better than the best before them
        List<Double> estimates = new java.util.ArrayList<>();
        for (String line : curve.subList(1, curve.size())) {
            String v = line.split(",")[4];
            if (!v.equals("nan")) {
                estimates.add(Double.parseDouble(v));
            }
        }
        int n = estimates.size();
        double bestBefore = estimates.subList(0, n - 2).stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        assertTrue(estimates.get(n - 1) >= bestBefore && estimates.get(n - 2) >= bestBefore, estimates.toString());
    }

    @Test
    void benchJsonHasTheDocumentedKeys() throws Exception {
        Run r = run("bench", "--json", "--warmup", "2", "--iterations", "5", "--zmq-warmup", "2");
        assertEquals(0, r.status(), r.err());
        JsonNode j = JSON.readTree(r.out());
        for (String k : List.of("alternating_ms_b1000", "supervised_ms_b1000", "alternating_ms_b128", "supervised_ms_b128",
                "alloc_bytes_per_iteration", "zmq_ms_b1000", "zmq_overhead", "zmq_warmup_iterations",
                "zmq_ms_b1000_whole_run", "zmq_ms_b1000_plain", "curve_overhead")) {
            assertTrue(j.has(k), k + " in " + r.out());
        }
        assertTrue(j.get("alternating_ms_b1000").asDouble() > 0);
    }

    @Test
    void compareRunsBothModesAtToySize(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("cmp");
        Run r = run("compare", "--seeds", "2", "--iterations", "10", "--eval-every", "5", "--eval-messages", "500",
                "--max-messages", "2000", "--channels", "awgn", "--quiet", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("paper: supervised converges faster on AWGN"), r.out());
        JsonNode c = JSON.readTree(out.resolve("compare.json").toFile());
        assertTrue(c.get("awgn").has("faster"));
        assertEquals(3, Files.readAllLines(out.resolve("compare_learning_awgn.csv")).size());
        assertTrue(Files.size(out.resolve("compare_learning_awgn.png")) > 0);
        assertTrue(Files.size(out.resolve("compare_bler_awgn.png")) > 0);

        Path g = dir.resolve("grad");
        Run gr = run("compare", "--gradient", "--batches", "64", "--sigma2-list", "0.02,0.1", "--trials", "3",
                "--quiet", "--out", g.toString());
        assertEquals(0, gr.status(), gr.err());
        assertEquals(3, Files.readAllLines(g.resolve("gradient.csv")).size());
        JsonNode gj = JSON.readTree(g.resolve("gradient.json").toFile());
        double cos = gj.get("cells").get(0).get("codebook").get("cosineMean").asDouble();
        assertTrue(cos >= -1 && cos <= 1, "cosine " + cos);
    }
    @Test
    void everyBlockDescribesItsPortsAndParametersAsJson() throws Exception {
        for (org.grmodelfree.launch.Blocks.Entry e : org.grmodelfree.launch.Blocks.ALL) {
            Run r = run("block", e.spec().name(), "--describe");
            assertEquals(0, r.status(), r.err());
            JsonNode j = JSON.readTree(r.out());
            assertEquals(e.spec().name(), j.get("name").asText());
            assertEquals(e.spec().ports().size(), j.get("inputs").size() + j.get("outputs").size());
            assertEquals(e.spec().params().size(), j.get("parameters").size());
        }
        JsonNode rx = JSON.readTree(run("block", "receiver", "--describe").out());
        assertEquals("complex", rx.get("inputs").get(0).get("dtype").asText());
        assertEquals("losses", rx.get("outputs").get(0).get("id").asText());
    }

    @Test
    void badBlockArgumentsGiveOneLineErrors() {
        assertOneLineError(run("block", "mixer"), 2, "no block named 'mixer'");
        assertOneLineError(run("block", "receiver", "--sigma2", "0.1"), 2, "block 'receiver' has no parameter 'sigma2'");
        assertOneLineError(run("block", "channel", "--snr_db", "loud"), 2, "'loud' is not a number");
        assertOneLineError(run("block", "channel", "--peer_timeout", "1"), 1, "input 'in' needs --in tcp://host:port");
        assertOneLineError(run("block", "channel", "--in", "udp://x:1"), 2, "is not of the form tcp://host:port");
        assertOneLineError(run("block", "transmitter", "--mode", "stream"), 1, "stream mode needs --model");
    }
}
