package org.grmodelfree.train;

import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.MessageSource;
import org.grmodelfree.comm.Transmitter;

/**
 * The transmitter's end of a split run: encodes each scheduled batch (no exploration: the policy
 * sampler perturbs transmitter-phase batches downstream) and learns from what the sampler actually
 * sent together with the losses fed back for it. A transmitter-phase batch must get its feedback
 * ({@link #learn}) before the next transmitter-phase batch is encoded. Without run-ahead, no batch
 * at all is encoded before that feedback, exactly as the embedded trainer orders its steps.
 *
 * <p>With run-ahead, the receiver-phase batches that follow a pending transmitter-phase batch (those
 * of the next iteration) may be encoded while it waits, with the weights from before its step: the
 * receiver then trains on them while the feedback travels, instead of waiting for the whole round
 * trip. Those batches see a codebook one policy step old; the transmitter-phase batches and the
 * policy gradient are unchanged (every transmitter step still uses the weights that encoded its
 * batch). The lag is bounded by the schedule: the next transmitter-phase batch waits for the
 * feedback, so the transmitter is never more than one receiver phase ahead. Knows nothing of frames
 * or sockets.
 */
public final class ScheduledTransmitter {
    private final TrainConfig c;
    private final Schedule schedule;
    private final TransmitterLearner learner;
    private final boolean runAhead;
    private final MessageSource source;
    /** Messages and encoding of the last transmitter-phase batch, kept for its step. */
    private final int[] msgs;
    private final FMatrixRMaj x = new FMatrixRMaj(1, 1);
    /** Messages and encoding of receiver-phase batches, which may be encoded while one is pending. */
    private final int[] rxMsgs;
    private final FMatrixRMaj rxX = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj xp = new FMatrixRMaj(1, 1);
    private long pending = -1;

    /** Without run-ahead: the embedded trainer's order of steps. */
    public ScheduledTransmitter(TransmitterLearner learner, TrainConfig c) {
        this(learner, c, false);
    }

    /** @param runAhead encode the next receiver phase while a batch waits for feedback (see the class comment) */
    public ScheduledTransmitter(TransmitterLearner learner, TrainConfig c, boolean runAhead) {
        this.c = c;
        this.schedule = Schedule.of(c);
        this.learner = learner;
        this.runAhead = runAhead;
        this.source = new MessageSource(c.messages(), c.seed());
        this.msgs = new int[c.batchTx()];
        this.rxMsgs = new int[c.batchRx()];
    }

    public Schedule schedule() {
        return schedule;
    }

    public TransmitterLearner learner() {
        return learner;
    }

    /** Complex samples of one batch's payload: batch size times N. */
    public int payloadSymbols(long batchId) {
        return batchSize(schedule.slot(batchId)) * c.symbols();
    }

    private int batchSize(Schedule.Slot s) {
        return s.transmitterPhase() ? c.batchTx() : c.batchRx();
    }

    /**
     * Whether batchId may be encoded now: always when no batch waits for feedback, otherwise only a
     * receiver-phase batch, and only with run-ahead.
     */
    public boolean canEncode(long batchId) {
        return pending < 0 || (runAhead && !schedule.slot(batchId).transmitterPhase());
    }

    /**
     * Writes the encoded batch (batch size x 2N floats, interleaved complex) into out[off..] and
     * returns the number of complex samples. out modified.
     *
     * @throws IllegalStateException if the batch may not be encoded yet ({@link #canEncode})
     */
    public int encode(long batchId, float[] out, int off) {
        if (!canEncode(batchId)) {
            throw new IllegalStateException("transmitter: batch " + pending
                    + " still waits for its feedback; batch " + batchId + " cannot be encoded before it");
        }
        Schedule.Slot s = schedule.slot(batchId);
        int b = batchSize(s);
        int[] m = s.transmitterPhase() ? msgs : rxMsgs;
        FMatrixRMaj enc = s.transmitterPhase() ? x : rxX;
        source.position(s.iteration(), s.stream());
        source.next(m, b);
        Transmitter tx = learner.transmitter();
        tx.encode(m, b, enc);
        System.arraycopy(enc.data, 0, out, off, b * 2 * c.symbols());
        if (s.transmitterPhase()) {
            pending = batchId;
        }
        return b * c.symbols();
    }

    /** The transmitter-phase batch waiting for its feedback, or -1. */
    public long pending() {
        return pending;
    }

    /**
     * Gives up the pending batch, whose feedback was lost: no step is taken for it and the next
     * batch may be encoded.
     */
    public void abandon(long batchId) {
        if (batchId != pending) {
            throw new IllegalStateException("transmitter: cannot abandon batch " + batchId + ", batch " + pending
                    + " is the one waiting for feedback");
        }
        pending = -1;
    }

    /** The exploration variance the sampler must use for a batch (the schedule may anneal it). */
    public double sigma2(long batchId) {
        return c.sigma2At(schedule.slot(batchId).iteration());
    }

    /**
     * How well sent fits the pending batch: the mean of |x_p - sqrt(1 - s^2) x|^2 / s^2 over its
     * complex samples, x what this transmitter encoded for the batch. The policy sampler's x_p gives
     * about 1 (a chi-square mean over 2BN degrees of freedom); samples of other messages, or of a
     * transmitter with other weights, give far more (about 1 + 2(1 - s^2)/s^2 for other messages).
     * Allocates nothing.
     *
     * @param sent batch x 2N floats, not modified
     * @param sigma2 the exploration variance the sampler used (NaN: the schedule's)
     */
    public double explorationRatio(long batchId, float[] sent, double sigma2) {
        Schedule.Slot s = schedule.slot(batchId);
        double s2 = Double.isNaN(sigma2) ? c.sigma2At(s.iteration()) : sigma2;
        int n = c.batchTx() * 2 * c.symbols();
        float a = (float) Math.sqrt(1 - s2);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double w = sent[i] - a * x.data[i];
            sum += w * w;
        }
        return sum / (n / 2.0) / s2;
    }

    /**
     * One policy-gradient step for the pending transmitter-phase batch from what was sent (sent,
     * batch x 2N floats) and the per-example losses, with the schedule's exploration variance;
     * returns the mean loss. Arguments not modified.
     */
    public double learn(long batchId, float[] sent, float[] losses) {
        return learn(batchId, sent, losses, Double.NaN);
    }

    /**
     * The same with the exploration variance the sampler used for the batch (NaN: the schedule's),
     * which the policy gradient must assume.
     */
    public double learn(long batchId, float[] sent, float[] losses, double sigma2) {
        if (batchId != pending) {
            throw new IllegalStateException("transmitter: feedback for batch " + batchId + " but batch " + pending
                    + " is the one waiting for it");
        }
        Schedule.Slot s = schedule.slot(batchId);
        int b = c.batchTx();
        xp.reshape(b, 2 * c.symbols());
        System.arraycopy(sent, 0, xp.data, 0, xp.getNumElements());
        learner.policy().setSigma2(Double.isNaN(sigma2) ? c.sigma2At(s.iteration()) : sigma2);
        pending = -1;
        return learner.learn(msgs, x, xp, losses, c.lrTx() * c.lrScale(s.iteration()));
    }
}
