package org.grmodelfree.train;

import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.LearnedSigma2;
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
    /** The learned exploration variance, or null when the schedule sets it. */
    private final LearnedSigma2 learnedSigma2;
    private final FMatrixRMaj gx = new FMatrixRMaj(1, 1);
    private float[] weights = new float[0];
    /** Per-message loss sums and counts of the batch (the per-message baseline). */
    private final double[] messageSum;
    private final int[] messageCount;

    public TransmitterLearner(Transmitter tx, double sigma2, Baseline baseline) {
        this(tx, sigma2, baseline, false);
    }

    /** @param learnSigma2 learn s^2 with the policy, starting from sigma2 ({@link LearnedSigma2}) */
    public TransmitterLearner(Transmitter tx, double sigma2, Baseline baseline, boolean learnSigma2) {
        this.tx = tx;
        this.learnedSigma2 = learnSigma2 ? new LearnedSigma2(sigma2) : null;
        this.adam = new Adam(tx.params());
        this.policy = new PolicySampler(sigma2);
        this.baseline = baseline;
        this.messageSum = new double[baseline == Baseline.MESSAGE ? tx.messages() : 0];
        this.messageCount = new int[messageSum.length];
    }

    public Transmitter transmitter() {
        return tx;
    }

    public Adam optimiser() {
        return adam;
    }

    /** The learned exploration variance, or null when the schedule sets s^2. */
    public LearnedSigma2 learnedSigma2() {
        return learnedSigma2;
    }

    /** The exploration policy the losses are scored against (the sampler must use the same s^2). */
    public PolicySampler policy() {
        return policy;
    }

    /**
     * One policy-gradient step on (1/B) sum_i (l_i - b) grad log pi(xp_i | x_i); with a learned
     * exploration variance, a step of log s^2 on the same estimator, and the policy takes the new s^2.
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
        if (learnedSigma2 != null) {
            learnedSigma2.step(lr);
            policy.setSigma2(learnedSigma2.sigma2());
        }
        return mean;
    }

    /**
     * Writes the policy-gradient estimate into the transmitter's parameter gradients (and log s^2's,
     * when learned) without updating anything; arguments as for {@link #learn}. Returns the mean fed-back loss.
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
        double sum = mean;
        mean /= rows;
        if (baseline == Baseline.MESSAGE) {
            messageBaseline(msgs, x.numRows, rows, losses, sum);
        } else {
            float b = baseline == Baseline.MEAN ? (float) mean : 0f;
            for (int i = 0; i < rows; i++) {
                weights[i] = losses[i] - b;
            }
        }
        policy.scoreGradient(x, xp, weights, 1f / rows, gx);
        tx.backward(msgs, gx);
        if (learnedSigma2 != null) {
            learnedSigma2.gradient(policy.sigma2Score(x, xp, weights), rows, policy.sigma2());
        }
        return mean;
    }

    /**
     * weights[i] = l_i minus the mean loss of the batch's other rows with the same message (row i
     * carries message msgs[i % n]), or of all the other rows when no other row has it. Leaving the
     * row itself out keeps the estimator unbiased: the baseline is independent of its own noise.
     */
    private void messageBaseline(int[] msgs, int n, int rows, float[] losses, double sum) {
        for (int i = 0; i < rows; i++) {
            int m = msgs[i % n];
            messageSum[m] = 0;
            messageCount[m] = 0;
        }
        for (int i = 0; i < rows; i++) {
            int m = msgs[i % n];
            messageSum[m] += losses[i];
            messageCount[m]++;
        }
        for (int i = 0; i < rows; i++) {
            int m = msgs[i % n];
            int others = messageCount[m] - 1;
            double b = others > 0 ? (messageSum[m] - losses[i]) / others
                    : rows > 1 ? (sum - losses[i]) / (rows - 1) : 0;
            weights[i] = (float) (losses[i] - b);
        }
    }
}
