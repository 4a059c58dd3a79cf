package org.grmodelfree.train;

import org.apache.commons.math3.distribution.BetaDistribution;

/** Exact binomial confidence interval from Beta quantiles. */
public final class ClopperPearson {
    private ClopperPearson() {
    }

    /** {low, high} for k successes in n trials at the given confidence (e.g. 0.95). */
    public static double[] interval(long k, long n, double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("Clopper-Pearson: confidence must lie in (0, 1), got " + confidence);
        }
        if (n <= 0 || k < 0 || k > n) {
            throw new IllegalArgumentException("Clopper-Pearson: need 0 <= k <= n, n > 0, got k=" + k + " n=" + n);
        }
        double alpha = 1 - confidence;
        double low = k == 0 ? 0 : new BetaDistribution(k, n - k + 1).inverseCumulativeProbability(alpha / 2);
        double high = k == n ? 1 : new BetaDistribution(k + 1, n - k).inverseCumulativeProbability(1 - alpha / 2);
        return new double[] {low, high};
    }
}
