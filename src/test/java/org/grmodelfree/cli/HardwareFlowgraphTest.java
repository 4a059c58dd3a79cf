package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.grmodelfree.gnuradio.FlowgraphRun;
import org.grmodelfree.report.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The flowgraphs for a real radio (flowgraphs/train_uhd, train_soapy, train_pluto, evaluate_uhd,
 * evaluate_soapy). FlowgraphTest compiles every shipped flowgraph with grcc, these among them. Here,
 * without radio hardware: each one's chain is the one train_ota_sim simulates (the radio blocks'
 * sample rate, pulse and level bound to the flowgraph's parameters, the radio's sink fed by Radio TX
 * and its source feeding Radio RX, no throttle), and everything in a training one except the radio's
 * sink and source runs: the test reads the .grc, puts a simulated front end in place of the radio
 * (a throttle at samp_rate into channels.channel_model with noise for {@link #SNR_DB} dB Es/N0 at the
 * Radio TX level, a {@link #PPM} ppm sample-clock offset and a small carrier offset; the source is the
 * channel's output), keeps every other block and connection as in the file, and trains a small link
 * through it with {@code ./modelfree flowgraph FILE}: Radio RX hands every frame on and drops none,
 * and the trained link's BLER through the flowgraph in stream mode is well below the untrained one.
 */
class HardwareFlowgraphTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** The radios' sink and source blocks the flowgraphs use (gr-uhd, gr-soapy, gr-iio). */
    private static final Set<String> SINKS = Set.of("uhd_usrp_sink", "soapy_custom_sink", "iio_pluto_sink");
    private static final Set<String> SOURCES = Set.of("uhd_usrp_source", "soapy_custom_source", "iio_pluto_source");
    /** The simulated front end: Es/N0 (dB) at the receiver, sample-clock offset (ppm), carrier offset (cycles per symbol). */
    private static final double SNR_DB = 15;
    private static final double PPM = 20;
    private static final double CFO = 2e-3;
    /** Training iterations of each simulated run. */
    private static final int ITERATIONS = 100;

    @BeforeAll
    static void gnuRadio(@TempDir Path tmp) throws Exception {
        FlowgraphTest.gnuRadio(tmp);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(Path grc) throws Exception {
        return YAML.readValue(grc.toFile(), LinkedHashMap.class);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> blocks(Map<String, Object> grc) {
        return (List<Map<String, Object>>) grc.get("blocks");
    }

    @SuppressWarnings("unchecked")
    private static List<List<String>> connections(Map<String, Object> grc) {
        List<List<String>> l = new ArrayList<>();
        for (Object c : (List<Object>) grc.get("connections")) {
            l.add(((List<Object>) c).stream().map(String::valueOf).toList());
        }
        return l;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> params(Map<String, Object> block) {
        return (Map<String, Object>) block.get("parameters");
    }

    /** The one enabled block whose id is among ids. */
    private static Map<String, Object> one(Map<String, Object> grc, Set<String> ids, String what) {
        List<Map<String, Object>> found = blocks(grc).stream().filter(b -> ids.contains(String.valueOf(b.get("id"))))
                .toList();
        assertEquals(1, found.size(), "one " + what + " block: " + found);
        return found.get(0);
    }

    private static Map<String, Object> named(Map<String, Object> grc, String id) {
        return one(grc, Set.of(id), id);
    }

    /** The default of the flowgraph's parameter block name (null: none). */
    private static String parameter(Map<String, Object> grc, String name) {
        return blocks(grc).stream().filter(b -> "parameter".equals(b.get("id")) && name.equals(b.get("name")))
                .map(b -> String.valueOf(params(b).get("value"))).findFirst().orElse(null);
    }

    /**
     * The chain of a hardware flowgraph: Radio TX into the radio's sink, its source into Radio RX, both
     * radio blocks and the radio at the flowgraph's samp_rate with its sps and roll-off, Radio TX at
     * the flowgraph's level (0.25 by default), no throttle (the radio's clock paces), and the stream
     * parameters the flowgraph command sets.
     */
    @ParameterizedTest
    @ValueSource(strings = {"train_uhd", "train_soapy", "train_pluto", "evaluate_uhd", "evaluate_soapy"})
    void each_hardware_flowgraph_is_the_radio_chain_paced_by_the_radio(String name) throws Exception {
        Map<String, Object> grc = read(Path.of("flowgraphs", name + ".grc"));
        Map<?, ?> options = (Map<?, ?>) read(Path.of("flowgraphs", name + ".grc")).get("options");
        assertEquals("no_gui", ((Map<?, ?>) options.get("parameters")).get("generate_options"));
        assertEquals("run", ((Map<?, ?>) options.get("parameters")).get("run_options"));
        Map<String, Object> sink = one(grc, SINKS, "radio sink");
        Map<String, Object> source = one(grc, SOURCES, "radio source");
        Map<String, Object> tx = named(grc, "modelfree_radio_tx");
        Map<String, Object> rx = named(grc, "modelfree_radio_rx");
        assertTrue(blocks(grc).stream().noneMatch(b -> "blocks_throttle".equals(b.get("id"))), "the radio paces");
        for (Map<String, Object> b : List.of(tx, rx)) {
            for (String p : List.of("samp_rate", "sps", "rolloff", "symbols")) {
                assertEquals(p, String.valueOf(params(b).get(p)), b.get("name") + "." + p);
            }
        }
        assertEquals("level", params(tx).get("level"));
        assertEquals(0.25, Double.parseDouble(parameter(grc, "level")), 0, "-12 dBFS at the DAC");
        for (Map<String, Object> b : List.of(sink, source)) {
            String rate = String.valueOf(params(b).getOrDefault("samp_rate", params(b).get("samplerate")));
            assertTrue(rate.matches("(int\\()?samp_rate\\)?"), b.get("name") + ": sample rate " + rate);
        }
        List<List<String>> c = connections(grc);
        assertTrue(c.contains(List.of(String.valueOf(tx.get("name")), "0", String.valueOf(sink.get("name")), "0")),
                "Radio TX feeds the radio's sink: " + c);
        assertTrue(c.contains(List.of(String.valueOf(source.get("name")), "0", String.valueOf(rx.get("name")), "0")),
                "the radio's source feeds Radio RX: " + c);
        assertNotNull(parameter(grc, "freq"), "a centre frequency parameter");
        List<String> needed = new ArrayList<>(List.of("samp_rate", "sps", "rolloff", "model", "frames", "messages",
                "symbols", "hidden", "batch", "seed"));
        if (name.startsWith("train_")) {
            needed.addAll(FlowgraphRun.STREAM_PARAMETERS);
            needed.add("iterations");
        } else {
            assertTrue(blocks(grc).stream().noneMatch(b -> Set.of("modelfree_policy_sampler", "modelfree_loss_feedback")
                    .contains(String.valueOf(b.get("id")))), "no learning blocks in an evaluation flowgraph");
        }
        for (String p : needed) {
            assertNotNull(parameter(grc, p), "no parameter " + p);
        }
    }

    /**
     * The flowgraph with a simulated front end in place of the radio: its sink becomes a throttle at
     * samp_rate into channels.channel_model, its source that channel's output. Every other block and
     * connection is the file's; an snr_db parameter gives the noise and the command's training SNR.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> simulated(Map<String, Object> grc, String id) {
        Map<String, Object> sink = one(grc, SINKS, "radio sink");
        Map<String, Object> source = one(grc, SOURCES, "radio source");
        String sinkName = String.valueOf(sink.get("name"));
        String sourceName = String.valueOf(source.get("name"));
        Map<String, Object> out = new LinkedHashMap<>(grc);
        Map<String, Object> options = new LinkedHashMap<>((Map<String, Object>) grc.get("options"));
        Map<String, Object> op = new LinkedHashMap<>((Map<String, Object>) options.get("parameters"));
        op.put("id", id);
        options.put("parameters", op);
        out.put("options", options);
        List<Map<String, Object>> b = new ArrayList<>(blocks(grc));
        b.remove(sink);
        b.remove(source);
        Map<String, Object> state = Map.of("coordinate", List.of(8, 8), "rotation", 0, "state", "enabled");
        b.add(Map.of("name", "snr_db", "id", "parameter", "parameters", Map.of("label", "Es/N0 (dB)",
                "type", "eng_float", "value", Double.toString(SNR_DB)), "states", state));
        b.add(Map.of("name", "sim_noise_voltage", "id", "variable", "parameters",
                Map.of("value", "level * (sps ** 0.5) * 10 ** (-snr_db / 20.0)"), "states", state));
        b.add(Map.of("name", "sim_throttle", "id", "blocks_throttle", "parameters", Map.of("type", "complex",
                "samples_per_second", "samp_rate", "vlen", "1", "ignoretag", "True"), "states", state));
        b.add(Map.of("name", "sim_channel", "id", "channels_channel_model", "parameters", Map.of(
                "noise_voltage", "sim_noise_voltage", "freq_offset", CFO + " / sps", "epsilon", "1.0 + " + PPM + "e-6",
                "taps", "[1.0]", "seed", "7", "block_tags", "False"), "states", state));
        out.put("blocks", b);
        List<List<String>> c = new ArrayList<>();
        int fed = 0;
        int feeding = 0;
        for (List<String> k : connections(grc)) {
            if (k.get(2).equals(sinkName)) {
                c.add(List.of(k.get(0), k.get(1), "sim_throttle", "0"));
                fed++;
            } else if (k.get(0).equals(sourceName)) {
                c.add(List.of("sim_channel", "0", k.get(2), k.get(3)));
                feeding++;
            } else {
                c.add(k);
            }
        }
        assertEquals(1, fed, "one stream into the radio's sink");
        assertTrue(feeding >= 1, "the radio's source feeds the chain");
        c.add(List.of("sim_throttle", "0", "sim_channel", "0"));
        out.put("connections", c);
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> m, String key) {
        Object v = m.get(key);
        assertTrue(v instanceof Map, key + " in " + m.keySet());
        return (Map<String, Object>) v;
    }

    static double number(Map<String, Object> m, String key) {
        Object v = m.get(key);
        assertTrue(v instanceof Number, key + " is " + v + " in " + m);
        return ((Number) v).doubleValue();
    }

    /** Trains a small link through the hardware flowgraph name with the simulated front end; its summary. */
    private static Map<String, Object> trainSimulated(String name, Path tmp) throws Exception {
        Path file = tmp.resolve("sim").resolve(name + "_sim.grc");
        Files.createDirectories(file.getParent());
        YAML.writeValue(file.toFile(), simulated(read(Path.of("flowgraphs", name + ".grc")), name + "_sim"));
        Path out = tmp.resolve("out");
        long t0 = System.nanoTime();
        CliTest.Run r = CliTest.run("flowgraph", file.toString(), "--out", out.toString(), "--quiet",
                "--iterations", Integer.toString(ITERATIONS), "--messages", "16", "--symbols", "2", "--hidden", "32",
                "--batch", "256", "--lr", "0.01", "--sigma2", "0.05", "--frames", "10", "--test-messages", "5000",
                "--max-messages", "5000");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, r.status(), r.err() + r.out());
        FlowgraphTest.assertNoBlockProcess("MODELFREE_RUN_DIR=" + out.toAbsolutePath());
        Map<String, Object> s = Json.mapper().readValue(out.resolve("summary.json").toFile(), Map.class);
        assertEquals(file.toString(), s.get("flowgraph"));
        assertEquals(ITERATIONS, ((Number) s.get("iterations")).intValue());
        assertEquals(SNR_DB, number(s, "snr_db"), 0, "the simulated front end's snr_db");
        Map<String, Object> blocks = map(s, "blocks");
        Map<String, Object> rx = map(map(blocks, "radio-rx"), "stats");
        Map<String, Object> tx = map(map(blocks, "radio-tx"), "stats");
        double trained = number(map(s, "flowgraph_bler"), "bler");
        double untrained = number(map(s, "flowgraph_bler_untrained"), "bler");
        System.out.printf(Locale.ROOT, "HardwareFlowgraphTest %s: %.1f s; flowgraph BLER trained %.4f, untrained %.4f;"
                + " radio-rx %s; radio-tx %s%n", name, seconds, trained, untrained, rx, tx);
        // the training run's frames: two per iteration (receiver and transmitter phases), and the end
        long sent = (long) number(tx, "frames_sent");
        assertTrue(sent >= 2L * ITERATIONS, "Radio TX sent " + sent + " frames");
        assertEquals(0, number(tx, "frames_scaled_down"), 0, "a frame at level 0.25 exceeded full scale: " + tx);
        assertTrue(number(rx, "frames_out") >= 2L * ITERATIONS, "Radio RX handed on too few frames: " + rx);
        assertEquals(0, number(rx, "frames_dropped"), 0, "Radio RX dropped frames: " + rx);
        // the last frame's estimates (a frame of 512 symbols measures the clock to a few ppm)
        assertEquals(-PPM, number(rx, "clock_offset_ppm"), 10, "the clock offset Radio RX measured: " + rx);
        assertEquals(SNR_DB, number(rx, "snr_db"), 2, "the Es/N0 Radio RX measured: " + rx);
        assertEquals(CFO, number(rx, "carrier_offset"), 1e-3, "the carrier offset Radio RX measured: " + rx);
        assertTrue(trained < 0.05 && trained < untrained / 5, "through " + name + " with a simulated front end:"
                + " trained " + trained + ", untrained " + untrained);
        return s;
    }

    @Test
    void train_uhd_trains_through_a_simulated_front_end(@TempDir Path tmp) throws Exception {
        trainSimulated("train_uhd", tmp);
    }

    /**
     * train_soapy and train_pluto only differ from train_uhd in the radio's sink and source (the test
     * above checks the chain of each); a training run of each would add some 40 s, so here their
     * simulated versions are built and compiled by grcc, not run.
     */
    @ParameterizedTest
    @ValueSource(strings = {"train_soapy", "train_pluto", "evaluate_uhd", "evaluate_soapy"})
    void the_others_with_a_simulated_front_end_compile(String name, @TempDir Path tmp) throws Exception {
        Path file = tmp.resolve(name + "_sim.grc");
        YAML.writeValue(file.toFile(), simulated(read(Path.of("flowgraphs", name + ".grc")), name + "_sim"));
        Path script = org.grmodelfree.gnuradio.GnuRadio.locate().compile(file.toString(), tmp.resolve("build"),
                new org.grmodelfree.run.Progress(new java.io.PrintWriter(java.io.Writer.nullWriter()), true));
        String py = Files.readString(script);
        assertTrue(py.contains("channels.channel_model(") && py.contains("blocks.throttle("), script.toString());
        assertFalse(py.contains("uhd.usrp_") || py.contains("soapy.s") || py.contains("iio.fmcomms2"),
                "the radio's blocks are gone from " + script);
    }
}
