package org.grmodelfree.nn;

import static jdk.incubator.vector.VectorOperators.GT;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.ejml.data.FMatrixRMaj;

/**
 * Element-wise activations and their derivatives, vectorised. Stateless; each method says which
 * arguments it modifies; shapes must match.
 */
public final class Activations {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private Activations() {
    }

    static void sameShape(String op, FMatrixRMaj a, FMatrixRMaj b) {
        if (a.numRows != b.numRows || a.numCols != b.numCols) {
            throw new IllegalArgumentException(String.format("%s: shapes %dx%d and %dx%d differ",
                    op, a.numRows, a.numCols, b.numRows, b.numCols));
        }
    }

    /** y[i, :] += bias for every row. y modified, bias (1 x cols) not modified. */
    public static void addRowVector(FMatrixRMaj y, FMatrixRMaj bias) {
        if (bias.getNumElements() != y.numCols) {
            throw new IllegalArgumentException("addRowVector: bias has " + bias.getNumElements()
                    + " elements, rows have " + y.numCols);
        }
        float[] d = y.data;
        float[] bd = bias.data;
        int n = y.numCols;
        for (int r = 0, o = 0; r < y.numRows; r++, o += n) {
            int j = 0;
            for (; j + L <= n; j += L) {
                FloatVector.fromArray(S, d, o + j).add(FloatVector.fromArray(S, bd, j)).intoArray(d, o + j);
            }
            for (; j < n; j++) {
                d[o + j] += bd[j];
            }
        }
    }

    /** out[0, j] = sum over rows of g[:, j] (the bias gradient). g not modified, out modified. */
    public static void sumRows(FMatrixRMaj g, FMatrixRMaj out) {
        if (out.getNumElements() != g.numCols) {
            throw new IllegalArgumentException("sumRows: output has " + out.getNumElements()
                    + " elements, rows have " + g.numCols);
        }
        float[] d = g.data;
        float[] od = out.data;
        int n = g.numCols;
        java.util.Arrays.fill(od, 0, n, 0f);
        for (int r = 0, o = 0; r < g.numRows; r++, o += n) {
            int j = 0;
            for (; j + L <= n; j += L) {
                FloatVector.fromArray(S, od, j).add(FloatVector.fromArray(S, d, o + j)).intoArray(od, j);
            }
            for (; j < n; j++) {
                od[j] += d[o + j];
            }
        }
    }

    /** x = max(x, 0) in place. x modified. */
    public static void relu(FMatrixRMaj x) {
        float[] d = x.data;
        int n = x.getNumElements();
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(S, d, i).max(0f).intoArray(d, i);
        }
        for (; i < n; i++) {
            d[i] = Math.max(d[i], 0f);
        }
    }

    /** g = g where y &gt; 0, else 0 (ReLU derivative, y the ReLU output). y not modified, g modified. */
    public static void reluBackward(FMatrixRMaj y, FMatrixRMaj g) {
        sameShape("reluBackward", y, g);
        float[] yd = y.data;
        float[] gd = g.data;
        int n = y.getNumElements();
        int i = 0;
        for (; i + L <= n; i += L) {
            VectorMask<Float> pos = FloatVector.fromArray(S, yd, i).compare(GT, 0f);
            FloatVector.zero(S).blend(FloatVector.fromArray(S, gd, i), pos).intoArray(gd, i);
        }
        for (; i < n; i++) {
            if (!(yd[i] > 0f)) {
                gd[i] = 0f;
            }
        }
    }

    /** y = x if x &gt; 0, else exp(x) - 1. x not modified, y modified (may be x). */
    public static void elu(FMatrixRMaj x, FMatrixRMaj y) {
        sameShape("elu", x, y);
        float[] xd = x.data;
        float[] yd = y.data;
        int n = x.getNumElements();
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector v = FloatVector.fromArray(S, xd, i);
            VectorMask<Float> pos = v.compare(GT, 0f);
            ExactMath.exp(v.min(0f)).sub(1f).blend(v, pos).intoArray(yd, i);
        }
        for (; i < n; i++) {
            float v = xd[i];
            yd[i] = v > 0f ? v : ExactMath.exp(Math.min(v, 0f)) - 1f;
        }
    }

    /**
     * gx = gy * elu'(x), where elu'(x) = 1 for x &gt; 0 and y + 1 = exp(x) otherwise.
     * x, y (the ELU output) and gy not modified; gx modified (may be gy).
     */
    public static void eluBackward(FMatrixRMaj x, FMatrixRMaj y, FMatrixRMaj gy, FMatrixRMaj gx) {
        sameShape("eluBackward", x, gy);
        sameShape("eluBackward", y, gy);
        sameShape("eluBackward", gx, gy);
        float[] xd = x.data;
        float[] yd = y.data;
        float[] gd = gy.data;
        float[] od = gx.data;
        int n = x.getNumElements();
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector g = FloatVector.fromArray(S, gd, i);
            VectorMask<Float> pos = FloatVector.fromArray(S, xd, i).compare(GT, 0f);
            g.mul(FloatVector.fromArray(S, yd, i).add(1f)).blend(g, pos).intoArray(od, i);
        }
        for (; i < n; i++) {
            od[i] = xd[i] > 0f ? gd[i] : gd[i] * (yd[i] + 1f);
        }
    }

    /** y = tanh(x). x not modified, y modified (may be x). */
    public static void tanh(FMatrixRMaj x, FMatrixRMaj y) {
        sameShape("tanh", x, y);
        float[] xd = x.data;
        float[] yd = y.data;
        int n = x.getNumElements();
        int i = 0;
        for (; i + L <= n; i += L) {
            ExactMath.tanh(FloatVector.fromArray(S, xd, i)).intoArray(yd, i);
        }
        for (; i < n; i++) {
            yd[i] = ExactMath.tanh(xd[i]);
        }
    }

    /** gx = gy * (1 - y^2), y the tanh output. y and gy not modified, gx modified (may be gy). */
    public static void tanhBackward(FMatrixRMaj y, FMatrixRMaj gy, FMatrixRMaj gx) {
        sameShape("tanhBackward", y, gy);
        sameShape("tanhBackward", gx, gy);
        float[] yd = y.data;
        float[] gd = gy.data;
        float[] od = gx.data;
        int n = y.getNumElements();
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector t = FloatVector.fromArray(S, yd, i);
            FloatVector.fromArray(S, gd, i).mul(t.mul(t).neg().add(1f)).intoArray(od, i);
        }
        for (; i < n; i++) {
            od[i] = gd[i] * (1f - yd[i] * yd[i]);
        }
    }

    /** Copies a into b (same shape). a not modified, b modified. */
    public static void copy(FMatrixRMaj a, FMatrixRMaj b) {
        sameShape("copy", a, b);
        System.arraycopy(a.data, 0, b.data, 0, a.getNumElements());
    }

    /** b = a<sup>T</sup>. a not modified, b modified. */
    public static void transpose(FMatrixRMaj a, FMatrixRMaj b) {
        if (a.numRows != b.numCols || a.numCols != b.numRows) {
            throw new IllegalArgumentException("transpose: shapes do not fit");
        }
        float[] ad = a.data;
        float[] bd = b.data;
        int r = a.numRows;
        int c = a.numCols;
        // 16 x 16 tiles keep both the rows read and the rows written in L1.
        for (int i0 = 0; i0 < r; i0 += 16) {
            int i1 = Math.min(r, i0 + 16);
            for (int j0 = 0; j0 < c; j0 += 16) {
                int j1 = Math.min(c, j0 + 16);
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) {
                        bd[j * r + i] = ad[i * c + j];
                    }
                }
            }
        }
    }

    /** c = a + b element-wise. a and b not modified, c modified (may be a or b). */
    public static void add(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        sameShape("add", a, b);
        sameShape("add", a, c);
        float[] ad = a.data;
        float[] bd = b.data;
        float[] cd = c.data;
        int n = a.getNumElements();
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(S, ad, i).add(FloatVector.fromArray(S, bd, i)).intoArray(cd, i);
        }
        for (; i < n; i++) {
            cd[i] = ad[i] + bd[i];
        }
    }
}
