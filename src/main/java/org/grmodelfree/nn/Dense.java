package org.grmodelfree.nn;

import java.util.List;
import java.util.random.RandomGenerator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.ejml.data.FMatrixRMaj;

/**
 * Fully connected layer y = x W + b with W of shape in x out (Glorot-uniform initialised) and b of
 * shape 1 x out (zero). Rows of x and y are examples.
 */
public final class Dense implements Layer {
    private final Param w;
    private final Param b;
    private final Gemm gemm = new Gemm();

    public Dense(String name, int in, int out, RandomGenerator rng) {
        w = new Param(name + ".w", in, out);
        b = new Param(name + ".b", 1, out);
        float limit = (float) Math.sqrt(6.0 / (in + out));
        float[] d = w.value().data;
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) ((2 * rng.nextDouble() - 1) * limit);
        }
    }

    public int in() {
        return w.value().numRows;
    }

    public int out() {
        return w.value().numCols;
    }

    public Param weight() {
        return w;
    }

    public Param bias() {
        return b;
    }

    /**
     * y = x W + b: each element the product's sum ({@link Gemm#mult}) with the bias then added, in
     * one pass. x (rows x in) not modified, y (rows x out) modified.
     */
    public void forward(FMatrixRMaj x, FMatrixRMaj y) {
        gemm.multAddRow(x, w.value(), b.value(), y);
    }

    /**
     * Row i of {@link #forward}, bit for bit: out[outOffset ..] = x[xOffset ..] W + b, each element
     * with the arithmetic of {@link Gemm#productElement} and then the bias added. x and this layer
     * not modified, out modified.
     */
    public void forwardRow(float[] x, int xOffset, float[] out, int outOffset) {
        int k = in();
        int n = out();
        float[] wd = w.value().data;
        float[] bd = b.value().data;
        VectorSpecies<Float> s = Activations.S;
        int l = Activations.L;
        int j = 0;
        for (; j + 4 * l <= n; j += 4 * l) { // four independent chains, each in forward's order
            FloatVector s0 = FloatVector.zero(s);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            for (int p = 0, wo = j; p < k; p++, wo += n) {
                FloatVector xp = FloatVector.broadcast(s, x[xOffset + p]);
                s0 = xp.fma(FloatVector.fromArray(s, wd, wo), s0);
                s1 = xp.fma(FloatVector.fromArray(s, wd, wo + l), s1);
                s2 = xp.fma(FloatVector.fromArray(s, wd, wo + 2 * l), s2);
                s3 = xp.fma(FloatVector.fromArray(s, wd, wo + 3 * l), s3);
            }
            s0.add(FloatVector.fromArray(s, bd, j)).intoArray(out, outOffset + j);
            s1.add(FloatVector.fromArray(s, bd, j + l)).intoArray(out, outOffset + j + l);
            s2.add(FloatVector.fromArray(s, bd, j + 2 * l)).intoArray(out, outOffset + j + 2 * l);
            s3.add(FloatVector.fromArray(s, bd, j + 3 * l)).intoArray(out, outOffset + j + 3 * l);
        }
        for (; j + l <= n; j += l) {
            FloatVector s0 = FloatVector.zero(s);
            for (int p = 0, wo = j; p < k; p++, wo += n) {
                s0 = FloatVector.broadcast(s, x[xOffset + p]).fma(FloatVector.fromArray(s, wd, wo), s0);
            }
            s0.add(FloatVector.fromArray(s, bd, j)).intoArray(out, outOffset + j);
        }
        for (; j < n; j++) {
            out[outOffset + j] = Gemm.productElement(x, xOffset, wd, k, n, j) + bd[j];
        }
    }

    /**
     * Writes dL/dW and dL/db into the parameter gradients (overwriting them) and, when {@code gx}
     * is not null, dL/dx into gx. x and gy not modified.
     */
    public void backward(FMatrixRMaj x, FMatrixRMaj gy, FMatrixRMaj gx) {
        // dL/db (the column sums of gy) is summed while gy is packed for dL/dW
        gemm.multTransA(x, gy, w.grad(), b.grad());
        if (gx != null) {
            gemm.multTransB(gy, w.value(), gx);
        }
    }

    @Override
    public List<Param> params() {
        return List.of(w, b);
    }
}
