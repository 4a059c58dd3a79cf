package org.grmodelfree.nn;

import java.util.List;
import jdk.incubator.vector.FloatVector;
import org.ejml.data.FMatrixRMaj;

/**
 * Batch normalisation per channel of an NCHW tensor ({@link ImageShape}):
 * y = gamma (x - mean) / sqrt(var + eps) + beta.
 *
 * <ul>
 *   <li>Training mode uses the mean and the (biased) variance of the batch, over all examples and
 *       pixels of the channel, and moves the running statistics towards them:
 *       running = momentum running + (1 - momentum) batch.</li>
 *   <li>Inference mode uses the running statistics and leaves them alone.</li>
 * </ul>
 *
 * Defaults are Keras's (momentum 0.99, eps 1e-3), as in the RL-SINFONY reference code. gamma
 * starts at one and beta at zero (the parameters); the running mean at zero and the running
 * variance at one (the {@link #buffers()}, saved with the model but not trained). Channels are
 * split over {@link Parallel} threads, each reduced in a fixed order, so results do not depend
 * on the thread count. Allocates nothing after construction.
 */
public final class BatchNorm implements Layer, Parallel.RangeTask {
    public static final double DEFAULT_MOMENTUM = 0.99;
    public static final double DEFAULT_EPSILON = 1e-3;
    private static final int L = Activations.L;
    /** Tensors smaller than this many values run on the calling thread. */
    private static final long PARALLEL_MIN = 1L << 16;

    private final ImageShape shape;
    private final double momentum;
    private final double eps;
    private final Param gamma;
    private final Param beta;
    private final Param runningMean;
    private final Param runningVar;
    /** The mean and 1 / sqrt(var + eps) the last forward pass used, per channel. */
    private final float[] mean;
    private final float[] invStd;
    private boolean lastTraining;

    // the arguments of the running pass, so the parallel dispatch allocates nothing
    private boolean backward;
    private float[] xd;
    private float[] yd;
    private float[] gxd;
    private int batch;

    public BatchNorm(String name, ImageShape shape) {
        this(name, shape, DEFAULT_MOMENTUM, DEFAULT_EPSILON);
    }

    public BatchNorm(String name, ImageShape shape, double momentum, double eps) {
        if (!(momentum >= 0 && momentum < 1) || !(eps > 0)) {
            throw new IllegalArgumentException("BatchNorm " + name + ": momentum " + momentum + " (need [0, 1)), eps "
                    + eps + " (need > 0)");
        }
        int c = shape.channels();
        this.shape = shape;
        this.momentum = momentum;
        this.eps = eps;
        gamma = new Param(name + ".gamma", 1, c);
        beta = new Param(name + ".beta", 1, c);
        runningMean = new Param(name + ".mean", 1, c);
        runningVar = new Param(name + ".var", 1, c);
        java.util.Arrays.fill(gamma.value().data, 1f);
        java.util.Arrays.fill(runningVar.value().data, 1f);
        mean = new float[c];
        invStd = new float[c];
    }

    public ImageShape shape() {
        return shape;
    }

    public Param gamma() {
        return gamma;
    }

    public Param beta() {
        return beta;
    }

    /** Running mean per channel (1 x channels), a buffer. */
    public Param runningMean() {
        return runningMean;
    }

    /** Running variance per channel (1 x channels), a buffer. */
    public Param runningVariance() {
        return runningVar;
    }

    /**
     * Normalises x into y with the batch statistics (training, which also updates the running
     * statistics) or the running ones (inference). x (B x shape.size()) not modified, y modified
     * (must not be x: the backward pass needs x).
     */
    public void forward(FMatrixRMaj x, FMatrixRMaj y, boolean training) {
        shape.check("BatchNorm input", x);
        shape.check("BatchNorm output", y);
        if (y.numRows != x.numRows || y.data == x.data) {
            throw new IllegalArgumentException("BatchNorm: " + x.numRows + " input rows, " + y.numRows
                    + " output rows (they must match and must not share storage)");
        }
        if (x.numRows == 0) {
            throw new IllegalArgumentException("BatchNorm: empty batch");
        }
        lastTraining = training;
        dispatch(false, x, y, null);
    }

    /**
     * Writes dL/dgamma and dL/dbeta (overwriting them) and dL/dx into gx, for the mode of the last
     * forward pass. x is that pass's input; x and gy not modified, gx modified (may be gy).
     */
    public void backward(FMatrixRMaj x, FMatrixRMaj gy, FMatrixRMaj gx) {
        shape.check("BatchNorm input", x);
        shape.check("BatchNorm output gradient", gy);
        shape.check("BatchNorm input gradient", gx);
        if (gy.numRows != x.numRows || gx.numRows != x.numRows || gx.data == x.data) {
            throw new IllegalArgumentException("BatchNorm: input, output gradient and input gradient rows "
                    + x.numRows + ", " + gy.numRows + ", " + gx.numRows + " (they must match; gx must not be x)");
        }
        dispatch(true, x, gy, gx);
    }

    private void dispatch(boolean back, FMatrixRMaj x, FMatrixRMaj y, FMatrixRMaj gx) {
        backward = back;
        xd = x.data;
        yd = y.data;
        gxd = gx == null ? null : gx.data;
        batch = x.numRows;
        Parallel.run(this, shape.channels(), 1, (long) batch * shape.size() >= PARALLEL_MIN);
        xd = null;
        yd = null;
        gxd = null;
    }

    /** Channels [from, to) of the running pass. */
    @Override
    public void run(int from, int to) {
        for (int c = from; c < to; c++) {
            if (backward) {
                backwardChannel(c);
            } else {
                forwardChannel(c);
            }
        }
    }

    private void forwardChannel(int c) {
        int hw = shape.pixels();
        int stride = shape.size();
        int first = c * hw;
        if (lastTraining) {
            double s = 0;
            for (int b = 0, o = first; b < batch; b++, o += stride) {
                s += sum(xd, o, hw);
            }
            double n = (double) batch * hw;
            float m = (float) (s / n);
            double ss = 0;
            for (int b = 0, o = first; b < batch; b++, o += stride) {
                ss += sumSquaredDeviations(xd, o, hw, m);
            }
            double var = ss / n;
            mean[c] = m;
            invStd[c] = (float) (1 / Math.sqrt(var + eps));
            float[] rm = runningMean.value().data;
            float[] rv = runningVar.value().data;
            rm[c] = (float) (momentum * rm[c] + (1 - momentum) * m);
            rv[c] = (float) (momentum * rv[c] + (1 - momentum) * var);
        } else {
            mean[c] = runningMean.value().data[c];
            invStd[c] = (float) (1 / Math.sqrt(runningVar.value().data[c] + eps));
        }
        float scale = gamma.value().data[c] * invStd[c];
        float shift = beta.value().data[c] - mean[c] * scale;
        for (int b = 0, o = first; b < batch; b++, o += stride) {
            affine(xd, null, o, hw, scale, 0f, shift, yd);
        }
    }

    /**
     * With xhat = (x - mean) invStd: dbeta = sum gy, dgamma = sum gy xhat, and in training mode
     * dx = gamma invStd (gy - dbeta / n - xhat dgamma / n), in inference mode dx = gamma invStd gy.
     */
    private void backwardChannel(int c) {
        int hw = shape.pixels();
        int stride = shape.size();
        int first = c * hw;
        float m = mean[c];
        float inv = invStd[c];
        // one pass for both sums: of gy and of gy (x - mean)
        double sg = 0;
        double sgd = 0;
        for (int b = 0, o = first; b < batch; b++, o += stride) {
            FloatVector accG = FloatVector.zero(Activations.S);
            FloatVector accGd = accG;
            int i = 0;
            for (; i + L <= hw; i += L) {
                FloatVector g = FloatVector.fromArray(Activations.S, yd, o + i);
                accG = accG.add(g);
                accGd = FloatVector.fromArray(Activations.S, xd, o + i).sub(m).fma(g, accGd);
            }
            float tg = ExactMath.sumLanes(accG);
            float tgd = ExactMath.sumLanes(accGd);
            for (; i < hw; i++) {
                tg += yd[o + i];
                tgd = Math.fma(xd[o + i] - m, yd[o + i], tgd);
            }
            sg += tg;
            sgd += tgd;
        }
        float dbeta = (float) sg;
        float dgamma = (float) (sgd * inv);
        beta.grad().data[c] = dbeta;
        gamma.grad().data[c] = dgamma;
        float a = gamma.value().data[c] * inv;
        float bx = 0f;
        float k = 0f;
        if (lastTraining) {
            double n = (double) batch * hw;
            // dx = a gy + bx x + k, with bx = -a inv dgamma / n and k = -a dbeta / n - bx mean
            bx = (float) (-a * inv * dgamma / n);
            k = (float) (-a * dbeta / n - bx * m);
        }
        for (int b = 0, o = first; b < batch; b++, o += stride) {
            affine(yd, xd, o, hw, a, bx, k, gxd);
        }
    }

    private static float sum(float[] x, int o, int n) {
        FloatVector acc = FloatVector.zero(Activations.S);
        int i = 0;
        for (; i + L <= n; i += L) {
            acc = acc.add(FloatVector.fromArray(Activations.S, x, o + i));
        }
        float s = ExactMath.sumLanes(acc);
        for (; i < n; i++) {
            s += x[o + i];
        }
        return s;
    }

    private static float sumSquaredDeviations(float[] x, int o, int n, float m) {
        FloatVector acc = FloatVector.zero(Activations.S);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector d = FloatVector.fromArray(Activations.S, x, o + i).sub(m);
            acc = d.fma(d, acc);
        }
        float s = ExactMath.sumLanes(acc);
        for (; i < n; i++) {
            float d = x[o + i] - m;
            s = Math.fma(d, d, s);
        }
        return s;
    }

    /** out = a u + bx v + k over [o, o + n), v ignored (may be null) when bx is 0. out may be u. */
    private static void affine(float[] u, float[] v, int o, int n, float a, float bx, float k, float[] out) {
        int i = 0;
        if (bx == 0f) {
            for (; i + L <= n; i += L) {
                FloatVector.fromArray(Activations.S, u, o + i).fma(a, k).intoArray(out, o + i);
            }
            for (; i < n; i++) {
                out[o + i] = Math.fma(u[o + i], a, k);
            }
            return;
        }
        for (; i + L <= n; i += L) {
            FloatVector t = FloatVector.fromArray(Activations.S, v, o + i).fma(bx, k);
            FloatVector.fromArray(Activations.S, u, o + i).fma(FloatVector.broadcast(Activations.S, a), t).intoArray(out, o + i);
        }
        for (; i < n; i++) {
            out[o + i] = Math.fma(u[o + i], a, Math.fma(v[o + i], bx, k));
        }
    }

    @Override
    public List<Param> params() {
        return List.of(gamma, beta);
    }

    @Override
    public List<Param> buffers() {
        return List.of(runningMean, runningVar);
    }
}
