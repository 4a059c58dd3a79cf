package org.grmodelfree.semantic.model;

import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;

/**
 * The AWGN channel of the semantic system: y = x + n with n ~ CN(0, 1/SNR) per complex symbol, i.e.
 * variance 1 / (2 SNR) per real channel use, for inputs of mean energy one per complex symbol (as
 * {@link Agent} sends them). The SNR is drawn uniformly in dB per row (one example of one agent),
 * or fixed when both ends of the range are equal; an infinite SNR sends x unimpaired.
 */
public final class Awgn {
    private Awgn() {
    }

    /**
     * Writes x plus noise into rows [rowOffset, rowOffset + x.numRows) of y. x not modified; y
     * modified (its other rows untouched).
     *
     * @param lowDb lowest SNR, dB (+infinity: no noise)
     * @param highDb highest SNR, dB (>= lowDb)
     */
    public static void transmit(FMatrixRMaj x, FMatrixRMaj y, int rowOffset, double lowDb, double highDb,
                                RandomGenerator rng) {
        int n = x.numCols;
        if (y.numCols != n || rowOffset < 0 || rowOffset + x.numRows > y.numRows) {
            throw new IllegalArgumentException("Awgn: " + x.numRows + "x" + n + " block does not fit rows from "
                    + rowOffset + " of a " + y.numRows + "x" + y.numCols + " block");
        }
        float[] xd = x.data;
        float[] yd = y.data;
        int o = rowOffset * n;
        if (lowDb == Double.POSITIVE_INFINITY) {
            System.arraycopy(xd, 0, yd, o, x.getNumElements());
            return;
        }
        for (int r = 0; r < x.numRows; r++) {
            double snrDb = lowDb == highDb ? lowDb : lowDb + (highDb - lowDb) * rng.nextDouble();
            float std = (float) Math.sqrt(0.5 * Math.pow(10, -snrDb / 10));
            for (int j = r * n; j < r * n + n; j++) {
                yd[o + j] = xd[j] + std * (float) rng.nextGaussian();
            }
        }
    }
}
