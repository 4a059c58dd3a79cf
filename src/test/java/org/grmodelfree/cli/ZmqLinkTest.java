package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.comm.Codebooks;
import org.grmodelfree.launch.BlockProcesses;
import org.grmodelfree.launch.ZmqTraining;
import org.grmodelfree.report.Json;
import org.grmodelfree.store.BlockCheckpointFile;
import org.grmodelfree.train.Baseline;
import org.grmodelfree.train.BlerPoint;
import org.grmodelfree.train.Evaluator;
import org.grmodelfree.train.Method;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The five block processes on loopback: they train through a channel that drops the first 3
 * samples and holds back the last 5, without mis-pairing a frame, and a receiver killed mid-run
 * and started again resumes from its checkpoint.
 */
class ZmqLinkTest {
    /** M = 16, N = 2 at 8 dB: converges in a few hundred iterations. */
    static TrainConfig small(int iterations) {
        return TrainConfig.builder(ChannelKind.AWGN).snrDb(8).method(Method.ALTERNATING).messages(16).symbols(2)
                .hidden(32).iterations(iterations).batch(256).rxSteps(1).txSteps(1).lrRx(1e-2).lrTx(1e-2)
                .lrFinalFactor(0.1).sigma2(0.1).sigma2Final(0.02).baseline(Baseline.MEAN).fineTuneSteps(0).seed(1)
                .evalEvery(0).evalMessages(1_000).patience(0).build();
    }

    static BlerPoint bler(Trainer t) {
        return new Evaluator(5, 100, 50_000, 50_000, 10_000).bler(t.transmitter().codebook(), t.receiver(),
                ChannelKind.AWGN, 8);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> stats(BlockProcesses p, String block) throws Exception {
        Map<String, Object> m = Json.mapper().readValue(p.child(block).result, Map.class);
        assertEquals("done", m.get("status"), block + ": " + m);
        return (Map<String, Object>) m.get("stats");
    }

    @Test
    void fiveProcessesTrainThroughAShiftingHoldingChannelWithoutMisPairing(@TempDir Path dir) throws Exception {
        TrainConfig c = small(600);
        StringWriter log = new StringWriter();
        try (ZmqTraining.Link link = ZmqTraining.start(c, dir, ZmqTraining.LinkOptions.defaults(),
                new PrintWriter(log, true))) {
            // the loss feedback ends by itself too, on the receiver's Stop after the schedule
            link.processes.awaitSuccess(List.of(ZmqTraining.TX, ZmqTraining.RX, ZmqTraining.SAMPLER,
                    ZmqTraining.FEEDBACK), 300);
            Map<String, Object> rx = stats(link.processes, ZmqTraining.RX);
            Map<String, Object> tx = stats(link.processes, ZmqTraining.TX);
            Map<String, Object> fb = stats(link.processes, ZmqTraining.FEEDBACK);
            assertEquals(600, ((Number) fb.get("forwarded")).intValue(), fb.toString());
            assertEquals(1201, ((Number) rx.get("frames_decoded")).intValue(), rx.toString());
            assertEquals(0, ((Number) rx.get("partial_frames")).intValue(), rx.toString());
            assertEquals(0, ((Number) rx.get("missed_frames")).intValue(), rx.toString());
            assertEquals(0, ((Number) rx.get("batches_lost")).intValue(), rx.toString());
            assertEquals(600, ((Number) tx.get("batches_learned")).intValue(), tx.toString());
            assertEquals(0, ((Number) tx.get("batches_skipped")).intValue(), tx.toString());
            Trainer t = ZmqTraining.join(c, link);
            BlerPoint b = bler(t);
            double qpsk = Codebooks.qpskBler(2, 8);
            assertTrue(b.ciHigh() < qpsk, "BLER " + b + " after 600 iterations; uncoded QPSK " + qpsk + "\n" + log);
        }
    }

    @Test
    void aKilledReceiverRestartsFromItsCheckpointAndTheRunCompletes(@TempDir Path dir) throws Exception {
        TrainConfig c = small(1500);
        StringWriter log = new StringWriter();
        ZmqTraining.LinkOptions o = new ZmqTraining.LinkOptions(3, 5, 0, 0, 0, 20, 2, 0.2);
        try (ZmqTraining.Link link = ZmqTraining.start(c, dir, o, new PrintWriter(log, true))) {
            long deadline = System.nanoTime() + 120_000_000_000L;
            long atKill = 0;
            while (System.nanoTime() < deadline) {
                if (Files.exists(link.rxCheckpoint)) {
                    atKill = BlockCheckpointFile.load(link.rxCheckpoint).nextBatch();
                    if (atKill > 400) {
                        break;
                    }
                }
                Thread.sleep(50);
            }
            assertTrue(atKill > 400 && atKill < 2 * 1500, "the receiver checkpointed up to batch " + atKill);
            link.processes.kill(ZmqTraining.RX);
            link.processes.restart(ZmqTraining.RX);
            link.processes.awaitSuccess(List.of(ZmqTraining.TX, ZmqTraining.RX, ZmqTraining.SAMPLER), 300);
            String all = log.toString();
            assertTrue(all.contains("receiver: resuming from " + link.rxCheckpoint), all);
            Map<String, Object> tx = stats(link.processes, ZmqTraining.TX);
            long learned = ((Number) tx.get("batches_learned")).longValue();
            long skipped = ((Number) tx.get("batches_skipped")).longValue();
            assertEquals(1500, learned + skipped, tx.toString());
            assertTrue(skipped <= 5, "skipped " + skipped);
            BlockCheckpointFile.Loaded rx = BlockCheckpointFile.load(link.rxCheckpoint);
            assertEquals(3000, rx.nextBatch());
            Trainer t = ZmqTraining.join(c, link);
            BlerPoint b = bler(t);
            assertTrue(b.ciHigh() < 0.9 * Codebooks.qpskBler(2, 8), "BLER " + b + "\n" + all);
        }
    }
}
