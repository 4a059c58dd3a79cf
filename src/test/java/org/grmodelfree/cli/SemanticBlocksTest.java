package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.grmodelfree.launch.BlockProcesses;
import org.junit.jupiter.api.Test;

/**
 * RL-SINFONY distributed for real: four agent processes and the receiver process over ZeroMQ on
 * loopback, for a short schedule with mirrored exploration (each transmitter-phase batch twice the
 * rows of a receiver-phase one). Every transmitter-phase batch's losses must reach all four agents,
 * and the receiver's decisions in the last epoch must be far above chance (0.1; 0.18 is 8 standard
 * deviations above it for 1000 images), which they are not if
 * any process pairs a batch with another batch's images or labels.
 */
class SemanticBlocksTest {
    static final List<String> SCHEDULE = List.of("--dataset", "mnist", "--train_images", "1000",
            "--batch", "50", "--epochs", "4", "--fine_tune_epochs", "1", "--rx_steps", "2", "--tx_steps", "2",
            "--lr", "3e-3", "--baseline", "true", "--mirrored", "true", "--seed", "3", "--peer_timeout", "120");

    /** Runs with fresh ports after a clash, at most this often in all. */
    private static final int ATTEMPTS = 3;

    /**
     * Whether a block process failed because another process took its port between freePort()
     * and its bind. Each side's address is an argument of the other (the receiver connects to the
     * agents' outputs, the agents to its feedback), so the ports are picked before any process
     * binds: none can bind port 0 and report the port first.
     */
    static boolean portClash(IllegalStateException e) {
        return String.valueOf(e.getMessage()).contains("cannot bind ZeroMQ address");
    }

    @Test
    void fourAgentsAndTheReceiverTrainAsSeparateProcesses() throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                run();
                return;
            } catch (IllegalStateException e) {
                if (attempt == ATTEMPTS || !portClash(e)) {
                    throw e;
                }
            }
        }
    }

    private static void run() throws Exception {
        List<String> outs = new ArrayList<>();
        List<String> feedbacks = new ArrayList<>();
        for (int a = 0; a < 4; a++) {
            outs.add(BlockProcesses.loopback(BlockProcesses.freePort()));
            feedbacks.add(BlockProcesses.loopback(BlockProcesses.freePort()));
        }
        StringWriter log = new StringWriter();
        try (BlockProcesses p = new BlockProcesses(new PrintWriter(log, true), List.of("-Dmodelfree.threads=1"))) {
            List<String> rx = new ArrayList<>(SCHEDULE);
            for (int a = 0; a < 4; a++) {
                rx.addAll(List.of("--in" + a, outs.get(a), "--feedback" + a, feedbacks.get(a)));
            }
            p.start("rx", "semantic-receiver", rx);
            List<String> labels = new ArrayList<>(List.of("rx"));
            for (int a = 0; a < 4; a++) {
                List<String> args = new ArrayList<>(SCHEDULE);
                args.addAll(List.of("--agent", Integer.toString(a), "--out", outs.get(a), "--feedback",
                        feedbacks.get(a)));
                p.start("agent" + a, "semantic-agent", args);
                labels.add("agent" + a);
            }
            p.awaitSuccess(labels, 600);
            trained(p, log.toString());
        }
    }

    /**
     * Checks the finished run of SCHEDULE (receiver "rx", agents "agent0".."agent3"): all 100 batches
     * sent, the 40 transmitter batches fed back and learned from by every agent, and an accuracy in
     * the fine-tuning epoch above chance; returns that accuracy.
     */
    static double trained(BlockProcesses p, String log) throws Exception {
        Map<String, Object> r = ZmqLinkTest.stats(p, "rx");
        long fedBack = ((Number) r.get("losses_fed_back")).longValue();
        assertEquals(100, ((Number) r.get("batches")).longValue(), r.toString());
        assertEquals(40, fedBack, r.toString());
        for (int a = 0; a < 4; a++) {
            Map<String, Object> s = ZmqLinkTest.stats(p, "agent" + a);
            assertEquals(fedBack, ((Number) s.get("batches_learned")).longValue(), "agent" + a + ": " + s);
            assertEquals(100, ((Number) s.get("batches_sent")).longValue(), "agent" + a + ": " + s);
        }
        double acc = ((Number) r.get("last_epoch_accuracy")).doubleValue();
        assertTrue(acc > 0.18, "receiver accuracy in the fine-tuning epoch " + acc + "\n" + log);
        return acc;
    }
}
