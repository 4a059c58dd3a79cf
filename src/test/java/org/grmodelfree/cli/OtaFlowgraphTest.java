package org.grmodelfree.cli;

import static org.grmodelfree.cli.HardwareFlowgraphTest.map;
import static org.grmodelfree.cli.HardwareFlowgraphTest.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.grmodelfree.report.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short training through flowgraphs/train_ota_sim.grc with its default impairments (a 50 ppm
 * sample-clock offset, a carrier offset of 5e-3 cycles per symbol, a random phase and gain, 4
 * samples per symbol, roll-off 0.35, throttled to 1 MS/s) at Es/N0 = 10 dB: Radio RX synchronises
 * every frame and measures the offsets put in, the schedule completes with every batch learned, and
 * the trained link's BLER through the chain in stream mode is below a threshold. A small link
 * (M = 16, N = 2) so that it trains in about a minute; the default link's figures are in
 * docs/results.md.
 */
class OtaFlowgraphTest {
    private static final int ITERATIONS = 150;

    @BeforeAll
    static void gnuRadio(@TempDir Path tmp) throws Exception {
        FlowgraphTest.gnuRadio(tmp);
    }

    @Test
    @SuppressWarnings("unchecked")
    void trains_through_the_simulated_radio_chain(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        CliTest.Run r = CliTest.run("flowgraph", "train_ota_sim", "--snr-db", "10", "--out", out.toString(), "--quiet",
                "--iterations", Integer.toString(ITERATIONS), "--messages", "16", "--symbols", "2", "--hidden", "32",
                "--batch", "256", "--lr", "0.01", "--sigma2", "0.05", "--frames", "20", "--test-messages", "5000",
                "--max-messages", "5000");
        assertEquals(0, r.status(), r.err() + r.out());
        FlowgraphTest.assertNoBlockProcess("MODELFREE_RUN_DIR=" + out.toAbsolutePath());
        Map<String, Object> s = Json.mapper().readValue(out.resolve("summary.json").toFile(), Map.class);
        Map<String, Object> blocks = map(s, "blocks");
        Map<String, Object> rx = map(map(blocks, "radio-rx"), "stats");
        Map<String, Object> tx = map(map(blocks, "radio-tx"), "stats");
        Map<String, Object> receiver = map(map(blocks, "receiver"), "stats");
        Map<String, Object> transmitter = map(map(blocks, "transmitter"), "stats");
        double trained = number(map(s, "flowgraph_bler"), "bler");
        double untrained = number(map(s, "flowgraph_bler_untrained"), "bler");
        System.out.printf(Locale.ROOT, "OtaFlowgraphTest: BLER trained %.4f, untrained %.4f; radio-rx %s; radio-tx %s%n",
                trained, untrained, rx, tx);
        assertEquals(number(tx, "frames_in"), number(tx, "frames_sent"), 0, "Radio TX sent what it got: " + tx);
        assertEquals(0, number(rx, "frames_dropped"), 0, "Radio RX dropped frames: " + rx);
        assertTrue(number(rx, "frames_out") >= 2.0 * ITERATIONS, "Radio RX handed on too few frames: " + rx);
        // the flowgraph's channel_model epsilon 1 + 50e-6 is 50 ppm fewer samples per symbol at Radio RX
        assertEquals(-50, number(rx, "clock_offset_ppm"), 5, "the clock offset Radio RX measured: " + rx);
        assertEquals(5e-3, number(rx, "carrier_offset"), 2e-4, "the carrier offset Radio RX measured: " + rx);
        assertEquals(10, number(rx, "snr_db"), 1.5, "the Es/N0 Radio RX measured: " + rx);
        assertEquals((double) ITERATIONS, number(transmitter, "batches_learned") + number(transmitter,
                "batches_skipped"), 0, "every transmitter-phase batch learned or skipped: " + transmitter);
        assertTrue(number(transmitter, "batches_skipped") <= 2, "batches lost in the chain: " + transmitter);
        assertEquals(0, number(receiver, "partial_frames"), 0, receiver.toString());
        // M = 16, N = 2 at 10 dB: about 1e-3 on AWGN after this training; the untrained link guesses
        assertTrue(trained < 0.02 && untrained > 0.5, "through train_ota_sim: trained " + trained + ", untrained "
                + untrained);
    }
}
