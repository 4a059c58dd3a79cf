package org.grmodelfree.train;

import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.Receiver;
import org.grmodelfree.comm.Transmitter;
import org.grmodelfree.nn.Adam;
import org.grmodelfree.nn.SoftmaxCrossEntropy;

/**
 * The model-aware baseline: transmitter, differentiable channel model and receiver as one network,
 * one Adam step on the mean cross-entropy through all three per iteration (batch batchRx).
 */
public final class SupervisedTrainer extends BaseTrainer {
    private final Transmitter tx;
    private final Receiver rx;
    private final Adam txAdam;
    private final Adam rxAdam;
    private final int[] msgs;
    private final float[] losses;
    private final FMatrixRMaj x = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj y = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj probs = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj gx = new FMatrixRMaj(1, 1);
    public SupervisedTrainer(TrainConfig c) {
        super(c);
        Networks n = Networks.create(c);
        this.tx = n.transmitter();
        this.rx = n.receiver();
        this.txAdam = new Adam(tx.params());
        this.rxAdam = new Adam(rx.params());
        this.msgs = new int[c.batchRx()];
        this.losses = new float[c.batchRx()];
    }

    @Override
    public IterationStats iterate() {
        int it = iteration();
        double lr = c.lrScale(it);
        double loss = step(it, RX_STREAM, c.lrRx() * c.rxLrScale(it), c.lrTx() * lr, true);
        advance();
        return new IterationStats(it, loss, loss);
    }

    @Override
    double receiverOnlyStep(long it, int stream, double lr) {
        return step(it, stream, lr, 0, false);
    }

    private double step(long it, int stream, double lrRx, double lrTx, boolean trainTx) {
        int b = c.batchRx();
        drawBatch(it, stream, msgs, b);
        tx.encode(msgs, b, x);
        channel.apply(x, y, rng);
        FMatrixRMaj logits = rx.forward(y);
        probs.reshape(logits.numRows, logits.numCols);
        double mean = SoftmaxCrossEntropy.forwardBackward(logits, msgs, 1f / b, probs, losses, null);
        FMatrixRMaj gy = rx.backward(probs, trainTx);
        rxAdam.step(lrRx);
        if (trainTx) {
            channel.backward(gy, gx);
            tx.backward(msgs, gx);
            txAdam.step(lrTx);
            tx.parametersChanged();
        }
        return mean;
    }

    @Override
    public Transmitter transmitter() {
        return tx;
    }

    @Override
    public Receiver receiver() {
        return rx;
    }

    @Override
    public List<Adam> optimisers() {
        return List.of(txAdam, rxAdam);
    }
}
