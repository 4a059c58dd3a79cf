package org.grmodelfree.train;

import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.LossQuantizer;
import org.grmodelfree.comm.Receiver;
import org.grmodelfree.comm.Rng;
import org.grmodelfree.comm.Transmitter;
import org.grmodelfree.nn.Adam;
import org.grmodelfree.nn.Param;

/**
 * The model-free method with the built-in channel: per iteration, rxSteps supervised receiver
 * steps (no exploration), then txSteps policy-gradient transmitter steps from per-example losses.
 * No gradient passes through the channel or the receiver; the transmitter only ever sees
 * (messages, x, x_p, losses).
 */
public final class AlternatingTrainer extends BaseTrainer {
    private final TransmitterLearner txl;
    private final ReceiverLearner rxl;
    private final int[] msgs;
    private final float[] losses;
    private final FMatrixRMaj x = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj xp = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj y = new FMatrixRMaj(1, 1);
    /** Draws which loss messages the feedback link loses, a stream of its own (the others stay as they were). */
    private final Rng feedback = new Rng(0);
    private static final long FEEDBACK_SEED = 0xFEEDBAC4L;
    private long droppedFeedback;
    public AlternatingTrainer(TrainConfig c) {
        super(c);
        Networks n = Networks.create(c);
        this.txl = new TransmitterLearner(n.transmitter(), c.sigma2(), c.baseline(), c.learnSigma2());
        this.rxl = new ReceiverLearner(n.receiver());
        int b = Math.max(c.batchRx(), c.batchTx());
        this.msgs = new int[b];
        this.losses = new float[b];
    }

    @Override
    public IterationStats iterate() {
        int it = iteration();
        double scale = c.lrScale(it);
        double rxLr = c.lrRx() * c.rxLrScale(it);
        double rxLoss = 0;
        for (int s = 0; s < c.rxSteps(); s++) {
            rxLoss = receiverOnlyStep(it, RX_STREAM + s, rxLr);
        }
        double txLoss = Double.NaN;
        txl.policy().setSigma2(c.learnSigma2() ? txl.learnedSigma2().sigma2() : c.sigma2At(it));
        for (int s = 0; s < c.txSteps(); s++) {
            int stream = TX_STREAM + s;
            if (c.mirrored()) {
                // batchTx / 2 messages, each sent with +w and -w: rows [B/2, B) repeat rows [0, B/2)
                int half = c.batchTx() / 2;
                drawBatch(it, stream, msgs, half);
                System.arraycopy(msgs, 0, msgs, half, half);
                txl.transmitter().encode(msgs, half, x);
                txl.policy().perturbMirrored(x, xp, rng);
            } else {
                drawBatch(it, stream, msgs, c.batchTx());
                txl.transmitter().encode(msgs, c.batchTx(), x);
                txl.policy().perturb(x, xp, rng);
            }
            channel.apply(xp, y, rng);
            rxl.losses(y, msgs, losses);
            if (c.feedbackDrop() > 0) {
                feedback.reseed(c.seed() ^ FEEDBACK_SEED, it, stream);
                if (feedback.nextDouble() < c.feedbackDrop()) {
                    droppedFeedback++;
                    continue; // the losses never arrive: no transmitter step on this batch
                }
            }
            LossQuantizer.quantize(losses, c.batchTx(), c.feedbackBits());
            txLoss = txl.learn(msgs, x, xp, losses, c.lrTx() * scale);
        }
        advance();
        return new IterationStats(it, rxLoss, txLoss);
    }

    @Override
    double receiverOnlyStep(long it, int stream, double lr) {
        drawBatch(it, stream, msgs, c.batchRx());
        txl.transmitter().encode(msgs, c.batchRx(), x);
        channel.apply(x, y, rng);
        return rxl.train(y, msgs, lr);
    }

    /** Transmitter batches whose losses the (simulated) feedback link lost so far in this JVM. */
    public long droppedFeedback() {
        return droppedFeedback;
    }

    @Override
    public Transmitter transmitter() {
        return txl.transmitter();
    }

    @Override
    public Receiver receiver() {
        return rxl.receiver();
    }

    @Override
    public List<Adam> optimisers() {
        return c.learnSigma2() ? List.of(txl.optimiser(), rxl.optimiser(), txl.learnedSigma2().optimiser())
                : List.of(txl.optimiser(), rxl.optimiser());
    }

    @Override
    public List<Param> policyParams() {
        return c.learnSigma2() ? List.of(txl.learnedSigma2().param()) : List.of();
    }

    @Override
    public double sigma2() {
        return txl.policy().sigma2();
    }
}
