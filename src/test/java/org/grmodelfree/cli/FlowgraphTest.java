package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.grmodelfree.report.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped flowgraphs with real GNU Radio (installed from Debian's packages when missing, as
 * root): every one compiles with grcc, and train_awgn trains a small link headless through
 * channel_model, stops by itself, leaves the outputs of a training run, and no block process
 * outlives it.
 */
class FlowgraphTest {
    static Path launcher;

    @BeforeAll
    static void gnuRadio(@TempDir Path tmp) throws Exception {
        if (run(GnuRadio.PYTHON, "-c", GnuRadio.IMPORT_CHECK) != 0) {
            assertEquals("0", new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8).trim(), "GNU Radio is missing and only root can install it: sudo "
                    + GnuRadio.INSTALL);
            assertEquals(0, run("sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive " + GnuRadio.INSTALL
                    + " -qq"), "apt-get could not install GNU Radio");
        }
        // The blocks' processes run from the classes under test, not from a jar the launcher would build.
        launcher = tmp.resolve("modelfree");
        Files.writeString(launcher, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' --add-modules jdk.incubator.vector -Djava.awt.headless=true -Dmodelfree.threads=1 -cp '"
                + System.getProperty("java.class.path") + "' " + Main.class.getName() + " \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        System.setProperty("modelfree.launcher", launcher.toString());
    }

    private static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    @TestFactory
    Stream<DynamicTest> every_shipped_flowgraph_compiles(@TempDir Path tmp) throws Exception {
        GnuRadio gr = GnuRadio.locate();
        try (Stream<Path> s = Files.list(Path.of("flowgraphs"))) {
            List<String> names = s.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".grc")).sorted()
                    .map(f -> f.substring(0, f.length() - 4)).toList();
            assertFalse(names.isEmpty(), "no flowgraphs");
            return names.stream().map(n -> DynamicTest.dynamicTest(n, () -> {
                Path script = gr.compile(n, tmp.resolve(n), new Progress(new java.io.PrintWriter(
                        java.io.Writer.nullWriter()), true));
                assertTrue(Files.readString(script).contains("import modelfree"), script + " uses no modelfree block");
            }));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void train_awgn_trains_headless_and_leaves_no_process(@TempDir Path out) throws Exception {
        CliTest.Run r = CliTest.run("flowgraph", "train_awgn", "--out", out.toString(), "--quiet",
                "--iterations", "150", "--messages", "16", "--symbols", "2", "--hidden", "32", "--batch", "256",
                "--lr", "0.01", "--sigma2", "0.05", "--snr-db", "8", "--frames", "20", "--test-messages", "20000",
                "--max-messages", "20000");
        assertEquals(0, r.status(), r.err() + r.out());
        for (String f : List.of("model.msgpack", "summary.json", "bler.png", "learning_curve.png", "constellation.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, "missing " + f);
        }
        Map<String, Object> s = Json.mapper().readValue(out.resolve("summary.json").toFile(), Map.class);
        assertEquals("gnuradio", s.get("transport"));
        double bler = ((Number) s.get("bler")).doubleValue();
        double through = ((Number) ((Map<String, Object>) s.get("flowgraph_bler")).get("bler")).doubleValue();
        double untrained = ((Number) ((Map<String, Object>) s.get("flowgraph_bler_untrained")).get("bler"))
                .doubleValue();
        assertTrue(bler < 0.2, "BLER " + bler + " after 150 iterations through channel_model");
        assertTrue(through < untrained / 3, "through the flowgraph: trained " + through + ", untrained " + untrained);
        // every block process (they inherit MODELFREE_RUN_DIR from the flowgraph) has ended with it
        List<String> alive = ProcessHandle.allProcesses().filter(p -> {
            try {
                String env = new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "environ")),
                        StandardCharsets.UTF_8);
                return env.contains("MODELFREE_RUN_DIR=" + out.toAbsolutePath());
            } catch (IOException | RuntimeException gone) {
                return false;
            }
        }).map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
        assertEquals(List.of(), alive, "block processes outlived their flowgraph");
    }

    @Test
    void bench_flowgraph_times_iterations_through_gnu_radio() throws Exception {
        CliTest.Run r = CliTest.run("bench", "--flowgraph", "--json", "--warmup", "3", "--iterations", "6");
        assertEquals(0, r.status(), r.err() + r.out());
        Map<?, ?> j = Json.mapper().readValue(r.out(), Map.class);
        assertEquals("train_awgn", j.get("flowgraph"));
        assertEquals(6, ((Number) j.get("flowgraph_timed_iterations")).intValue());
        double ms = ((Number) j.get("flowgraph_ms_b1000")).doubleValue();
        double embedded = ((Number) j.get("alternating_ms_b1000")).doubleValue();
        assertTrue(ms > 0 && embedded > 0, r.out());
        assertEquals(ms / embedded, ((Number) j.get("flowgraph_ratio")).doubleValue(), 1e-9 * ms / embedded);
    }
}
