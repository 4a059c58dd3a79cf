package org.grmodelfree.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.comm.Codebooks;
import org.grmodelfree.train.BlerPoint;
import org.grmodelfree.train.Evaluator;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.Trainer;
import org.grmodelfree.wire.ControlMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The five blocks wired in memory (the block harness): training, faults and feedback impairments. */
class BlockGraphTest {
    /** A small link that converges in about a thousand iterations: M = 16, N = 2, 6 dB. */
    static final List<String> SMALL = List.of("--messages", "16", "--symbols", "2", "--iterations", "1000",
            "--batch_rx", "512", "--batch_tx", "512", "--lr_rx", "0.01", "--lr_tx", "0.01", "--lr_final", "0.1",
            "--sigma2", "0.1", "--sigma2_final", "0.02", "--hidden", "32", "--seed", "1");

    static List<String> with(List<String> base, String... more) {
        List<String> a = new ArrayList<>(base);
        a.addAll(List.of(more));
        return a;
    }

    static Params params(BlockSpec spec, List<String> base, String... more) {
        List<String> a = new ArrayList<>();
        List<String> all = with(base, more);
        for (int i = 0; i < all.size(); i += 2) {
            String id = all.get(i).substring(2);
            if (spec.params().stream().anyMatch(p -> p.id().equals(id))) {
                a.add(all.get(i));
                a.add(all.get(i + 1));
            }
        }
        return spec.parse(a);
    }

    record Link(LocalGraph graph, TransmitterBlock tx, ReceiverBlock rx, LossFeedbackBlock feedback,
                PolicySamplerBlock sampler, List<String> log) {
    }

    static Link link(List<String> training, List<String> feedbackArgs, String... channelArgs) {
        return link(training, new ReceiverBlock(params(ReceiverBlock.SPEC, training)), feedbackArgs, channelArgs);
    }

    /** The five blocks wired as a flowgraph would wire them, around a given receiver. */
    static Link link(List<String> training, ReceiverBlock rx, List<String> feedbackArgs, String... channelArgs) {
        TransmitterBlock tx = new TransmitterBlock(params(TransmitterBlock.SPEC, training));
        PolicySamplerBlock sampler = new PolicySamplerBlock(params(PolicySamplerBlock.SPEC, training));
        ChannelBlock channel = new ChannelBlock(ChannelBlock.SPEC.parse(with(List.of(channelArgs))));
        LossFeedbackBlock fb = new LossFeedbackBlock(LossFeedbackBlock.SPEC.parse(feedbackArgs));
        List<String> log = new ArrayList<>();
        LocalGraph g = new LocalGraph().log(log::add)
                .add("tx", tx).add("sampler", sampler).add("channel", channel).add("rx", rx).add("feedback", fb)
                .connect("tx", TransmitterBlock.OUT, "sampler", PolicySamplerBlock.IN)
                .connect("sampler", PolicySamplerBlock.OUT, "channel", ChannelBlock.IN)
                .connect("sampler", PolicySamplerBlock.SENT, "tx", TransmitterBlock.SENT)
                .connect("channel", ChannelBlock.OUT, "rx", ReceiverBlock.IN)
                .connect("rx", ReceiverBlock.LOSSES, "feedback", LossFeedbackBlock.IN)
                .connect("feedback", LossFeedbackBlock.OUT, "tx", TransmitterBlock.FEEDBACK);
        return new Link(g, tx, rx, fb, sampler, log);
    }

    static BlerPoint bler(TransmitterBlock tx, ReceiverBlock rx, double snrDb) {
        return new Evaluator(99, 1_000, 200_000, 2_000).bler(tx.transmitter().codebook(), rx.receiver(),
                ChannelKind.AWGN, snrDb);
    }

    @Test
    void blocksTrainThroughAShiftingHoldingChannelAsWellAsTheEmbeddedTrainer() {
        Link l = link(SMALL, List.of(), "--snr_db", "6", "--shift", "3", "--hold_back", "5", "--symbols", "2");
        l.graph().run("tx", "rx");
        Map<String, Object> rx = l.rx().stats();
        Map<String, Object> tx = l.tx().stats();
        assertEquals(2001L, rx.get("frames_decoded"), rx.toString());
        assertEquals(0L, rx.get("partial_frames"));
        assertEquals(0L, rx.get("missed_frames"));
        assertEquals(0L, rx.get("batches_lost"));
        assertEquals(1000L, rx.get("receiver_steps"));
        assertEquals(1000L, rx.get("batches_fed_back"));
        assertEquals(1000L, tx.get("batches_learned"), tx.toString());
        assertEquals(0L, tx.get("batches_skipped"));
        assertEquals(1000, l.tx().curve().points().size());
        assertEquals(0L, tx.get("batches_sent_ahead"), "the feedback always came before the next batch was due");
        assertTrainsAsWellAsEmbedded(l);
    }

    /** BLER at 6 dB within 30% of the embedded trainer's after SMALL's 1000 iterations. */
    private static void assertTrainsAsWellAsEmbedded(Link l) {
        TrainConfig c = TrainingParams.config(params(TransmitterBlock.SPEC, SMALL));
        Trainer embedded = Trainer.create(c);
        for (int i = 0; i < c.iterations(); i++) {
            embedded.iterate();
        }
        BlerPoint b = bler(l.tx(), l.rx(), 6);
        BlerPoint e = new Evaluator(99, 1_000, 200_000, 2_000).bler(embedded.transmitter().codebook(),
                embedded.receiver(), ChannelKind.AWGN, 6);
        double qpsk = Codebooks.qpskBler(2, 6);
        assertTrue(b.ciHigh() < qpsk, "blocks " + b + " do not beat uncoded QPSK " + qpsk);
        assertTrue(b.bler() < 1.3 * e.bler() && e.bler() < 1.3 * b.bler(), "blocks " + b + ", embedded " + e);
    }

    @Test
    void whileFeedbackTravelsTheNextReceiverPhaseIsSentAheadAndTrainsAsWell() {
        // a delayed feedback makes the transmitter wait, as the hops of a real link do
        Link l = link(SMALL, List.of("--delay_ms", "1"), "--snr_db", "6", "--shift", "3", "--hold_back", "5",
                "--symbols", "2");
        l.graph().run("tx", "rx");
        Map<String, Object> tx = l.tx().stats();
        assertEquals(1000L, tx.get("batches_learned"), tx.toString());
        assertEquals(999L, tx.get("batches_sent_ahead"), "every iteration's receiver batch but the first");
        assertEquals(2001L, l.rx().stats().get("frames_decoded"));
        assertTrainsAsWellAsEmbedded(l);

        Link strict = link(with(replace(SMALL, "--iterations", "20"), "--run_ahead", "false"),
                List.of("--delay_ms", "1"), "--snr_db", "6", "--symbols", "2");
        strict.graph().run("tx", "rx");
        assertEquals(0L, strict.tx().stats().get("batches_sent_ahead"));
        assertEquals(20L, strict.tx().stats().get("batches_learned"));
        assertTrue(strict.graph().clock() >= 20 * 1_000_000L, "it waited for every feedback");
    }

    @Test
    void droppedFeedbackIsSkippedAfterTheTimeoutAndCounted() {
        Link l = link(replace(SMALL, "--iterations", "60"), List.of("--drop", "0.25", "--seed", "7"),
                "--snr_db", "6");
        l.graph().run("tx", "rx");
        long dropped = (Long) l.feedback().stats().get("dropped");
        long skipped = (Long) l.tx().stats().get("batches_skipped");
        long learned = (Long) l.tx().stats().get("batches_learned");
        assertTrue(dropped > 5, "dropped " + dropped);
        assertEquals(dropped, skipped);
        assertEquals(60, learned + skipped);
        assertTrue(l.log().stream().anyMatch(s -> s.contains("skipped: no losses on 'feedback' within the feedback"
                + " timeout")), l.log().toString());
    }

    @Test
    void quantisedFeedbackIsMeasuredAndStillTrains() {
        Link l = link(replace(SMALL, "--iterations", "300"), List.of("--quantize_bits", "4"), "--snr_db", "6");
        l.graph().run("tx", "rx");
        Map<String, Object> s = l.feedback().stats();
        double rms = (Double) s.get("quantization_rms_error");
        double max = (Double) s.get("quantization_max_error");
        assertTrue(rms > 0 && rms <= max, s.toString());
        assertEquals(300L, s.get("forwarded"));
        assertTrue(bler(l.tx(), l.rx(), 6).bler() < Codebooks.qpskBler(2, 6));
    }

    @Test
    void theLossFeedbackEndsWhenTheReceiverHasFinishedTheSchedule() {
        Link l = link(replace(SMALL, "--iterations", "20"), List.of("--delay_ms", "5"), "--snr_db", "6");
        // a loss feedback that never ended would stall the graph here ("graph stalled: feedback waits for ...")
        l.graph().run("tx", "rx", "feedback");
        assertEquals(20L, l.feedback().stats().get("received"), "the Stop is not counted as losses");
        assertEquals(20L, l.feedback().stats().get("forwarded"));
        assertEquals(0L, l.feedback().stats().get("queued"));
        assertEquals(0L, l.tx().stats().get("stale_messages"), "the transmitter got nothing but its feedback");
        assertTrue(l.log().stream().anyMatch(s -> s.contains("the receiver finished the schedule")), l.log().toString());
    }

    @Test
    void feedbackDelayHoldsMessagesForTheirTime() {
        Link l = link(replace(SMALL, "--iterations", "5"), List.of("--delay_ms", "250"), "--snr_db", "6");
        l.graph().run("tx", "rx");
        assertEquals(5L, l.tx().stats().get("batches_learned"));
        assertTrue(l.graph().clock() >= 5 * 250_000_000L, "clock " + l.graph().clock());
    }

    @Test
    void aFrameDamagedInTheChannelIsReportedLostNeverMisPaired() {
        TrainConfig c = TrainingParams.config(params(TransmitterBlock.SPEC, SMALL));
        List<String> training = replace(SMALL, "--iterations", "4");
        TransmitterBlock tx = new TransmitterBlock(params(TransmitterBlock.SPEC, training));
        PolicySamplerBlock sampler = new PolicySamplerBlock(params(PolicySamplerBlock.SPEC, training));
        LocalGraph g = new LocalGraph().add("tx", tx).add("sampler", sampler)
                .connect("tx", "out", "sampler", "in").connect("sampler", "sent", "tx", "sent");
        // no feedback is connected: every transmitter-phase batch is skipped after the timeout
        g.run("tx", "sampler");
        float[] stream = g.samples("sampler", "out");
        int frame = BatchFraming.format(c).frameLength();
        int leadIn = BatchFraming.format(c).leadIn();
        // cut 10 samples out of the payload of batch 1 (a transmitter-phase batch)
        int cut = 2 * (leadIn + frame + BatchFraming.format(c).payloadOffset() + 100);
        float[] damaged = new float[stream.length - 20];
        System.arraycopy(stream, 0, damaged, 0, cut);
        System.arraycopy(stream, cut + 20, damaged, cut, stream.length - cut - 20);
        ReceiverBlock rx = new ReceiverBlock(params(ReceiverBlock.SPEC, training));
        LocalGraph r = new LocalGraph().add("rx", rx).inject("rx", "in", damaged);
        r.run("rx");
        List<ControlMessage> sent = r.messages("rx", "losses");
        // one message a transmitter-phase batch, then the end of the schedule
        assertEquals(5, sent.size(), sent.toString());
        assertInstanceOf(ControlMessage.Stop.class, sent.get(4), sent.toString());
        ControlMessage.Lost lost = assertInstanceOf(ControlMessage.Lost.class, sent.get(0));
        assertEquals(1, lost.batchId());
        for (int i = 1; i < 4; i++) {
            ControlMessage.Losses l = assertInstanceOf(ControlMessage.Losses.class, sent.get(i));
            assertEquals(2L * i + 1, l.batchId());
        }
        assertEquals(1L, rx.stats().get("partial_frames"));
        assertEquals(4L, rx.stats().get("receiver_steps"));
        assertEquals(3L, rx.stats().get("batches_fed_back"));
    }

    @Test
    void aRestartedReceiverResumesFromItsCheckpoint(@TempDir Path dir) {
        String ckpt = dir.resolve("rx.ckpt").toString();
        List<String> training = replace(SMALL, "--iterations", "40");
        // the receiver checkpoints after every batch
        ReceiverBlock rx1 = new ReceiverBlock(params(ReceiverBlock.SPEC, training, "--checkpoint", ckpt,
                "--checkpoint_seconds", "0"));
        link(training, rx1, List.of(), "--snr_db", "6").graph().run("tx", "rx");
        assertEquals(80L, rx1.nextBatch());
        ReceiverBlock rx2 = new ReceiverBlock(params(ReceiverBlock.SPEC, training, "--checkpoint", ckpt));
        assertEquals(80L, rx2.nextBatch(), "the final checkpoint is at the end-of-run frame");
        float[] a = rx1.receiver().params().get(0).value().data;
        float[] b = rx2.receiver().params().get(0).value().data;
        assertTrue(java.util.Arrays.equals(a, b));
        RuntimeException other = assertThrows(RuntimeException.class, () -> new ReceiverBlock(
                params(ReceiverBlock.SPEC, replace(training, "--seed", "2"), "--checkpoint", ckpt)));
        assertTrue(other.getMessage().contains("another run: its seed is 1, this run's is 2"), other.getMessage());
    }

    @Test
    void aStalledGraphSaysWhatEachBlockWaitsFor() {
        ReceiverBlock rx = new ReceiverBlock(params(ReceiverBlock.SPEC, SMALL));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new LocalGraph().add("rx", rx).run("rx"));
        assertEquals("graph stalled: rx waits for samples of batch 0 on 'in'", e.getMessage());
    }

    @Test
    void theChannelDropsLeadingSamplesAndHoldsBackTheNewest() {
        ChannelBlock ch = new ChannelBlock(ChannelBlock.SPEC.parse(List.of("--kind", "none", "--shift", "3",
                "--hold_back", "5")));
        float[] x = new float[2 * 20];
        for (int i = 0; i < 20; i++) {
            x[2 * i] = i;
        }
        LocalGraph g = new LocalGraph().add("ch", ch).inject("ch", "in", x);
        assertThrows(IllegalStateException.class, () -> g.run("ch"));
        float[] y = g.samples("ch", "out");
        assertEquals(2 * 12, y.length);
        for (int k = 0; k < 12; k++) {
            assertEquals(k + 3, y[2 * k]);
        }
        assertEquals(5L, ch.stats().get("samples_held"));
    }

    @Test
    void connectionsMustMatchDomainsAndDirections() {
        ChannelBlock ch = new ChannelBlock(ChannelBlock.SPEC.parse(List.of()));
        LossFeedbackBlock fb = new LossFeedbackBlock(LossFeedbackBlock.SPEC.parse(List.of()));
        LocalGraph g = new LocalGraph().add("ch", ch).add("fb", fb);
        String e = assertThrows(IllegalArgumentException.class, () -> g.connect("ch", "out", "fb", "in")).getMessage();
        assertEquals("graph: ch.out carries complex samples but fb.in takes messages", e);
        e = assertThrows(IllegalArgumentException.class, () -> g.connect("ch", "in", "ch", "out")).getMessage();
        assertTrue(e.contains("connect an output to an input"), e);
        e = assertThrows(IllegalArgumentException.class, () -> g.connect("ch", "nope", "fb", "in")).getMessage();
        assertEquals("block 'channel' has no port 'nope' (it has: in, out)", e);
    }

    static List<String> replace(List<String> args, String flag, String value) {
        List<String> a = new ArrayList<>(args);
        int i = a.indexOf(flag);
        a.set(i + 1, value);
        return a;
    }
}
