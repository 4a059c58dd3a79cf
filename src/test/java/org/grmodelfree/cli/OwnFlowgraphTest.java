package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.grmodelfree.gnuradio.GnuRadio;
import org.grmodelfree.report.Json;
import org.grmodelfree.run.Progress;
import org.grmodelfree.store.ModelFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own flowgraph from training to deployment, with real GNU Radio: the test writes a new
 * .grc file (none of the shipped ones) whose channel is a fixed complex gain
 * (blocks.multiply_const_cc, 0.8 exp(0.6j)), a wandering carrier frequency offset
 * (channels.cfo_model), neither used by a shipped flowgraph, and AWGN (analog.noise_source_c +
 * blocks.add_cc); trains it with {@code ./modelfree flowgraph FILE}; checks the model its blocks
 * wrote (model_out) against {@code ./modelfree export} of their checkpoints; then writes a second
 * .grc in stream mode (a Vector Source of message indices, the trained link through the same
 * channel, a File Sink of the decided indices), compiles it with grcc, runs it, and compares the
 * bytes that come back with those sent.
 */
class OwnFlowgraphTest {
    /** The channel's fixed complex gain, as a Python expression. */
    private static final String GAIN = "0.8 * cmath.exp(0.6j)";
    /**
     * channels.cfo_model's offset (cycles per sample at srate 1): a random walk of this step per
     * sample, bounded at CFO_MAX. The learned link tracks no phase; at 1e-5 the phase turns by at most
     * 0.06 rad in a frame of 200 messages (912 samples) and 0.6 rad over the 2000 messages of the
     * stream run, and wanders far over the hundreds of thousands of samples of training.
     */
    private static final double CFO_STEP = 1e-6;
    private static final double CFO_MAX = 1e-5;
    private static final int M = 16;
    private static final int N = 2;
    /** Training SNR (dB) of the noise source, before the gain's 1.9 dB loss. */
    private static final double SNR_DB = 12;
    /** Messages per frame and frames of the stream run: 2000 messages. */
    private static final int FRAME = 200;
    private static final int FRAMES = 10;

    @BeforeAll
    static void gnuRadio(@TempDir Path tmp) throws Exception {
        FlowgraphTest.gnuRadio(tmp);
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_new_flowgraph_trains_exports_and_carries_the_users_bytes_in_stream_mode(@TempDir Path tmp)
            throws Exception {
        // 1. the user's training flowgraph
        Path mine = tmp.resolve("mine");
        Files.createDirectories(mine);
        Path modelOut = mine.resolve("model_out.msgpack");
        Path txCkpt = mine.resolve("tx.ckpt");
        Path rxCkpt = mine.resolve("rx.ckpt");
        Path grc = mine.resolve("gain_link.grc");
        Files.writeString(grc, trainingGrc(txCkpt, rxCkpt, modelOut));

        // 2. trained headless by the flowgraph command
        Path out = tmp.resolve("out");
        CliTest.Run r = CliTest.run("flowgraph", grc.toString(), "--out", out.toString(), "--quiet",
                "--iterations", "300", "--frames", "4", "--test-messages", "5000", "--max-messages", "5000");
        assertEquals(0, r.status(), r.err() + r.out());
        FlowgraphTest.assertNoBlockProcess("MODELFREE_RUN_DIR=" + out.toAbsolutePath());
        Map<String, Object> s = Json.mapper().readValue(out.resolve("summary.json").toFile(), Map.class);
        assertEquals(grc.toString(), s.get("flowgraph"));
        assertEquals(SNR_DB, ((Number) s.get("snr_db")).doubleValue(), 0, "the flowgraph's own snr_db");
        double trainedThrough = bler(s, "flowgraph_bler");
        double untrainedThrough = bler(s, "flowgraph_bler_untrained");
        assertTrue(trainedThrough < untrainedThrough / 4, "through the gain and AWGN: trained " + trainedThrough
                + ", untrained " + untrainedThrough);

        // the model the blocks joined (model_out), the command's and export's join of the checkpoints
        assertTrue(Files.exists(txCkpt) && Files.exists(rxCkpt), "the checkpoints the flowgraph names");
        Path exported = tmp.resolve("exported.msgpack");
        CliTest.Run e = CliTest.run("export", "--transmitter", txCkpt.toString(), "--receiver", rxCkpt.toString(),
                "--out", exported.toString());
        assertEquals(0, e.status(), e.err() + e.out());
        ModelFile.Loaded own = ModelFile.load(modelOut);
        assertEquals(300, own.iteration());
        for (Path other : List.of(exported, out.resolve("model.msgpack"))) {
            ModelFile.Loaded m = ModelFile.load(other);
            assertEquals(own.tensors().keySet(), m.tensors().keySet(), other.toString());
            own.tensors().forEach((k, v) -> assertArrayEquals(v, m.tensors().get(k), other + ": tensor " + k));
            assertEquals(own.iteration(), m.iteration(), other.toString());
        }
        // the blocks and export join with the same code: the same file, byte for byte (the command's
        // model.msgpack carries more of the run's description, so only its weights are compared)
        assertArrayEquals(Files.readAllBytes(modelOut), Files.readAllBytes(exported), "export against model_out");

        // 3. the deployment: the user's message indices through the same channel in stream mode
        int[] sent = new Random(15).ints(FRAME * FRAMES, 0, M).toArray();
        Path received = tmp.resolve("received.bin");
        Path streamGrc = mine.resolve("gain_link_stream.grc");
        Files.writeString(streamGrc, streamGrc(modelOut, sent, received));
        GnuRadio gr = GnuRadio.locate();
        Path script = gr.compile(streamGrc.toString(), tmp.resolve("build"), new Progress(new java.io.PrintWriter(
                java.io.Writer.nullWriter()), true));
        String marker = tmp.toAbsolutePath().toString();
        ProcessBuilder pb = new ProcessBuilder(GnuRadio.PYTHON, "-u", script.toString()).redirectErrorStream(true);
        pb.environment().putAll(gr.environment());
        pb.environment().put("MODELFREE_OWN_TEST", marker);
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), log);
        byte[] back = Files.readAllBytes(received);
        assertEquals(sent.length, back.length, "every message decided once:\n" + log);
        int wrong = 0;
        for (int i = 0; i < sent.length; i++) {
            wrong += (back[i] & 0xff) == sent[i] ? 0 : 1;
        }
        double bler = (double) wrong / sent.length;
        System.out.printf(java.util.Locale.ROOT, "OwnFlowgraphTest: stream BLER %.4f (%d of %d); through the"
                + " flowgraph: trained %.4f, untrained %.4f%n", bler, wrong, sent.length, trainedThrough,
                untrainedThrough);
        assertTrue(bler < 0.05, "BLER " + bler + " of the user's bytes through the gain and AWGN");
        assertTrue(bler < untrainedThrough / 4, "BLER " + bler + ", untrained link " + untrainedThrough);

        // 4. nothing left running
        FlowgraphTest.assertNoBlockProcess("MODELFREE_OWN_TEST=" + marker);
    }

    @SuppressWarnings("unchecked")
    private static double bler(Map<String, Object> summary, String key) {
        return ((Number) ((Map<String, Object>) summary.get(key)).get("bler")).doubleValue();
    }

    /** A parameter block (a flag of the generated script). */
    private static String parameter(String name, String type, String value) {
        return "- name: " + name + "\n  id: parameter\n  parameters: {label: " + name + ", type: " + type
                + ", value: '" + value + "'}\n  states: {coordinate: [8, 8], rotation: 0, state: enabled}\n";
    }

    private static String block(String name, String id, String parameters) {
        return "- name: " + name + "\n  id: " + id + "\n  parameters: {" + parameters
                + "}\n  states: {coordinate: [8, 8], rotation: 0, state: enabled}\n";
    }

    private static String options(String id) {
        return "options:\n  parameters: {author: a user, category: '[GRC Hier Blocks]', generate_options: no_gui, id: "
                + id + ", run_options: run, title: " + id + "}\n"
                + "  states: {coordinate: [8, 8], rotation: 0, state: enabled}\n\nblocks:\n"
                + block("imports", "import", "imports: import cmath")
                + block("gain", "variable", "value: '" + GAIN + "'");
    }

    /** The channel: the fixed gain, the frequency offset, then AWGN at snr_db; from "gain_in" to "add". */
    private static String channel() {
        return block("noise_voltage", "variable", "value: '10**(-snr_db/20.0)'")
                + block("gain_in", "blocks_multiply_const_vxx", "type: complex, const: gain, vlen: '1'")
                + block("cfo", "channels_cfo_model", "srate: '1.0', stdev: '" + CFO_STEP + "', maxdev: '"
                        + CFO_MAX + "', seed: '3'")
                + block("awgn", "analog_noise_source_x",
                        "type: complex, noise_type: analog.GR_GAUSSIAN, amp: noise_voltage, seed: '7'")
                + block("add", "blocks_add_xx", "type: complex, num_inputs: '2', vlen: '1'");
    }

    private static String q(Path p) {
        return "'" + p.toAbsolutePath() + "'";
    }

    /** Training: transmitter, policy sampler, the channel, receiver, loss feedback; both blocks write model_out. */
    static String trainingGrc(Path txCkpt, Path rxCkpt, Path modelOut) {
        String common = "messages: messages, symbols: symbols, iterations: iterations, batch_rx: batch,"
                + " batch_tx: batch, seed: seed, mode: mode, model: model, frames: frames";
        String learning = common + ", hidden: '32', lr_rx: '0.01', lr_tx: '0.01', sigma2: '0.05', model_out: "
                + q(modelOut);
        return options("gain_link")
                + parameter("iterations", "intx", "300") + parameter("seed", "intx", "1")
                + parameter("snr_db", "eng_float", Double.toString(SNR_DB))
                + parameter("messages", "intx", Integer.toString(M)) + parameter("symbols", "intx", Integer.toString(N))
                + parameter("batch", "intx", "256") + parameter("mode", "str", "train")
                + parameter("model", "str", "") + parameter("frames", "intx", "10")
                + block("tx", "modelfree_transmitter", learning + ", checkpoint: " + q(txCkpt))
                + block("sampler", "modelfree_policy_sampler", "messages: messages, symbols: symbols,"
                        + " iterations: iterations, batch_rx: batch, batch_tx: batch, seed: seed, mode: mode,"
                        + " sigma2: '0.05'")
                + channel()
                + block("rx", "modelfree_receiver", learning + ", checkpoint: " + q(rxCkpt))
                + block("feedback", "modelfree_loss_feedback", "")
                + "\nconnections:\n"
                + "- [tx, '0', sampler, '0']\n- [sampler, '0', gain_in, '0']\n- [gain_in, '0', cfo, '0']\n"
                + "- [cfo, '0', add, '0']\n"
                + "- [awgn, '0', add, '1']\n- [add, '0', rx, '0']\n- [sampler, sent, tx, sent]\n"
                + "- [rx, losses, feedback, in]\n- [feedback, out, tx, feedback]\n"
                + "\nmetadata:\n  file_format: 1\n  grc_version: 3.10.5.1\n";
    }

    /** Deployment: Vector Source of indices, transmitter, the channel, receiver, File Sink of decided indices. */
    static String streamGrc(Path model, int[] sent, Path received) {
        String common = "mode: '\"stream\"', model: " + q(model) + ", messages: '" + M + "', symbols: '" + N
                + "', batch_rx: '" + FRAME + "', batch_tx: '" + FRAME + "', frames: '" + FRAMES
                + "', peer_timeout: '60.0'";
        return options("gain_link_stream")
                + parameter("snr_db", "eng_float", Double.toString(SNR_DB))
                + block("indices", "blocks_vector_source_x", "type: byte, vector: '"
                        + Arrays.stream(sent).mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", "]"))
                        + "', tags: '[]', repeat: 'False', vlen: '1'")
                + block("tx", "modelfree_transmitter", common + ", source: '\"stream\"'")
                + channel()
                + block("rx", "modelfree_receiver", common + ", output: '\"stream\"', reference: '\"none\"'")
                + block("decided", "blocks_file_sink", "type: byte, file: " + q(received)
                        + ", unbuffered: 'True', append: 'False', vlen: '1'")
                + "\nconnections:\n"
                + "- [indices, '0', tx, '0']\n- [tx, '0', gain_in, '0']\n- [gain_in, '0', cfo, '0']\n"
                + "- [cfo, '0', add, '0']\n"
                + "- [awgn, '0', add, '1']\n- [add, '0', rx, '0']\n- [rx, '0', decided, '0']\n"
                + "\nmetadata:\n  file_format: 1\n  grc_version: 3.10.5.1\n";
    }
}
