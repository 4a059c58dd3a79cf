package org.grmodelfree.comm;

import java.util.List;
import org.grmodelfree.nn.Adam;
import org.grmodelfree.nn.Param;

/**
 * An exploration variance learned with the policy: log s^2 is a parameter ({@code policy.log_sigma2})
 * stepped by an Adam of its own from the policy gradient's score with respect to s^2
 * ({@link PolicySampler#sigma2Score}), and kept in [{@link #MIN}, {@link #MAX}]. Learning log s^2
 * keeps the variance positive and makes Adam's steps relative. Allocates nothing per step.
 */
public final class LearnedSigma2 {
    /** The smallest learned variance: the policy gradient's variance grows as 1 / s^2. */
    public static final double MIN = 1e-3;
    /** The largest: at s^2 = 1 nothing of the transmitter's symbol is left (a = 0). */
    public static final double MAX = 0.9;

    private final Param logSigma2 = new Param("policy.log_sigma2", 1, 1);
    private final Adam optimiser;

    /** @param initial the starting s^2, in (0, 1) */
    public LearnedSigma2(double initial) {
        logSigma2.value().data[0] = (float) Math.log(PolicySampler.requireSigma2(initial));
        optimiser = new Adam(List.of(logSigma2));
    }

    /** The parameter log s^2 (saved and restored with the other tensors). */
    public Param param() {
        return logSigma2;
    }

    public Adam optimiser() {
        return optimiser;
    }

    /** The current s^2, from the parameter (so a restored parameter takes effect at once). */
    public double sigma2() {
        return Math.max(MIN, Math.min(MAX, Math.exp(logSigma2.value().data[0])));
    }

    /**
     * Sets the gradient of the mean weighted log-likelihood, (scoreSum / count) with respect to s^2,
     * as one with respect to log s^2 (times s^2).
     *
     * @param scoreSum sum over the batch's actions of weight d log pi / d s^2 ({@link PolicySampler#sigma2Score})
     * @param count the actions it sums over
     * @param sigma2 the s^2 the actions were drawn with
     */
    public void gradient(double scoreSum, int count, double sigma2) {
        logSigma2.grad().data[0] = (float) (scoreSum * sigma2 / count);
    }

    /** One Adam step at rate lr, then log s^2 clamped to [log MIN, log MAX]. */
    public void step(double lr) {
        optimiser.step(lr);
        float t = logSigma2.value().data[0];
        logSigma2.value().data[0] = (float) Math.max(Math.log(MIN), Math.min(Math.log(MAX), t));
    }
}
