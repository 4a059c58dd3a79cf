package org.grmodelfree.comm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.nn.Param;
import org.grmodelfree.train.Baseline;
import org.grmodelfree.train.TransmitterLearner;
import org.junit.jupiter.api.Test;

/**
 * The model-free transmitter update is an unbiased estimate of the true gradient. On a small
 * system the true gradient of E[l(a x + w + n)] is computed by back-propagation through the
 * perturbation and the channel (reparameterisation), with a fixed differentiable loss l: a
 * linear-softmax classifier's cross-entropy. The policy-gradient estimate is what
 * {@link TransmitterLearner#learn} writes into the transmitter's parameter gradients.
 */
class PolicyGradientTest {

    private static final int M = 8;
    private static final int N = 2;
    private static final int HIDDEN = 8;
    private static final double SIGMA2 = 0.1;
    private static final double SNR_DB = 6;

    private final Random rand = new Random(345);

    /** A fixed linear-softmax classifier on received blocks: logits = y W + b. */
    private final class Classifier {
        final double[][] w = new double[2 * N][M];
        final double[] b = new double[M];

        Classifier() {
            for (double[] row : w) {
                for (int j = 0; j < M; j++) {
                    row[j] = 2 * rand.nextGaussian();
                }
            }
            for (int j = 0; j < M; j++) {
                b[j] = 0.3 * rand.nextGaussian();
            }
        }

        /** Cross-entropy of row r of y against label m; writes dl/dy into grad (when not null). */
        double loss(FMatrixRMaj y, int r, int m, double[] grad) {
            double[] z = b.clone();
            for (int i = 0; i < 2 * N; i++) {
                double yi = y.get(r, i);
                for (int j = 0; j < M; j++) {
                    z[j] += yi * w[i][j];
                }
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double v : z) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (int j = 0; j < M; j++) {
                z[j] = Math.exp(z[j] - max);
                sum += z[j];
            }
            if (grad != null) {
                for (int i = 0; i < 2 * N; i++) {
                    double g = 0;
                    for (int j = 0; j < M; j++) {
                        g += (z[j] / sum - (j == m ? 1 : 0)) * w[i][j];
                    }
                    grad[i] = g;
                }
            }
            return -Math.log(z[m] / sum);
        }
    }

    /** One batch: messages, encoded x, sent xp = a x + w, received y = xp + n, losses l(y). */
    private static final class Batch {
        final int[] msgs;
        final FMatrixRMaj x = new FMatrixRMaj(1, 1);
        final FMatrixRMaj xp = new FMatrixRMaj(1, 1);
        final FMatrixRMaj y = new FMatrixRMaj(1, 1);
        final float[] losses;

        Batch(Transmitter tx, Classifier cls, PolicySampler policy, int size, long seed) {
            msgs = new int[size];
            MessageSource src = new MessageSource(M, seed);
            src.position(0, 0);
            src.next(msgs, size);
            Rng rng = new Rng(seed + 1);
            tx.encode(msgs, size, x);
            policy.perturb(x, xp, rng);
            new AwgnChannel(SNR_DB).apply(xp, y, rng);
            losses = new float[size];
            for (int i = 0; i < size; i++) {
                losses[i] = (float) cls.loss(y, i, msgs[i], null);
            }
        }
    }

    /** The true gradient by reparameterisation: d/dtheta (1/B) sum_i l(a x_i + w_i + n_i). */
    private static double[] trueGradient(Transmitter tx, Classifier cls, Batch batch, double a) {
        int b = batch.msgs.length;
        FMatrixRMaj gx = new FMatrixRMaj(b, 2 * N);
        double[] gy = new double[2 * N];
        for (int i = 0; i < b; i++) {
            cls.loss(batch.y, i, batch.msgs[i], gy);
            for (int j = 0; j < 2 * N; j++) {
                gx.set(i, j, (float) (a * gy[j] / b));
            }
        }
        tx.backward(batch.msgs, gx);
        return grads(tx);
    }

    /** The model-free estimate: what TransmitterLearner.learn puts into the parameter gradients. */
    private static double[] policyGradient(Transmitter tx, Batch batch, Baseline baseline) {
        TransmitterLearner learner = new TransmitterLearner(tx, SIGMA2, baseline);
        // a vanishing learning rate: the step leaves the weights as they are, the gradients stay readable
        learner.learn(batch.msgs, batch.x, batch.xp, batch.losses, 1e-30);
        return grads(tx);
    }

    private static double[] grads(Transmitter tx) {
        int n = 0;
        for (Param p : tx.params()) {
            n += p.size();
        }
        double[] g = new double[n];
        int o = 0;
        for (Param p : tx.params()) {
            for (int i = 0; i < p.size(); i++) {
                g[o++] = p.grad().data[i];
            }
        }
        return g;
    }

    private static double cosine(double[] u, double[] v) {
        double uv = 0;
        double uu = 0;
        double vv = 0;
        for (int i = 0; i < u.length; i++) {
            uv += u[i] * v[i];
            uu += u[i] * u[i];
            vv += v[i] * v[i];
        }
        return uv / Math.sqrt(uu * vv);
    }

    private static double distance2(double[] u, double[] v) {
        double s = 0;
        for (int i = 0; i < u.length; i++) {
            s += (u[i] - v[i]) * (u[i] - v[i]);
        }
        return s;
    }

    private static double norm2(double[] u) {
        double s = 0;
        for (double v : u) {
            s += v * v;
        }
        return s;
    }

    @Test
    void policyGradientPointsAlongTheTrueGradient() {
        Transmitter tx = new Transmitter(M, N, HIDDEN, new Rng(11));
        Classifier cls = new Classifier();
        PolicySampler policy = new PolicySampler(SIGMA2);
        double a = Math.sqrt(1 - SIGMA2);
        Batch big = new Batch(tx, cls, policy, 200_000, 5);
        double[] truth = trueGradient(tx, cls, big, a);
        double[] estimate = policyGradient(tx, big, Baseline.MEAN);
        double cos = cosine(truth, estimate);
        assertTrue(cos > 0.9, "cosine similarity of policy gradient and true gradient: " + cos);
        // not only the direction: the magnitude is right too (unbiased, not merely aligned)
        double ratio = Math.sqrt(norm2(estimate) / norm2(truth));
        assertTrue(ratio > 0.85 && ratio < 1.15, "norm ratio " + ratio);
    }

    @Test
    void meanBaselineReducesTheErrorOfSmallBatchEstimates() {
        Transmitter tx = new Transmitter(M, N, HIDDEN, new Rng(12));
        Classifier cls = new Classifier();
        PolicySampler policy = new PolicySampler(SIGMA2);
        double a = Math.sqrt(1 - SIGMA2);
        double[] truth = trueGradient(tx, cls, new Batch(tx, cls, policy, 200_000, 100), a);
        double errMean = 0;
        double errNone = 0;
        double cosMean = 0;
        int trials = 20;
        for (int t = 0; t < trials; t++) {
            Batch small = new Batch(tx, cls, policy, 2_000, 1_000 + t);
            double[] withBaseline = policyGradient(tx, small, Baseline.MEAN);
            errMean += distance2(withBaseline, truth);
            cosMean += cosine(withBaseline, truth) / trials;
            errNone += distance2(policyGradient(tx, small, Baseline.NONE), truth);
        }
        assertTrue(errMean < 0.7 * errNone, "squared error with mean baseline " + errMean + ", without " + errNone);
        assertTrue(cosMean > 0.8, "mean cosine of 2000-message estimates " + cosMean);
    }

    @Test
    void withTheMeanBaselineAConstantAddedToAllLossesChangesNothing() {
        Transmitter tx = new Transmitter(M, N, HIDDEN, new Rng(13));
        Classifier cls = new Classifier();
        Batch batch = new Batch(tx, cls, new PolicySampler(SIGMA2), 500, 7);
        double[] g1 = policyGradient(tx, batch, Baseline.MEAN);
        for (int i = 0; i < batch.losses.length; i++) {
            batch.losses[i] += 3f;
        }
        double[] g2 = policyGradient(tx, batch, Baseline.MEAN);
        assertTrue(distance2(g1, g2) < 1e-6 * norm2(g1), "shifted losses moved the estimate");
        // without a baseline the constant does change this batch's estimate (zero mean, not zero)
        double[] g3 = policyGradient(tx, batch, Baseline.NONE);
        assertTrue(distance2(g1, g3) > 1e-3 * norm2(g1));
    }

    /** A rows x cols block of standard normal draws from the test's generator. */
    private FMatrixRMaj gaussian(int rows, int cols) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = (float) rand.nextGaussian();
        }
        return m;
    }

    @Test
    void theScoreHasZeroMean() {
        // E[d log pi / dx] = 0: any constant baseline leaves the estimate unbiased
        PolicySampler policy = new PolicySampler(0.02);
        int rows = 100_000;
        FMatrixRMaj x = gaussian(rows, 4);
        FMatrixRMaj xp = new FMatrixRMaj(1, 1);
        policy.perturb(x, xp, new Rng(21));
        float[] ones = new float[rows];
        java.util.Arrays.fill(ones, 1f);
        FMatrixRMaj score = new FMatrixRMaj(1, 1);
        policy.scoreGradient(x, xp, ones, 1f, score);
        double a = Math.sqrt(0.98);
        // each component is 2a w / s^2, w ~ N(0, s^2 / 2): standard deviation 2a / sqrt(2 s^2)
        double sd = 2 * a / Math.sqrt(2 * 0.02);
        for (int j = 0; j < 4; j++) {
            double mean = 0;
            double var = 0;
            for (int r = 0; r < rows; r++) {
                double s = score.get(r, j);
                mean += s;
                var += s * s;
            }
            mean /= rows;
            var = var / rows - mean * mean;
            assertEquals(0, mean, 4 * sd / Math.sqrt(rows), "mean score of component " + j);
            assertEquals(sd, Math.sqrt(var), 0.02 * sd, "score spread of component " + j);
        }
    }

    @Test
    void scoreGradientIsTwoATimesTheDeviationOverSigma2TimesWeightAndScale() {
        double s2 = 0.07;
        PolicySampler policy = new PolicySampler(s2);
        double a = Math.sqrt(1 - s2);
        FMatrixRMaj x = new FMatrixRMaj(5, 6);
        FMatrixRMaj xp = new FMatrixRMaj(5, 6);
        for (int i = 0; i < 30; i++) {
            x.data[i] = (float) rand.nextGaussian();
            xp.data[i] = (float) rand.nextGaussian();
        }
        float[] weight = {0.5f, -1.25f, 2f, 0f, 3.5f, 99f}; // longer than the batch is fine
        float scale = 0.2f;
        FMatrixRMaj gx = new FMatrixRMaj(1, 1);
        policy.scoreGradient(x, xp, weight, scale, gx);
        assertEquals(5, gx.numRows);
        assertEquals(6, gx.numCols);
        for (int r = 0; r < 5; r++) {
            for (int j = 0; j < 6; j++) {
                double expected = 2 * a * (xp.get(r, j) - a * x.get(r, j)) / s2 * weight[r] * scale;
                assertEquals(expected, gx.get(r, j), 1e-5 * Math.max(1, Math.abs(expected)), r + "," + j);
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> policy.scoreGradient(x, new FMatrixRMaj(5, 4), weight, 1f, gx));
        assertThrows(IllegalArgumentException.class,
                () -> policy.scoreGradient(x, xp, new float[4], 1f, gx));
    }

    @Test
    void mirroredPerturbationSendsEachRowWithPlusAndMinusTheSameNoise() {
        double s2 = 0.15;
        PolicySampler policy = new PolicySampler(s2);
        float a = (float) Math.sqrt(1 - s2);
        int rows = 20_000;
        FMatrixRMaj x = gaussian(rows, 2);
        FMatrixRMaj xp = new FMatrixRMaj(1, 1);
        policy.perturbMirrored(x, xp, new Random(5));
        assertEquals(2 * rows, xp.numRows);
        assertEquals(2, xp.numCols);
        int n = x.getNumElements();
        double var = 0;
        for (int i = 0; i < n; i++) {
            float plus = xp.data[i] - a * x.data[i];
            float minus = xp.data[n + i] - a * x.data[i];
            assertEquals(-plus, minus, 1e-5, "element " + i);
            var += plus * plus;
        }
        // each half is a draw of the policy: variance s^2 / 2 per real component
        assertEquals(s2 / 2, var / n, 0.05 * s2 / 2);

        // Over mirrored pairs a constant added to every loss (a baseline) cancels: the same gradient.
        float[] loss = new float[2 * rows];
        float[] shifted = new float[2 * rows];
        for (int i = 0; i < loss.length; i++) {
            loss[i] = (float) Math.abs(rand.nextGaussian());
            shifted[i] = loss[i] - 0.75f;
        }
        FMatrixRMaj g = new FMatrixRMaj(1, 1);
        FMatrixRMaj gShifted = new FMatrixRMaj(1, 1);
        policy.scoreGradient(x, xp, loss, 1f / (2 * rows), g);
        policy.scoreGradient(x, xp, shifted, 1f / (2 * rows), gShifted);
        for (int i = 0; i < n; i++) {
            assertEquals(g.data[i], gShifted.data[i], 1e-5 * Math.max(1, Math.abs(g.data[i])), "element " + i);
        }
        // Independent draws keep the shift's effect: mean over rows of -0.75 * score, not zero.
        FMatrixRMaj single = new FMatrixRMaj(1, 1);
        policy.perturb(x, single, new Random(6));
        policy.scoreGradient(x, single, loss, 1f, g);
        policy.scoreGradient(x, single, shifted, 1f, gShifted);
        double moved = 0;
        for (int i = 0; i < n; i++) {
            moved = Math.max(moved, Math.abs(g.data[i] - gShifted.data[i]));
        }
        assertTrue(moved > 0.1, "a shift of the losses should change an independent draw's gradient: " + moved);
    }

    @Test
    void scoreGradientSumsOverTheCopiesOfEachRow() {
        double s2 = 0.2;
        PolicySampler policy = new PolicySampler(s2);
        double a = Math.sqrt(1 - s2);
        FMatrixRMaj x = gaussian(3, 4);
        FMatrixRMaj xp = gaussian(6, 4);
        float[] weight = {1f, -2f, 0.5f, 3f, 0.25f, -1f};
        FMatrixRMaj gx = new FMatrixRMaj(1, 1);
        policy.scoreGradient(x, xp, weight, 0.5f, gx);
        assertEquals(3, gx.numRows);
        for (int r = 0; r < 3; r++) {
            for (int j = 0; j < 4; j++) {
                double expected = 0;
                for (int copy = 0; copy < 2; copy++) {
                    expected += 2 * a * (xp.get(copy * 3 + r, j) - a * x.get(r, j)) / s2 * weight[copy * 3 + r] * 0.5;
                }
                assertEquals(expected, gx.get(r, j), 1e-5 * Math.max(1, Math.abs(expected)), r + "," + j);
            }
        }
        // a sent block that is not a whole number of copies, and too few losses for the copies
        assertThrows(IllegalArgumentException.class, () -> policy.scoreGradient(x, new FMatrixRMaj(5, 4), weight, 1f, gx));
        assertThrows(IllegalArgumentException.class, () -> policy.scoreGradient(x, xp, new float[5], 1f, gx));
    }

    @Test
    void perturbIsScaledInputPlusComplexGaussianOfVarianceSigma2() {
        double s2 = 0.3;
        PolicySampler policy = new PolicySampler(s2);
        int rows = 50_000;
        FMatrixRMaj x = new FMatrixRMaj(rows, 2);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = (float) rand.nextGaussian();
        }
        FMatrixRMaj xp = new FMatrixRMaj(1, 1);
        policy.perturb(x, xp, new Rng(22));
        double a = Math.sqrt(1 - s2);
        double power = 0;
        double cross = 0;
        for (int r = 0; r < rows; r++) {
            double wr = xp.get(r, 0) - a * x.get(r, 0);
            double wi = xp.get(r, 1) - a * x.get(r, 1);
            power += wr * wr + wi * wi;
            cross += wr * x.get(r, 0);
        }
        assertEquals(s2, power / rows, 0.02 * s2, "E|w|^2");
        assertEquals(0, cross / rows, 0.01, "w independent of x");
    }

    @Test
    void explorationVarianceMustLieStrictlyBetweenZeroAndOne() {
        for (double bad : new double[] {0, 1, -0.1, 1.5, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> new PolicySampler(bad), "s^2 = " + bad);
        }
        PolicySampler p = new PolicySampler(0.5);
        p.setSigma2(0.01);
        assertEquals(0.01, p.sigma2());
        assertThrows(IllegalArgumentException.class, () -> p.setSigma2(1.0));
        assertEquals(0.01, p.sigma2());
    }
}
