package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.grmodelfree.launch.BlockProcesses;
import org.grmodelfree.semantic.store.SemanticBlockCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The five RL-SINFONY processes survive a crash of one of them: agent 1 is killed mid-run and
 * restarted while the others keep running, then the receiver likewise. Each restarted process
 * resumes from an older checkpoint of its own (the agent 8 or more batches behind the receiver,
 * the receiver 8 or more behind the agents): the receiver discards the agent's stale batches and
 * the agent skips forward; the agents re-send the batch they wait on and the receiver skips
 * forward to it. The run must finish in every process with the receiver's accuracy in the last epoch far above
 * chance (0.1), which it is not if any process pairs a batch with another batch's images or labels.
 */
class SemanticRestartTest {
    private static final long TOTAL = 100;
    private static final List<String> SCHEDULE = List.of("--dataset", "mnist", "--train_images", "1000",
            "--batch", "50", "--epochs", "4", "--fine_tune_epochs", "1", "--rx_steps", "2", "--tx_steps", "2",
            "--lr", "3e-3", "--baseline", "true", "--mirrored", "true", "--seed", "5", "--peer_timeout", "120",
            "--checkpoint_seconds", "0");

    /** Waits until the checkpoint holds a step of at least atLeast; returns it. */
    private static long awaitCheckpoint(Path file, long atLeast, BlockProcesses p) throws Exception {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            p.awaitSuccess(List.of(), 0); // throws if a process has failed
            if (Files.exists(file)) {
                long step = SemanticBlockCheckpoint.load(file).step();
                if (step >= atLeast) {
                    return step;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no checkpoint at step " + atLeast + " or later in " + file);
    }

    /** Copies the checkpoint once it is at step atLeast or later, to restore it later; returns its step. */
    private static long keepOlder(Path file, long atLeast, BlockProcesses p) throws Exception {
        awaitCheckpoint(file, atLeast, p);
        Path copy = file.resolveSibling(file.getFileName() + ".older");
        Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
        return SemanticBlockCheckpoint.load(copy).step();
    }

    private static void restoreOlder(Path file) throws Exception {
        Files.move(file.resolveSibling(file.getFileName() + ".older"), file, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aKilledAgentAndAKilledReceiverResumeAndTheRunCompletes(@TempDir Path tmp) throws Exception {
        // the ports are picked before the processes bind them, and a restarted process binds its
        // port again (its peers stay connected to it): a port another process took in between
        // fails the run, which then starts again on fresh ports
        for (int attempt = 1; ; attempt++) {
            Path dir = Files.createDirectory(tmp.resolve("attempt" + attempt));
            try {
                run(dir);
                return;
            } catch (IllegalStateException e) {
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("cannot bind ZeroMQ address")) {
                    throw e;
                }
            }
        }
    }

    private static void run(Path dir) throws Exception {
        List<String> outs = new ArrayList<>();
        List<String> feedbacks = new ArrayList<>();
        for (int a = 0; a < 4; a++) {
            outs.add(BlockProcesses.loopback(BlockProcesses.freePort()));
            feedbacks.add(BlockProcesses.loopback(BlockProcesses.freePort()));
        }
        Path rxCkpt = dir.resolve("rx.ckpt");
        Path agentCkpt = dir.resolve("agent1.ckpt");
        StringWriter log = new StringWriter();
        try (BlockProcesses p = new BlockProcesses(new PrintWriter(log, true), List.of("-Dmodelfree.threads=1"))) {
            List<String> rx = new ArrayList<>(SCHEDULE);
            for (int a = 0; a < 4; a++) {
                rx.addAll(List.of("--in" + a, outs.get(a), "--feedback" + a, feedbacks.get(a)));
            }
            rx.addAll(List.of("--checkpoint", rxCkpt.toString()));
            p.start("rx", "semantic-receiver", rx);
            List<String> labels = new ArrayList<>(List.of("rx"));
            for (int a = 0; a < 4; a++) {
                List<String> args = new ArrayList<>(SCHEDULE);
                args.addAll(List.of("--agent", Integer.toString(a), "--out", outs.get(a), "--feedback",
                        feedbacks.get(a), "--feedback_timeout", "2",
                        "--checkpoint", dir.resolve("agent" + a + ".ckpt").toString()));
                p.start("agent" + a, "semantic-agent", args);
                labels.add("agent" + a);
            }

            // Each process is restarted from a checkpoint older than its last (as with a longer
            // checkpoint_seconds): the agent then resumes well behind the receiver, and the
            // receiver well behind the agents.
            long agentFrom = keepOlder(agentCkpt, 10, p);
            long agentAt = awaitCheckpoint(agentCkpt, agentFrom + 8, p);
            assertTrue(agentAt < TOTAL, "agent 1 checkpointed at " + agentAt);
            p.kill("agent1");
            restoreOlder(agentCkpt);
            p.restart("agent1");
            long rxFrom = keepOlder(rxCkpt, 40, p);
            long rxAt = awaitCheckpoint(rxCkpt, rxFrom + 8, p);
            assertTrue(rxAt < TOTAL, "the receiver checkpointed at " + rxAt);
            p.kill("rx");
            restoreOlder(rxCkpt);
            p.restart("rx");
            p.awaitSuccess(labels, 600);

            String all = log.toString();
            assertTrue(all.contains("agent 1: resuming from " + agentCkpt + " at batch " + agentFrom + " "), all);
            assertTrue(all.contains("semantic receiver: resuming from " + rxCkpt + " at batch " + rxFrom + " "), all);
            Map<String, Object> r = ZmqLinkTest.stats(p, "rx");
            // the restarted agent's old batches were discarded and it was told to skip forward
            assertTrue(((Number) r.get("stale_batches")).longValue() > 0, r.toString());
            Map<String, Object> a1 = ZmqLinkTest.stats(p, "agent1");
            assertTrue(((Number) a1.get("steps_skipped")).longValue() > 0, a1.toString());
            // the restarted receiver skipped the batches the agents had sent to the killed one
            assertTrue(((Number) r.get("steps_skipped")).longValue() > 0, r.toString());
            assertEquals(TOTAL, ((Number) r.get("batches")).longValue(), r.toString());
            for (int a = 0; a < 4; a++) {
                Map<String, Object> s = ZmqLinkTest.stats(p, "agent" + a);
                assertEquals(TOTAL, ((Number) s.get("next_batch")).longValue(), "agent" + a + ": " + s);
                assertEquals(TOTAL, SemanticBlockCheckpoint.load(dir.resolve("agent" + a + ".ckpt")).step());
            }
            assertEquals(TOTAL, SemanticBlockCheckpoint.load(rxCkpt).step());
            double acc = ((Number) r.get("last_epoch_accuracy")).doubleValue();
            assertTrue(acc > 0.18, "receiver accuracy in the fine-tuning epoch " + acc + " " + r + "\n" + all);
        }
    }
}
