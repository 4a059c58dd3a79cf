package org.grmodelfree.comm;

import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;

/**
 * The Gaussian policy pi(x_p | x): x_p = a x + w with a = sqrt(1 - s^2) and w ~ CN(0, s^2 I), so
 * the transmitted energy stays one on average. Its score, per real component,
 * d log pi / d x = 2 a (x_p - a x) / s^2, is what the transmitter's policy gradient is built from.
 */
public final class PolicySampler {
    private double sigma2;
    private float a;
    private float std;

    public PolicySampler(double sigma2) {
        setSigma2(sigma2);
    }

    /** Sets the exploration variance s^2, 0 &lt; s^2 &lt; 1 (it may change during training). */
    public void setSigma2(double s2) {
        this.sigma2 = requireSigma2(s2);
        this.a = (float) Math.sqrt(1 - s2);
        this.std = (float) Math.sqrt(s2 / 2);
    }

    public double sigma2() {
        return sigma2;
    }

    /** Returns s2 if it is an exploration variance, 0 &lt; s^2 &lt; 1; an IllegalArgumentException otherwise. */
    static double requireSigma2(double s2) {
        if (!(s2 > 0 && s2 < 1)) {
            throw new IllegalArgumentException("exploration variance s^2 must lie in (0, 1), got " + s2);
        }
        return s2;
    }

    /** x_p = a x + w. x not modified; xp reshaped to x's shape and modified. */
    public void perturb(FMatrixRMaj x, FMatrixRMaj xp, RandomGenerator rng) {
        xp.reshape(x.numRows, x.numCols);
        for (int i = 0; i < x.getNumElements(); i++) {
            xp.data[i] = a * x.data[i] + std * (float) rng.nextGaussian();
        }
    }

    /**
     * Antithetic (mirrored) exploration: every row of x sent twice, rows [0, B) as a x + w and rows
     * [B, 2B) as a x - w with the same draw w (B = x's rows). Each half is a draw from the policy, so
     * {@link #scoreGradient} over all 2B rows stays an unbiased policy gradient; the pair's common
     * part (the example's own loss level, a baseline) cancels in it. x not modified; xp reshaped to
     * 2B rows and modified.
     */
    public void perturbMirrored(FMatrixRMaj x, FMatrixRMaj xp, RandomGenerator rng) {
        int n = x.getNumElements();
        xp.reshape(2 * x.numRows, x.numCols);
        for (int i = 0; i < n; i++) {
            float w = std * (float) rng.nextGaussian();
            float ax = a * x.data[i];
            xp.data[i] = ax + w;
            xp.data[n + i] = ax - w;
        }
    }

    /**
     * The policy-gradient estimate with respect to x:
     * gx_i = weight_i * scale * d log pi(xp_i | x_i) / d x_i, for each row i. xp may hold several
     * actions per row of x, stacked in blocks of x's rows (as {@link #perturbMirrored} writes them):
     * row c B + i of xp was drawn from row i of x, and gx_i sums over them.
     *
     * @param x the unperturbed symbols, not modified
     * @param xp what was sent (a whole number of x's blocks), not modified
     * @param weight per-row weights of xp (the fed-back losses, baseline already subtracted), not modified
     * @param scale a common factor (e.g. 1 / rows for a mean)
     * @param gx reshaped to x's shape and modified
     */
    public void scoreGradient(FMatrixRMaj x, FMatrixRMaj xp, float[] weight, float scale, FMatrixRMaj gx) {
        if (xp.numCols != x.numCols || x.numRows == 0 || xp.numRows % x.numRows != 0) {
            throw new IllegalArgumentException("policy gradient: sent block " + xp.numRows + "x" + xp.numCols
                    + " does not match encoded block " + x.numRows + "x" + x.numCols);
        }
        if (weight.length < xp.numRows) {
            throw new IllegalArgumentException("policy gradient: " + weight.length + " losses for "
                    + xp.numRows + " examples");
        }
        gx.reshape(x.numRows, x.numCols);
        float k = (float) (2 * a / sigma2) * scale;
        int w = x.numCols;
        int n = x.getNumElements();
        for (int r = 0; r < x.numRows; r++) {
            float c = k * weight[r];
            for (int j = r * w; j < r * w + w; j++) {
                gx.data[j] = c * (xp.data[j] - a * x.data[j]);
            }
        }
        for (int copy = 1; copy < xp.numRows / x.numRows; copy++) {
            for (int r = 0; r < x.numRows; r++) {
                float c = k * weight[copy * x.numRows + r];
                int o = copy * n;
                for (int j = r * w; j < r * w + w; j++) {
                    gx.data[j] += c * (xp.data[o + j] - a * x.data[j]);
                }
            }
        }
    }

    /**
     * sum_r weight_r d log pi(xp_r | x_r) / d s^2 over the rows of xp (stacked in blocks of x's rows,
     * as for {@link #scoreGradient}): per real component, with a = sqrt(1 - s^2) and variance s^2 / 2,
     * d^2 / s^4 - d x / (a s^2) - 1 / (2 s^2), d = xp - a x. Arguments not modified.
     */
    public double sigma2Score(FMatrixRMaj x, FMatrixRMaj xp, float[] weight) {
        double s2 = sigma2;
        double a = Math.sqrt(1 - s2);
        int n = x.numCols;
        int rows = x.numRows;
        double total = 0;
        for (int r = 0; r < xp.numRows; r++) {
            double row = 0;
            int o = (r % rows) * n;
            for (int j = 0; j < n; j++) {
                double d = xp.data[r * n + j] - a * x.data[o + j];
                row += d * d / (s2 * s2) - d * x.data[o + j] / (a * s2) - 0.5 / s2;
            }
            total += weight[r] * row;
        }
        return total;
    }
}
