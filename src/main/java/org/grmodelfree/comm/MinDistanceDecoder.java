package org.grmodelfree.comm;

import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.nn.Gemm;

/**
 * Minimum-distance (for AWGN: maximum-likelihood) decisions over a fixed codebook, as one matrix
 * product: argmin_m |y - c_m|^2 = argmax_m (y . c_m - |c_m|^2 / 2). The same decisions as
 * {@link Codebooks#minDistance} up to float rounding of near ties, at the speed of the matrix
 * kernel; for streaming decoding with an exported codebook. Allocates only when the batch grows.
 */
public final class MinDistanceDecoder {
    private final FMatrixRMaj codebookT;
    private final float[] halfEnergy;
    private final Gemm gemm = new Gemm();
    private final FMatrixRMaj scores = new FMatrixRMaj(1, 1);

    /** @param codebook M x 2N, not modified (copied) */
    public MinDistanceDecoder(FMatrixRMaj codebook) {
        int m = codebook.numRows;
        int w = codebook.numCols;
        this.codebookT = new FMatrixRMaj(w, m);
        this.halfEnergy = new float[m];
        for (int r = 0; r < m; r++) {
            float e = 0;
            for (int j = 0; j < w; j++) {
                float v = codebook.get(r, j);
                codebookT.set(j, r, v);
                e += v * v;
            }
            halfEnergy[r] = e / 2;
        }
    }

    /**
     * Decides each row of y (rows x 2N) into decisions; returns the number that differ from labels
     * (0 when labels is null). y and labels not modified.
     */
    public int decide(FMatrixRMaj y, int[] labels, int[] decisions) {
        if (y.numCols != codebookT.numRows) {
            throw new IllegalArgumentException("min-distance decoder: rows of " + y.numCols + " reals, the codebook's"
                    + " have " + codebookT.numRows);
        }
        int m = codebookT.numCols;
        scores.reshape(y.numRows, m);
        gemm.mult(y, codebookT, scores);
        int errors = 0;
        float[] s = scores.data;
        for (int i = 0; i < y.numRows; i++) {
            int o = i * m;
            int best = 0;
            float bs = -Float.MAX_VALUE;
            for (int k = 0; k < m; k++) {
                float v = s[o + k] - halfEnergy[k];
                if (v > bs) {
                    bs = v;
                    best = k;
                }
            }
            decisions[i] = best;
            if (labels != null && labels[i] != best) {
                errors++;
            }
        }
        return errors;
    }
}
