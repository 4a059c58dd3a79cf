package org.grmodelfree.comm;

/**
 * The certified bounds of a {@link PrunedDecoder} (steps 2 and 3 of its class comment), computed
 * once when it is built: A = W^T Q and, per message m, the coefficients of the bound
 * z~_m +- (e_m P + c_m N + beta_m) on the logit the network computes, and of the interval around
 * an evaluated logit; with delta, how far the float basis is from orthonormal, and the slack of
 * the projection t. Read only once built, shared by the decoder's kernels.
 */
final class PrunedBounds {
    /** Unit roundoff of float. */
    private static final double U = 0x1p-24;

    private final int messages;
    private final int hidden;
    /** The stride of wT's rows. */
    private final int hiddenPad;
    private final int rank;
    /** M x hiddenPad: W transposed (not modified). */
    private final float[] wT;
    /** The output layer's bias (not modified). */
    private final float[] bias;

    /** bias + beta, rounded up. */
    final float[] biasHi;
    /**
     * A = W^T Q (M x rank) as the upper bounds read it: for each group of 8 messages, rank rows of
     * their 8 values (row j holds A[m..m+7][j]); the messages past the last whole group follow, one
     * row each (see {@link #aIndex}).
     */
    final float[] aG;
    final float[] eCoef;
    final float[] cCoef;
    final double[] sigmaW;
    final double[] sigmaB;
    /** delta >= ||Q^T Q - I||_2. */
    final double delta;
    final double tSlack;
    /** 1 + 4 gamma_hidden: |h|^2 from its float sum of squares. */
    final double normScale;
    /** Whether the bounds hold: a basis (rank > 0), near enough to orthonormal, and every coefficient finite. */
    final boolean certified;

    /**
     * @param wT       M x hiddenPad, W transposed. Not modified, kept.
     * @param bias     M, the output layer's bias. Not modified, kept.
     * @param qT       the basis, rank rows of hidden floats (and any zero rows after them). Not modified.
     */
    PrunedBounds(float[] wT, int hiddenPad, float[] bias, float[] qT, int messages, int hidden, int rank) {
        this.messages = messages;
        this.hidden = hidden;
        this.hiddenPad = hiddenPad;
        this.rank = rank;
        this.wT = wT;
        this.bias = bias;
        this.delta = orthonormalityDefect(qT);
        this.aG = new float[messages * rank];
        this.biasHi = new float[messages];
        this.eCoef = new float[messages];
        this.cCoef = new float[messages];
        this.sigmaW = new double[messages];
        this.sigmaB = new double[messages];
        double eta = gamma(hidden) * Math.sqrt(1 + delta);
        this.tSlack = Math.sqrt(rank) * eta;
        this.normScale = 1 + 4 * gamma(hidden);
        this.certified = rank > 0 && delta < 0.5 && coefficients(eta, qT);
    }

    /** gamma_n = n u / (1 - n u), the classic bound on the relative rounding of an n-term dot product. */
    static double gamma(int n) {
        return n * U / (1 - n * U);
    }

    static float roundUp(double x) {
        float f = (float) x;
        return f < x ? Math.nextUp(f) : f;
    }

    static float roundDown(double x) {
        float f = (float) x;
        return f > x ? Math.nextDown(f) : f;
    }

    /** Where A[m][j] is in {@link #aG}. */
    private int aIndex(int m, int j) {
        return m < messages / 8 * 8 ? (m - m % 8) * rank + j * 8 + m % 8 : m * rank + j;
    }

    /** delta >= ||Q^T Q - I||_2 for the float basis qT (its Frobenius norm, with margin). */
    private double orthonormalityDefect(float[] qT) {
        double f = 0;
        for (int a = 0; a < rank; a++) {
            for (int b = 0; b < rank; b++) {
                double s = 0;
                for (int p = 0; p < hidden; p++) {
                    s += (double) qT[a * hidden + p] * qT[b * hidden + p];
                }
                double d = s - (a == b ? 1 : 0);
                f += d * d;
            }
        }
        return Math.sqrt(f) * (1 + 1e-9) + 1e-15;
    }

    /**
     * A = W^T Q (rounded to float, as stored) and, for each m, the bound's coefficients; false if
     * any is not finite (then every message takes the reference path).
     *
     * <p>With t = Q^T h exact and R_m = W_m - Q A_m: h . W_m = A_m . t + R_m . (I - Q Q^T) h + (Q^T R_m) . t,
     * so |h . W_m - A_m . t| <= e_m P + rho_m |t| with e_m = |R_m| and rho_m = |Q^T R_m| (not zero,
     * as Q is orthonormal only to float precision). The computed t^ is within sqrt(k) eta N of t,
     * and the reference r_m within gamma_(hidden+1) (|W_m| N + |b_m|) of the exact logit, so
     * r_m <= b_m + A_m . t^ + e_m P + c0_m N + gamma_(hidden+1) |b_m| with
     * c0_m = rho_m sqrt(1 + delta) + |A_m| sqrt(k) eta + gamma_(hidden+1) |W_m|. The decoder
     * computes fl(fl(fl(biasHi_m + A_m . t^) + e_m P) + c_m N) (k + 1 terms, then two fused
     * multiply-adds): the coefficients below absorb those roundings (gamma_(k+1) of the first sum's
     * magnitudes, 2.01 u of the rest), and carry a relative margin of 2^-20 on top.
     */
    private boolean coefficients(double eta, float[] qT) {
        double sqrtD = Math.sqrt(1 + delta);
        double tNorm = sqrtD + tSlack;
        double gk = gamma(rank + 1);
        double gh = gamma(hidden + 1);
        double tiny = (hidden + rank + 16) * 0x1p-149;
        double margin = 1 + 0x1p-20;
        boolean finite = true;
        double[] a = new double[rank];
        double[] r = new double[hidden];
        for (int m = 0; m < messages; m++) {
            int wo = m * hiddenPad;
            double wNorm = 0;
            for (int p = 0; p < hidden; p++) {
                wNorm += (double) wT[wo + p] * wT[wo + p];
            }
            wNorm = Math.sqrt(wNorm);
            double aNorm = 0;
            for (int j = 0; j < rank; j++) {
                double s = 0;
                for (int p = 0; p < hidden; p++) {
                    s += (double) wT[wo + p] * qT[j * hidden + p];
                }
                float af = (float) s;
                aG[aIndex(m, j)] = af;
                a[j] = af;
                aNorm += (double) af * af;
            }
            aNorm = Math.sqrt(aNorm);
            double e = 0;
            for (int p = 0; p < hidden; p++) {
                double s = wT[wo + p];
                for (int j = 0; j < rank; j++) {
                    s -= qT[j * hidden + p] * a[j];
                }
                r[p] = s;
                e += s * s;
            }
            e = Math.sqrt(e) * (1 + 1e-9);
            double rho = 0;
            for (int j = 0; j < rank; j++) {
                double s = 0;
                for (int p = 0; p < hidden; p++) {
                    s += qT[j * hidden + p] * r[p];
                }
                rho += s * s;
            }
            rho = Math.sqrt(rho) * (1 + 1e-9) + 1e-12 * wNorm;
            double b = Math.abs(bias[m]);
            double c0 = rho * sqrtD + aNorm * tSlack + gh * wNorm;
            double c = (c0 + (gk + 2.02 * U) * aNorm * tNorm) * (1 + 3 * U);
            double beta = ((gh + gk + 2.02 * U) * b * (1 + U) + tiny) * (1 + 2 * gk + 5 * U);
            eCoef[m] = roundUp(e * (1 + 3 * U) * margin);
            cCoef[m] = roundUp(c * margin);
            biasHi[m] = roundUp(bias[m] + beta * margin);
            sigmaW[m] = 1.01 * (gamma(hidden) + gh) * wNorm;
            sigmaB[m] = 1.01 * gh * b + tiny;
            finite &= Float.isFinite(eCoef[m]) && Float.isFinite(cCoef[m]) && Float.isFinite(biasHi[m])
                    && Double.isFinite(sigmaW[m]) && Double.isFinite(sigmaB[m]);
        }
        return finite;
    }
}
