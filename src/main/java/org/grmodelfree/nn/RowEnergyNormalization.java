package org.grmodelfree.nn;

import org.ejml.data.FMatrixRMaj;

/**
 * Scales each row of real channel inputs (interleaved re, im pairs) on its own so that its mean
 * energy per complex symbol is one: y_r = c_r x_r with c_r = sqrt(N / |x_r|^2), N = cols / 2. Unlike
 * {@link EnergyNormalization} (one scale for the whole block) every example meets the power
 * constraint by itself, so one example's transmission never depends on the others in its batch;
 * that is what a transmitter that sends one image at a time needs. Holds the scales between
 * forward and backward; grows its buffer only when the batch grows.
 */
public final class RowEnergyNormalization {
    /** Guards an all-zero row (a dead ReLU transmitter) against a division by zero. */
    private static final double MIN_ENERGY = 1e-12;
    private float[] scales = new float[1];

    /** x not modified, y modified (may be x). */
    public void forward(FMatrixRMaj x, FMatrixRMaj y) {
        Activations.sameShape("RowEnergyNormalization.forward", x, y);
        if (x.numCols % 2 != 0) {
            throw new IllegalArgumentException("RowEnergyNormalization: " + x.numCols
                    + " columns is not a whole number of complex symbols");
        }
        if (scales.length < x.numRows) {
            scales = new float[x.numRows];
        }
        int n = x.numCols;
        double symbols = n / 2;
        float[] xd = x.data;
        float[] yd = y.data;
        for (int r = 0, o = 0; r < x.numRows; r++, o += n) {
            double s = 0;
            for (int j = o; j < o + n; j++) {
                s += (double) xd[j] * xd[j];
            }
            float c = (float) Math.sqrt(symbols / Math.max(s, MIN_ENERGY));
            scales[r] = c;
            for (int j = o; j < o + n; j++) {
                yd[j] = xd[j] * c;
            }
        }
    }

    /** The scale c_r of row r in the last forward pass. */
    public float scale(int r) {
        return scales[r];
    }

    /**
     * Per row gx = c gy - c^3 / N (gy . x) x. x (the forward input) and gy not modified; gx
     * modified (must not be x).
     */
    public void backward(FMatrixRMaj x, FMatrixRMaj gy, FMatrixRMaj gx) {
        Activations.sameShape("RowEnergyNormalization.backward", x, gy);
        Activations.sameShape("RowEnergyNormalization.backward", x, gx);
        if (gx == x) {
            throw new IllegalArgumentException("RowEnergyNormalization.backward: gx must not be x");
        }
        int n = x.numCols;
        double symbols = n / 2;
        float[] xd = x.data;
        float[] gd = gy.data;
        float[] od = gx.data;
        for (int r = 0, o = 0; r < x.numRows; r++, o += n) {
            double dot = 0;
            for (int j = o; j < o + n; j++) {
                dot += (double) gd[j] * xd[j];
            }
            float c = scales[r];
            float k = (float) ((double) c * c * c / symbols * dot);
            for (int j = o; j < o + n; j++) {
                od[j] = c * gd[j] - k * xd[j];
            }
        }
    }
}
