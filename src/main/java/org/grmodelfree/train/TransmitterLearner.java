package org.grmodelfree.train;

import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.PolicySampler;
import org.grmodelfree.comm.Transmitter;
import org.grmodelfree.nn.Adam;

/**
 * The transmitter's side of model-free training: it encodes messages, and learns from what the
 * policy sampler actually sent together with the per-example losses fed back by the receiver. It
 * never sees the channel or the receiver.
 */
public final class TransmitterLearner {
    private final Transmitter tx;
    private final Adam adam;
    private final PolicySampler policy;
    private final Baseline baseline;
    private final FMatrixRMaj gx = new FMatrixRMaj(1, 1);
    private float[] weights = new float[0];

    public TransmitterLearner(Transmitter tx, double sigma2, Baseline baseline) {
        this.tx = tx;
        this.adam = new Adam(tx.params());
        this.policy = new PolicySampler(sigma2);
        this.baseline = baseline;
    }

    public Transmitter transmitter() {
        return tx;
    }

    public Adam optimiser() {
        return adam;
    }

    /** The exploration policy the losses are scored against (the sampler must use the same s^2). */
    public PolicySampler policy() {
        return policy;
    }

    /**
     * One policy-gradient step on (1/B) sum_i (l_i - b) grad log pi(xp_i | x_i).
     *
     * @param msgs the messages of the batch, not modified
     * @param x what the transmitter encoded, not modified
     * @param xp what the policy sampler sent, not modified: x's rows, or copies of them stacked
     *     ({@link PolicySampler#perturbMirrored}), B rows in all
     * @param losses per-example losses from the receiver, one per row of xp, not modified
     * @param lr learning rate
     * @return the mean fed-back loss
     */
    public double learn(int[] msgs, FMatrixRMaj x, FMatrixRMaj xp, float[] losses, double lr) {
        double mean = gradient(msgs, x, xp, losses);
        adam.step(lr);
        tx.parametersChanged();
        return mean;
    }

    /**
     * Writes the policy-gradient estimate into the transmitter's parameter gradients without
     * updating anything; arguments as for {@link #learn}. Returns the mean fed-back loss.
     */
    public double gradient(int[] msgs, FMatrixRMaj x, FMatrixRMaj xp, float[] losses) {
        int rows = xp.numRows; // x's rows, or a multiple of them when each was sent more than once (mirrored)
        if (losses.length < rows) {
            throw new IllegalArgumentException("transmitter learner: " + losses.length + " losses for a batch of " + rows);
        }
        if (weights.length < rows) {
            weights = new float[rows];
        }
        double mean = 0;
        for (int i = 0; i < rows; i++) {
            float l = losses[i];
            if (!Float.isFinite(l)) {
                throw new IllegalArgumentException("transmitter learner: loss " + i + " of the batch is " + l);
            }
            mean += l;
        }
        mean /= rows;
        float b = baseline == Baseline.MEAN ? (float) mean : 0f;
        for (int i = 0; i < rows; i++) {
            weights[i] = losses[i] - b;
        }
        policy.scoreGradient(x, xp, weights, 1f / rows, gx);
        tx.backward(msgs, gx);
        return mean;
    }
}
