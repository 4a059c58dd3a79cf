package org.grmodelfree.nn;

import java.util.List;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;

/**
 * Fully connected layer y = x W + b with W of shape in x out (Glorot-uniform initialised) and b of
 * shape 1 x out (zero). Rows of x and y are examples.
 */
public final class Dense implements Layer {
    private final Param w;
    private final Param b;
    private final FMatrixRMaj wT;
    private final Gemm gemm = new Gemm();

    public Dense(String name, int in, int out, RandomGenerator rng) {
        w = new Param(name + ".w", in, out);
        b = new Param(name + ".b", 1, out);
        wT = new FMatrixRMaj(out, in);
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

    /** y = x W + b. x (rows x in) not modified, y (rows x out) modified. */
    public void forward(FMatrixRMaj x, FMatrixRMaj y) {
        gemm.mult(x, w.value(), y);
        VectorOps.addRowVector(y, b.value());
    }

    /**
     * Writes dL/dW and dL/db into the parameter gradients (overwriting them) and, when {@code gx}
     * is not null, dL/dx into gx. x and gy not modified.
     */
    public void backward(FMatrixRMaj x, FMatrixRMaj gy, FMatrixRMaj gx) {
        gemm.multTransA(x, gy, w.grad());
        VectorOps.sumRows(gy, b.grad());
        if (gx != null) {
            VectorOps.transpose(w.value(), wT);
            gemm.mult(gy, wT, gx);
        }
    }

    @Override
    public List<Param> params() {
        return List.of(w, b);
    }
}
