package org.grmodelfree.nn;

import org.ejml.data.FMatrixRMaj;

/**
 * Scales a block of complex symbols (rows of interleaved re, im pairs) so that the mean energy per
 * complex symbol over the whole block is one: y = c x with c = sqrt(R N / sum x^2), R rows and
 * N = cols / 2 complex symbols per row. Holds c between forward and backward.
 */
public final class EnergyNormalization {
    private float scale;

    /** x not modified, y modified (may be x). */
    public void forward(FMatrixRMaj x, FMatrixRMaj y) {
        Activations.sameShape("EnergyNormalization.forward", x, y);
        if (x.numCols % 2 != 0) {
            throw new IllegalArgumentException("EnergyNormalization: " + x.numCols
                    + " columns is not a whole number of complex symbols");
        }
        float[] xd = x.data;
        int len = x.getNumElements();
        double s = 0;
        for (int i = 0; i < len; i++) {
            s += (double) xd[i] * xd[i];
        }
        double symbols = (double) x.numRows * (x.numCols / 2);
        scale = (float) Math.sqrt(symbols / Math.max(s, 1e-30));
        float[] yd = y.data;
        for (int i = 0; i < len; i++) {
            yd[i] = xd[i] * scale;
        }
    }

    /** The scale c of the last forward pass. */
    public float scale() {
        return scale;
    }

    /**
     * gx = c gy - c^3 / (R N) (sum gy.x) x. x (the forward input) and gy not modified; gx modified
     * (must not be x).
     */
    public void backward(FMatrixRMaj x, FMatrixRMaj gy, FMatrixRMaj gx) {
        Activations.sameShape("EnergyNormalization.backward", x, gy);
        Activations.sameShape("EnergyNormalization.backward", x, gx);
        float[] xd = x.data;
        float[] gd = gy.data;
        float[] od = gx.data;
        int len = x.getNumElements();
        double dot = 0;
        for (int i = 0; i < len; i++) {
            dot += (double) gd[i] * xd[i];
        }
        double symbols = (double) x.numRows * (x.numCols / 2);
        float k = (float) ((double) scale * scale * scale / symbols * dot);
        for (int i = 0; i < len; i++) {
            od[i] = scale * gd[i] - k * xd[i];
        }
    }
}
