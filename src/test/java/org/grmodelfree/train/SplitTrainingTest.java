package org.grmodelfree.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.comm.Codebooks;
import org.grmodelfree.comm.FrameFormat;
import org.grmodelfree.comm.FrameSync;
import org.grmodelfree.comm.FrameWriter;
import org.grmodelfree.comm.PolicySampler;
import org.grmodelfree.comm.Receiver;
import org.grmodelfree.comm.Rng;
import org.grmodelfree.comm.Transmitter;
import org.junit.jupiter.api.Test;

/**
 * Model-free training split as the block processes split it: the transmitter side encodes
 * scheduled batches into frames, a policy sampler perturbs transmitter-phase batches, a channel
 * adds noise and, like GNU Radio's channel_model, drops the first 3 samples and holds back the
 * last 5, the receiver finds the frames and trains or feeds back losses by batch id.
 */
class SplitTrainingTest {

    /** A channel_model-like stream channel: AWGN, y[k] = x[k + 3], the newest 5 samples held back. */
    static final class ShiftHoldChannel {
        private final double std;
        private final SplittableRandom rng;
        private float[] line = new float[0];
        private int held;
        private int toDrop = 3;

        ShiftHoldChannel(double snrDb, long seed) {
            this.std = Math.sqrt(Math.pow(10, -snrDb / 10) / 2);
            this.rng = new SplittableRandom(seed);
        }

        /** Feeds items samples in, returns how many came out into out[0..]. */
        int pass(float[] in, int items, float[] out) {
            float[] all = Arrays.copyOf(line, 2 * (held + items));
            System.arraycopy(in, 0, all, 2 * held, 2 * items);
            int available = held + items;
            int start = Math.min(toDrop, available);
            toDrop -= start;
            int emit = Math.max(0, available - start - 5);
            for (int i = 0; i < 2 * emit; i++) {
                out[i] = all[2 * start + i] + (float) (std * rng.nextGaussian());
            }
            held = available - start - emit;
            line = Arrays.copyOfRange(all, 2 * (start + emit), 2 * available);
            return emit;
        }
    }

    /** Per-run counts of what the receiver saw. */
    record Run(Transmitter tx, Receiver rx, FrameSync sync, int lossesFedBack) {
    }

    static Run trainSplit(TrainConfig c) {
        Networks nets = Networks.create(c);
        Transmitter tx = nets.transmitter();
        Receiver rx = nets.receiver();
        ScheduledTransmitter txs = new ScheduledTransmitter(new TransmitterLearner(tx, c.sigma2(), c.baseline()), c);
        ScheduledReceiver rxs = new ScheduledReceiver(new ReceiverLearner(rx), c);
        int payload = Math.max(c.batchRx(), c.batchTx()) * c.symbols();
        FrameFormat format = FrameFormat.of(payload);
        FrameWriter writer = new FrameWriter(format);
        FrameSync sync = new FrameSync(format);
        ShiftHoldChannel channel = new ShiftHoldChannel(c.snrDb(), c.seed() + 17);
        PolicySampler sampler = new PolicySampler(c.sigma2());
        Rng samplerRng = new Rng(c.seed() + 23);
        float[] x = new float[2 * payload];
        float[] sent = new float[2 * payload];
        float[] frame = new float[2 * (format.leadIn() + format.frameLength())];
        float[] received = new float[frame.length + 64];
        float[] got = new float[2 * payload];
        FMatrixRMaj xm = new FMatrixRMaj(1, 1);
        FMatrixRMaj xpm = new FMatrixRMaj(1, 1);
        int fed = 0;
        boolean first = true;
        Schedule schedule = txs.schedule();
        for (int it = 0; it < c.iterations(); it++) {
            for (int step = 0; step < schedule.batchesPerIteration(); step++) {
                long id = schedule.batchId(it, step);
                int n = txs.encode(id, x, 0);
                boolean txPhase = schedule.slot(id).transmitterPhase();
                System.arraycopy(x, 0, sent, 0, 2 * n);
                if (txPhase) {
                    xm.reshape(n / c.symbols(), 2 * c.symbols());
                    System.arraycopy(x, 0, xm.data, 0, 2 * n);
                    sampler.setSigma2(txs.sigma2(id));
                    sampler.perturb(xm, xpm, samplerRng);
                    System.arraycopy(xpm.data, 0, sent, 0, 2 * n);
                }
                Arrays.fill(sent, 2 * n, sent.length, 0f);
                int o = first ? writer.writeLeadIn(frame, 0) : 0;
                first = false;
                o += writer.write(id, sent, 0, frame, o);
                int out = channel.pass(frame, o, received);
                sync.push(received, 0, out);
                while (sync.next(got)) {
                    float[] losses = rxs.onBatch(sync.batchId(), got);
                    if (losses != null) {
                        txs.learn(sync.batchId(), sent, losses);
                        fed++;
                    }
                }
            }
        }
        return new Run(tx, rx, sync, fed);
    }

    @Test
    void trainsThroughFramesAndAShiftingChannelAsWellAsEmbedded() {
        // All batches of one size: frames carry batch x N symbols of payload.
        TrainConfig c = TrainerTest.convergence(Method.ALTERNATING, ChannelKind.AWGN);
        Run split = trainSplit(c);
        assertEquals(c.iterations() * 2L, split.sync().framesDecoded());
        assertEquals(0, split.sync().partialFrames());
        assertEquals(0, split.sync().missedFrames());
        assertEquals(c.iterations(), split.lossesFedBack());

        Trainer embedded = Trainer.create(c);
        for (int i = 0; i < c.iterations(); i++) {
            embedded.iterate();
        }
        Evaluator ev = new Evaluator(99, 1_000, 200_000, 2_000);
        BlerPoint s = ev.bler(split.tx().codebook(), split.rx(), ChannelKind.AWGN, c.snrDb());
        BlerPoint e = ev.bler(embedded.transmitter().codebook(), embedded.receiver(), ChannelKind.AWGN, c.snrDb());
        double qpsk = Codebooks.qpskBler(2, c.snrDb());
        assertTrue(s.ciHigh() < qpsk, "split " + s + " does not beat uncoded QPSK " + qpsk);
        // the same method and schedule; only the noise draws differ
        assertTrue(s.bler() < 1.25 * e.bler() && e.bler() < 1.25 * s.bler(), "split " + s + ", embedded " + e);
    }

    @Test
    void scheduleMapsBatchIdsToTheEmbeddedStreams() {
        Schedule s = new Schedule(2, 1);
        assertEquals(0, s.batchId(0, 0));
        assertEquals(5, s.batchId(1, 2));
        Schedule.Slot slot = s.slot(5);
        assertEquals(1, slot.iteration());
        assertTrue(slot.transmitterPhase());
        assertEquals(BaseTrainer.TX_STREAM, slot.stream());
        assertEquals(BaseTrainer.RX_STREAM + 1, s.slot(4).stream());
        assertThrows(IllegalArgumentException.class, () -> s.batchId(0, 3));
        assertThrows(IllegalArgumentException.class, () -> s.slot(-1));
    }

    @Test
    void transmitterRefusesToRunAheadOfItsFeedback() {
        TrainConfig c = TrainerTest.small(Method.ALTERNATING, ChannelKind.AWGN, 3);
        ScheduledTransmitter txs = new ScheduledTransmitter(new TransmitterLearner(
                Networks.create(c).transmitter(), c.sigma2(), c.baseline()), c);
        float[] x = new float[2 * c.batchTx() * c.symbols()];
        long txBatch = txs.schedule().batchId(0, c.rxSteps());
        txs.encode(txBatch, x, 0);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> txs.encode(txs.schedule().batchId(1, 0), x, 0));
        assertTrue(e.getMessage().contains("waits for its feedback"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> txs.learn(txBatch + 99, x, new float[c.batchTx()]));
    }

    @Test
    void runAheadSendsTheNextReceiverPhaseEarlyAndTakesTheSameStep() {
        TrainConfig c = TrainerTest.small(Method.ALTERNATING, ChannelKind.AWGN, 3);
        ScheduledTransmitter strict = new ScheduledTransmitter(new TransmitterLearner(
                Networks.create(c).transmitter(), c.sigma2(), c.baseline()), c);
        ScheduledTransmitter ahead = new ScheduledTransmitter(new TransmitterLearner(
                Networks.create(c).transmitter(), c.sigma2(), c.baseline()), c, true);
        Schedule s = strict.schedule();
        float[] x = new float[2 * Math.max(c.batchRx(), c.batchTx()) * c.symbols()];
        long txBatch = s.batchId(0, c.rxSteps());
        for (ScheduledTransmitter t : new ScheduledTransmitter[] {strict, ahead}) {
            for (long b = 0; b <= txBatch; b++) {
                t.encode(b, x, 0);
            }
        }
        assertFalse(strict.canEncode(s.batchId(1, 0)));
        for (int step = 0; step < c.rxSteps(); step++) {
            assertTrue(ahead.canEncode(s.batchId(1, step)));
            ahead.encode(s.batchId(1, step), x, 0);
        }
        long nextTx = s.batchId(1, c.rxSteps());
        assertFalse(ahead.canEncode(nextTx), "the next transmitter batch waits for the feedback");
        assertThrows(IllegalStateException.class, () -> ahead.encode(nextTx, x, 0));

        // the batches sent ahead leave the pending batch's messages and encoding alone
        SplittableRandom r = new SplittableRandom(5);
        float[] sent = new float[2 * c.batchTx() * c.symbols()];
        float[] losses = new float[c.batchTx()];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < losses.length; i++) {
            losses[i] = (float) r.nextDouble(0, 3);
        }
        strict.learn(txBatch, sent, losses);
        ahead.learn(txBatch, sent, losses);
        for (int i = 0; i < strict.learner().transmitter().params().size(); i++) {
            assertArrayEquals(strict.learner().transmitter().params().get(i).value().data,
                    ahead.learner().transmitter().params().get(i).value().data);
        }
        assertTrue(ahead.canEncode(nextTx));
    }
}
