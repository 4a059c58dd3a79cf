package org.grmodelfree.comm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

/** The policy's score with respect to s^2, and log s^2 learned from it. */
class LearnedSigma2Test {
    /** sum_r weight_r log pi(xp_r | x_r) at s^2 (rows of xp in blocks of x's rows), in double. */
    private static double weightedLogLikelihood(FMatrixRMaj x, FMatrixRMaj xp, float[] weight, double s2) {
        double a = Math.sqrt(1 - s2);
        int n = x.numCols;
        double total = 0;
        for (int r = 0; r < xp.numRows; r++) {
            double row = 0;
            for (int j = 0; j < n; j++) {
                double d = xp.data[r * n + j] - a * x.data[(r % x.numRows) * n + j];
                row += -0.5 * Math.log(Math.PI * s2) - d * d / s2; // each real part has variance s^2 / 2
            }
            total += weight[r] * row;
        }
        return total;
    }

    private static FMatrixRMaj symbols(int rows, int cols, long seed) {
        Rng rng = new Rng(seed);
        FMatrixRMaj x = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = (float) rng.nextGaussian() * 0.7f;
        }
        return x;
    }

    @Test
    void theScoreIsTheDerivativeOfTheLogLikelihoodWithRespectToSigma2() {
        for (boolean mirrored : new boolean[] {false, true}) {
            FMatrixRMaj x = symbols(50, 8, 3);
            FMatrixRMaj xp = new FMatrixRMaj(1, 1);
            PolicySampler p = new PolicySampler(0.05);
            if (mirrored) {
                p.perturbMirrored(x, xp, new Rng(4));
            } else {
                p.perturb(x, xp, new Rng(4));
            }
            float[] w = new float[xp.numRows];
            Rng rng = new Rng(5);
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) rng.nextGaussian();
            }
            double h = 1e-6;
            double numeric = (weightedLogLikelihood(x, xp, w, 0.05 + h) - weightedLogLikelihood(x, xp, w, 0.05 - h))
                    / (2 * h);
            double score = p.sigma2Score(x, xp, w);
            assertEquals(numeric, score, 1e-5 * Math.abs(numeric), "mirrored " + mirrored);
        }
    }

    /**
     * Steps on losses that reward (or punish) a large perturbation: the learned s^2 must grow (or
     * shrink) and stay within its bounds.
     */
    @Test
    void logSigma2FollowsTheLossesAndStaysWithinItsBounds() {
        for (int sign : new int[] {-1, 1}) {
            LearnedSigma2 learned = new LearnedSigma2(0.02);
            PolicySampler p = new PolicySampler(learned.sigma2());
            FMatrixRMaj x = symbols(200, 8, 7);
            FMatrixRMaj xp = new FMatrixRMaj(1, 1);
            float[] loss = new float[200];
            double first = Double.NaN;
            for (int step = 0; step < 3000; step++) {
                p.perturb(x, xp, new Rng(step));
                float a = (float) Math.sqrt(1 - p.sigma2());
                double mean = 0;
                for (int r = 0; r < 200; r++) {
                    double e = 0;
                    for (int j = 0; j < 8; j++) {
                        double d = xp.data[r * 8 + j] - a * x.data[r * 8 + j];
                        e += d * d;
                    }
                    loss[r] = (float) (sign * e); // sign -1: a larger perturbation lowers the loss
                    mean += loss[r] / 200;
                }
                for (int r = 0; r < 200; r++) {
                    loss[r] -= (float) mean;
                }
                learned.gradient(p.sigma2Score(x, xp, loss), 200, p.sigma2());
                learned.step(0.01);
                p.setSigma2(learned.sigma2());
                if (step == 10) {
                    first = learned.sigma2();
                }
                assertTrue(learned.sigma2() >= LearnedSigma2.MIN && learned.sigma2() <= LearnedSigma2.MAX,
                        "s^2 = " + learned.sigma2());
            }
            double last = learned.sigma2();
            if (sign < 0) {
                assertTrue(first > 0.02 && last == LearnedSigma2.MAX, "rewarded: from 0.02 to " + first + ", then " + last);
            } else {
                assertTrue(first < 0.02 && last == LearnedSigma2.MIN, "punished: from 0.02 to " + first + ", then " + last);
            }
        }
    }

    @Test
    void anInitialVarianceOutsideZeroOneIsRefused() {
        assertEquals("exploration variance s^2 must lie in (0, 1), got 1.0",
                assertThrows(IllegalArgumentException.class, () -> new LearnedSigma2(1.0)).getMessage());
    }
}
