package org.grmodelfree.comm;

import java.util.Arrays;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.nn.Dense;

/**
 * The basis Q of a {@link PrunedDecoder}: how it is chosen (only the decoder's speed depends on
 * it, never a decision), and its vectors rounded to float in the two layouts the decoder reads.
 */
final class PrunedBasis {
    /** The first rank vectors, one per row of hidden floats, then zero rows up to rankPadded: what the bounds read. */
    final float[] qT;
    /**
     * Q as the projection reads it: for each pair of basis vectors, their values one vector's width
     * of the hidden layer at a time, the pair's two chunks side by side (rankPadded x hiddenPad).
     */
    final float[] qP;

    /** @param basis orthonormal vectors (rows), the first rank of which are used */
    PrunedBasis(double[][] basis, int rank, int rankPadded, int hidden, int hiddenPad) {
        int L = PrunedKernel.L;
        this.qT = new float[rankPadded * hidden];
        this.qP = new float[rankPadded * hiddenPad];
        for (int j = 0; j < rank; j++) {
            for (int p = 0; p < hidden; p++) {
                qT[j * hidden + p] = (float) basis[j][p];
                qP[(j - j % 2) * hiddenPad + 2 * (p - p % L) + (j % 2) * L + p % L] = qT[j * hidden + p];
            }
        }
    }

    /**
     * Orthonormal directions of the hidden layer, most important first (rows): the principal
     * directions of the calibration inputs' hidden activations (the second moment of h / |h|),
     * or without calibration the left singular vectors of the output layer's W (eigenvectors of
     * W W^T).
     */
    static double[][] principalDirections(Receiver rx, FMatrixRMaj calibration) {
        Dense out = rx.output();
        int hidden = out.in();
        int messages = out.out();
        double[][] g = new double[hidden][hidden];
        if (calibration == null) {
            float[] w = out.weight().value().data;
            for (int a = 0; a < hidden; a++) {
                for (int b = 0; b <= a; b++) {
                    double s = 0;
                    for (int m = 0; m < messages; m++) {
                        s += (double) w[a * messages + m] * w[b * messages + m];
                    }
                    g[a][b] = s;
                }
            }
        } else {
            FMatrixRMaj x = rx.frontEnd(calibration);
            Dense first = rx.hiddenLayer();
            float[] h = new float[hidden];
            double[] row = new double[hidden];
            for (int i = 0; i < x.numRows; i++) {
                first.forwardRow(x.data, i * x.numCols, h, 0);
                double n2 = 0;
                for (int p = 0; p < hidden; p++) {
                    row[p] = Math.max(h[p], 0f);
                    n2 += row[p] * row[p];
                }
                if (!(n2 > 0) || !Double.isFinite(n2)) {
                    continue;
                }
                for (int a = 0; a < hidden; a++) {
                    double ra = Boolean.getBoolean("pd.raw") ? row[a] : row[a] / n2;
                    if (ra != 0) {
                        for (int b = 0; b <= a; b++) {
                            g[a][b] += ra * row[b];
                        }
                    }
                }
            }
        }
        for (int a = 0; a < hidden; a++) {
            for (int b = 0; b < a; b++) {
                g[b][a] = g[a][b];
            }
        }
        return eigenvectors(g);
    }

    /** The eigenvectors of a symmetric matrix, by decreasing eigenvalue (rows of the result). */
    private static double[][] eigenvectors(double[][] sym) {
        EigenDecomposition ed = new EigenDecomposition(new Array2DRowRealMatrix(sym, false));
        double[] values = ed.getRealEigenvalues();
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
        double[][] v = new double[values.length][];
        for (int i = 0; i < order.length; i++) {
            v[i] = ed.getEigenvector(order[i]).toArray();
        }
        return v;
    }
}
