package org.grmodelfree.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.grmodelfree.wire.ControlMessage;
import org.junit.jupiter.api.Test;

/**
 * A well-formed control message of the wrong size for the pending batch (a 'losses' with 3 losses
 * for a batch of 512, a 'sent' with 3 samples) is logged with its reason and skipped: the
 * transmitter goes on and learns from the batch's real messages when they come. It stopped the
 * block before (the transmitter threw from its drain).
 */
class WrongSizeMessagesTest {
    private static final List<String> RUN = BlockGraphTest.replace(BlockGraphTest.SMALL, "--iterations", "1");

    private static final PortSpec SENT = PortSpec.messageOut("sent", false, "to the transmitter's 'sent'");
    private static final PortSpec LOSSES = PortSpec.messageOut("losses", false, "to the transmitter's 'feedback'");

    /** One loss of 1.0 per message of the transmitter-phase batch 1, the batch all runs here wait for. */
    private static ControlMessage.Losses ones() {
        float[] l = new float[512];
        java.util.Arrays.fill(l, 1f);
        return new ControlMessage.Losses(1, 0, l);
    }

    /**
     * Runs the transmitter with a peer on its 'sent' and 'feedback' that sends, at its k-th work call,
     * the messages of step k (to 'sent' a Sent, to 'feedback' anything else), then ends; returns the log.
     */
    private static List<String> run(TransmitterBlock tx, List<List<ControlMessage>> steps) {
        BlockSpec peerSpec = new BlockSpec("peer", "Peer", "a hostile peer, then the real one", List.of(SENT, LOSSES),
                List.of());
        int[] calls = {0};
        Block peer = TestBlocks.withWork(peerSpec, io -> {
            if (calls[0] == steps.size()) {
                return Block.Status.DONE;
            }
            for (ControlMessage m : steps.get(calls[0]++)) {
                io.send(m instanceof ControlMessage.Sent ? SENT : LOSSES, m);
            }
            return Block.Status.WORKED;
        });
        List<String> log = new ArrayList<>();
        new LocalGraph().add("tx", tx).add("peer", peer).log(log::add)
                .connect("peer", SENT, "tx", TransmitterBlock.SENT)
                .connect("peer", LOSSES, "tx", TransmitterBlock.FEEDBACK)
                .run("tx", "peer");
        return log;
    }

    /**
     * What a policy sampler sends for transmitter-phase batch id of this run: x_p = sqrt(1 - s^2) x + w,
     * x what the run's transmitter (same configuration, same initial weights) encodes for it.
     */
    static float[] sampled(long id, double s2) {
        org.grmodelfree.train.TrainConfig c = TrainingParams.config(BlockGraphTest.params(TransmitterBlock.SPEC, RUN));
        org.grmodelfree.train.ScheduledTransmitter t = new org.grmodelfree.train.ScheduledTransmitter(
                new org.grmodelfree.train.TransmitterLearner(org.grmodelfree.train.Networks.create(c).transmitter(),
                        c.sigma2(), c.baseline()), c);
        float[] x = new float[2 * c.batchTx() * c.symbols()];
        for (long b = 0; b <= id; b++) {
            t.encode(b, x, 0);
        }
        java.util.Random rng = new java.util.Random(id);
        float a = (float) Math.sqrt(1 - s2);
        for (int i = 0; i < x.length; i++) {
            x[i] = a * x[i] + (float) (Math.sqrt(s2 / 2) * rng.nextGaussian());
        }
        return x;
    }

    /**
     * A 'sent' of the right size whose samples are not what the transmitter encoded for the batch
     * (those of another batch's messages: a sampler of another run, or a forged message) is not
     * learned from: the batch is skipped and counted, its losses never paired with those samples.
     */
    @Test
    void samples_that_are_not_the_batchs_are_never_learned_from() {
        TransmitterBlock tx = new TransmitterBlock(BlockGraphTest.params(TransmitterBlock.SPEC, RUN));
        float[] other = sampled(0, 0.1); // batch 0's messages (a receiver-phase batch of 512), cut to size
        float[] wrong = java.util.Arrays.copyOf(other, sampled(1, 0.1).length);
        List<String> log = run(tx, List.of(List.of(new ControlMessage.Sent(1, 0, wrong, 0.1), ones())));
        assertEquals(0L, tx.stats().get("batches_learned"), tx.stats().toString());
        assertEquals(1L, tx.stats().get("inconsistent_sent"), tx.stats().toString());
        assertEquals(1L, tx.stats().get("batches_skipped"), tx.stats().toString());
        assertTrue(log.stream().anyMatch(l -> l.contains("batch 1 skipped") && l.contains("not what this transmitter"
                + " encoded")), log.toString());
    }

    @Test
    void wrong_size_losses_and_samples_are_logged_and_skipped() {
        TransmitterBlock tx = new TransmitterBlock(BlockGraphTest.params(TransmitterBlock.SPEC, RUN));
        // the transmitter's first work call sends batches 0 (receiver phase) and 1 (transmitter
        // phase); then the wrong-size messages for batch 1, then the right ones
        List<String> log = run(tx, List.of(
                List.of(new ControlMessage.Losses(1, 0, new float[3]), new ControlMessage.Sent(1, 0, new float[6], 0.1)),
                List.of(new ControlMessage.Sent(1, 0, sampled(1, 0.1), 0.1), ones())));
        assertEquals(1L, tx.stats().get("batches_learned"), tx.stats().toString());
        assertEquals(0L, tx.stats().get("batches_skipped"), tx.stats().toString());
        assertEquals(2L, tx.stats().get("rejected_messages"), tx.stats().toString());
        double ratio = (Double) tx.stats().get("exploration_ratio_max");
        assertTrue(ratio > 0.8 && ratio < 1.2, "the sampler's own samples: exploration ratio " + ratio);
        assertTrue(log.stream().anyMatch(l -> l.contains("rejected on 'feedback'") && l.contains("3 losses")
                && l.contains("512")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.contains("rejected on 'sent'") && l.contains("3 samples")), log.toString());
    }
}
