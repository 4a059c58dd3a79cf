package org.grmodelfree.comm;

import org.apache.commons.math3.special.Erf;
import org.ejml.data.FMatrixRMaj;

/** Reference codebooks and decisions: uncoded QPSK and the minimum-distance (ML for AWGN) decoder. */
public final class Codebooks {
    private Codebooks() {
    }

    /**
     * Uncoded Gray-mapped QPSK over N symbols, M = 4^N: bit pairs of the message index set the
     * signs of each symbol's real and imaginary parts, amplitude 1/sqrt(2) (Es = 1).
     */
    public static FMatrixRMaj qpsk(int symbols) {
        int m = 1 << (2 * symbols);
        FMatrixRMaj c = new FMatrixRMaj(m, 2 * symbols);
        float amp = (float) Math.sqrt(0.5);
        for (int msg = 0; msg < m; msg++) {
            for (int j = 0; j < 2 * symbols; j++) {
                c.data[msg * 2 * symbols + j] = ((msg >> j) & 1) == 0 ? amp : -amp;
            }
        }
        return c;
    }

    /**
     * Exact block error rate of uncoded QPSK over N symbols on AWGN:
     * 1 - (1 - Q(sqrt(SNR)))^(2N), Q the Gaussian tail.
     */
    public static double qpskBler(int symbols, double snrDb) {
        double snr = Math.pow(10, snrDb / 10);
        double q = 0.5 * Erf.erfc(Math.sqrt(snr) / Math.sqrt(2));
        return -Math.expm1(2 * symbols * Math.log1p(-q));
    }

    /**
     * Minimum-distance decisions: decisions[i] = argmin_m |y_i - c_m|^2. Returns the number of
     * decisions that differ from labels (0 when labels is null). y, codebook, labels not modified.
     */
    public static int minDistance(FMatrixRMaj codebook, FMatrixRMaj y, int[] labels, int[] decisions) {
        int w = codebook.numCols;
        if (y.numCols != w) {
            throw new IllegalArgumentException("minDistance: received rows have " + y.numCols
                    + " reals, codebook rows " + w);
        }
        int errors = 0;
        float[] c = codebook.data;
        for (int i = 0; i < y.numRows; i++) {
            int best = 0;
            float bd = Float.MAX_VALUE;
            int yo = i * w;
            for (int m = 0; m < codebook.numRows; m++) {
                float d = 0;
                int co = m * w;
                for (int j = 0; j < w; j++) {
                    float t = y.data[yo + j] - c[co + j];
                    d += t * t;
                }
                if (d < bd) {
                    bd = d;
                    best = m;
                }
            }
            decisions[i] = best;
            if (labels != null && labels[i] != best) {
                errors++;
            }
        }
        return errors;
    }

    /**
     * Block error rate of uncoded QPSK over N symbols on Rayleigh block fading with perfect channel
     * knowledge at the receiver (coherent detection): the AWGN expression averaged over
     * |h|^2 ~ Exp(1). The integrand is concentrated within about 1/SNR of zero, so the integral is
     * taken over panels that start at 1e-3/SNR and double in width up to 50, each by 64-step
     * Simpson. A reference that the learned system, which must estimate h, is not expected to reach.
     */
    public static double qpskBlerRayleigh(int symbols, double snrDb) {
        double snr = Math.pow(10, snrDb / 10);
        double total = 0;
        double a = 0;
        double b = Math.min(1e-3 / snr, 50);
        while (a < 50) {
            total += simpson(symbols, snr, a, b, 64);
            a = b;
            b = Math.min(2 * b, 50);
        }
        return total;
    }

    private static double simpson(int symbols, double snr, double a, double b, int steps) {
        double h = (b - a) / steps;
        double sum = 0;
        for (int i = 0; i <= steps; i++) {
            double g = a + i * h;
            double q = 0.5 * Erf.erfc(Math.sqrt(g * snr) / Math.sqrt(2));
            double f = Math.exp(-g) * -Math.expm1(2 * symbols * Math.log1p(-q));
            sum += f * (i == 0 || i == steps ? 1 : (i % 2 == 1 ? 4 : 2));
        }
        return sum * h / 3;
    }
}
