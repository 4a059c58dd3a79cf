package org.grmodelfree.nn;

import org.ejml.data.FMatrixRMaj;

/**
 * Channel-estimate-and-divide: each row's N complex symbols (interleaved re, im) are divided by
 * that row's complex estimate h (1 x 2 per row), z_k = y_k / h, as used by the Rayleigh
 * block-fading receiver. |h|^2 is floored at {@value #MIN_ENERGY} so a vanishing estimate gives a
 * large but finite output.
 */
public final class ComplexDivide {
    /** Smallest |h|^2 used in the division. */
    public static final float MIN_ENERGY = 1e-6f;

    private ComplexDivide() {
    }

    /** y (rows x 2N) and h (rows x 2) not modified; z (rows x 2N) modified. */
    public static void forward(FMatrixRMaj y, FMatrixRMaj h, FMatrixRMaj z) {
        check(y, h, z);
        int n = y.numCols;
        float[] yd = y.data;
        float[] hd = h.data;
        float[] zd = z.data;
        for (int r = 0; r < y.numRows; r++) {
            float hr = hd[2 * r];
            float hi = hd[2 * r + 1];
            float d = Math.max(hr * hr + hi * hi, MIN_ENERGY);
            for (int j = r * n; j < r * n + n; j += 2) {
                float yr = yd[j];
                float yi = yd[j + 1];
                zd[j] = (yr * hr + yi * hi) / d;
                zd[j + 1] = (yi * hr - yr * hi) / d;
            }
        }
    }

    /**
     * Given the forward inputs and output and gz = dL/dz, writes gy = dL/dy (when not null) and
     * gh = dL/dh. y, h, z and gz not modified; gy and gh modified.
     */
    public static void backward(FMatrixRMaj y, FMatrixRMaj h, FMatrixRMaj z, FMatrixRMaj gz,
                                FMatrixRMaj gy, FMatrixRMaj gh) {
        check(y, h, z);
        int n = y.numCols;
        float[] yd = y.data;
        float[] hd = h.data;
        float[] zd = z.data;
        float[] gd = gz.data;
        for (int r = 0; r < y.numRows; r++) {
            float hr = hd[2 * r];
            float hi = hd[2 * r + 1];
            float raw = hr * hr + hi * hi;
            float d = Math.max(raw, MIN_ENERGY);
            boolean floored = raw < MIN_ENERGY;
            float ghr = 0;
            float ghi = 0;
            for (int j = r * n; j < r * n + n; j += 2) {
                float gr = gd[j];
                float gi = gd[j + 1];
                float yr = yd[j];
                float yi = yd[j + 1];
                if (gy != null) {
                    gy.data[j] = (gr * hr - gi * hi) / d;
                    gy.data[j + 1] = (gr * hi + gi * hr) / d;
                }
                float zr = zd[j];
                float zi = zd[j + 1];
                float two = floored ? 0f : 2f;
                ghr += gr * (yr - two * hr * zr) / d + gi * (yi - two * hr * zi) / d;
                ghi += gr * (yi - two * hi * zr) / d + gi * (-yr - two * hi * zi) / d;
            }
            gh.data[2 * r] = ghr;
            gh.data[2 * r + 1] = ghi;
        }
    }

    private static void check(FMatrixRMaj y, FMatrixRMaj h, FMatrixRMaj z) {
        Activations.sameShape("ComplexDivide", y, z);
        if (h.numRows != y.numRows || h.numCols != 2 || y.numCols % 2 != 0) {
            throw new IllegalArgumentException(String.format(
                    "ComplexDivide: y %dx%d and h %dx%d do not fit (h needs one complex value per row)",
                    y.numRows, y.numCols, h.numRows, h.numCols));
        }
    }
}
