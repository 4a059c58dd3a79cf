package org.grmodelfree.train;

import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.MessageSource;

/**
 * The receiver's end of a split run: for each batch that arrives (its batch id from the frame
 * header, its received samples) it regenerates the training messages from the shared seed, then
 * takes a supervised step (receiver phase) or computes the per-example losses to feed back
 * (transmitter phase). Knows nothing of frames or sockets.
 */
public final class ScheduledReceiver {
    private final TrainConfig c;
    private final Schedule schedule;
    private final ReceiverLearner learner;
    private final MessageSource source;
    private final int[] msgs;
    private final float[] losses;
    private final FMatrixRMaj y = new FMatrixRMaj(1, 1);
    private double lastLoss = Double.NaN;

    public ScheduledReceiver(ReceiverLearner learner, TrainConfig c) {
        this.c = c;
        this.schedule = Schedule.of(c);
        this.learner = learner;
        this.source = new MessageSource(c.messages(), c.seed());
        this.msgs = new int[Math.max(c.batchRx(), c.batchTx())];
        this.losses = new float[Math.max(c.batchRx(), c.batchTx())];
    }

    public Schedule schedule() {
        return schedule;
    }

    public ReceiverLearner learner() {
        return learner;
    }

    /** The mean loss of the last batch handled (before the step of a receiver-phase batch). */
    public double lastLoss() {
        return lastLoss;
    }

    /**
     * Handles one received batch (batch size x 2N floats, interleaved, from received[0..]):
     * returns null after a receiver-phase training step, or the per-example losses of a
     * transmitter-phase batch (a live buffer, valid until the next call). received not modified.
     */
    public float[] onBatch(long batchId, float[] received) {
        return onBatch(batchId, received, true);
    }

    /**
     * The same; without learn a receiver-phase batch is decided and its loss and block errors
     * ({@link ReceiverLearner#lastErrors()}) computed, but no step is taken.
     */
    public float[] onBatch(long batchId, float[] received, boolean learn) {
        Schedule.Slot s = schedule.slot(batchId);
        int b = s.transmitterPhase() ? c.batchTx() : c.batchRx();
        source.position(s.iteration(), s.stream());
        source.next(msgs, b);
        y.reshape(b, 2 * c.symbols());
        System.arraycopy(received, 0, y.data, 0, y.getNumElements());
        if (!s.transmitterPhase()) {
            lastLoss = learn ? learner.train(y, msgs, c.lrRx() * c.rxLrScale(s.iteration())) : learner.assess(y, msgs);
            return null;
        }
        lastLoss = learner.losses(y, msgs, losses);
        return losses;
    }
}
