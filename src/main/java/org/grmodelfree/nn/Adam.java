package org.grmodelfree.nn;

import java.util.List;
import jdk.incubator.vector.FloatVector;
import org.ejml.data.FMatrixRMaj;

/**
 * Adam (Kingma and Ba) with optional L2 weight decay added to the gradient.
 *
 * <p>Weight decay here is the coupled L2 penalty, not AdamW's decoupled decay: g += wd w before
 * the moments are updated, exactly the gradient of an extra loss term (wd / 2) |w|^2, so it is
 * rescaled by Adam's per-weight step like the rest of the gradient. This is what Keras does with
 * a {@code kernel_regularizer=l2(lambda)}, which adds lambda |w|^2 to the loss: that is
 * {@code weightDecay(2 * lambda, ...)} here. The RL-SINFONY reference code (Beck et al.) puts
 * l2(1e-4) on its convolution kernels only, i.e. {@code weightDecay(2e-4, p -> p.name().endsWith(".w"))}
 * over the extractor's parameters; decay can be limited to such a subset of the parameters.
 *
 * <p>Order of use: construct over a fixed list of parameters (moments are allocated here, once),
 * then after each backward pass call {@link #step(double)}; {@link #reset()} clears the moments.
 * Updates parameter values in place.
 */
public final class Adam implements Parallel.RangeTask {
    /**
     * Arrays shorter than this are updated on the calling thread: the 65 536 weights of a 256 x 256
     * layer take about 35 us on one core, less than handing half of them to a worker can save when
     * other processes share the cores (waiting for a worker that was preempted mid-chunk cost up
     * to 1.6 ms per step on the busy 2-core machine, docs/performance.md).
     */
    private static final int PARALLEL_MIN = 1 << 18;
    private final List<Param> params;
    private final float[][] m;
    private final float[][] v;
    private final float beta1;
    private final float beta2;
    private final float eps;
    /** Weight decay per parameter tensor (0: none). */
    private final float[] decay;
    private long t;
    private int current;
    private float stepA;
    private float stepE;

    public Adam(List<Param> params) {
        this(params, 0.9f, 0.999f, 1e-7f);
    }

    public Adam(List<Param> params, float beta1, float beta2, float eps) {
        this.params = List.copyOf(params);
        this.m = new float[this.params.size()][];
        this.v = new float[this.params.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = new float[this.params.get(i).size()];
            v[i] = new float[this.params.get(i).size()];
        }
        this.decay = new float[this.params.size()];
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    /** Adds wd * value to every gradient before the update (0 disables it). */
    public Adam weightDecay(double wd) {
        return weightDecay(wd, p -> true);
    }

    /**
     * Adds wd * value to the gradient of the parameters {@code which} accepts, and none to the
     * others (e.g. only to convolution kernels, not to biases and batch-norm scales).
     */
    public Adam weightDecay(double wd, java.util.function.Predicate<Param> which) {
        for (int i = 0; i < decay.length; i++) {
            decay[i] = which.test(params.get(i)) ? (float) wd : 0f;
        }
        return this;
    }

    /** The number of steps taken since construction or the last reset. */
    public long steps() {
        return t;
    }

    /** Sets the step count, for resuming from a checkpoint together with {@link #moments()}. */
    public void steps(long steps) {
        this.t = steps;
    }

    /** The first and second moment arrays, in parameter order (m0, v0, m1, v1, ...), live. */
    public float[][] moments() {
        float[][] all = new float[2 * m.length][];
        for (int i = 0; i < m.length; i++) {
            all[2 * i] = m[i];
            all[2 * i + 1] = v[i];
        }
        return all;
    }

    /** Clears the moments and the step count. */
    public void reset() {
        t = 0;
        for (int i = 0; i < m.length; i++) {
            java.util.Arrays.fill(m[i], 0f);
            java.util.Arrays.fill(v[i], 0f);
        }
    }

    /** One update with learning rate lr from the current gradients. Values and moments modified. */
    public void step(double lr) {
        t++;
        float c1 = (float) (1 - Math.pow(beta1, t));
        float c2 = (float) (1 - Math.pow(beta2, t));
        stepA = (float) (lr * Math.sqrt(c2) / c1);
        stepE = (float) (eps * Math.sqrt(c2));
        for (int p = 0; p < m.length; p++) {
            current = p;
            int n = m[p].length;
            Parallel.run(this, n, 64, n >= PARALLEL_MIN);
        }
    }

    /** Updates elements [from, to) of the current parameter. */
    @Override
    public void run(int from, int to) {
        int p = current;
        float a = stepA;
        float e = stepE;
        float b1 = beta1;
        float b2 = beta2;
        float ob1 = 1 - beta1;
        float ob2 = 1 - beta2;
        float wd = decay[p];
        int lanes = Activations.L;
        FMatrixRMaj value = params.get(p).value();
        float[] w = value.data;
        float[] g = params.get(p).grad().data;
        float[] mp = m[p];
        float[] vp = v[p];
        int i = from;
        for (; i + lanes <= to; i += lanes) {
            FloatVector gv = FloatVector.fromArray(Activations.S, g, i);
            FloatVector wv = FloatVector.fromArray(Activations.S, w, i);
            if (wd != 0f) {
                gv = gv.add(wv.mul(wd));
            }
            FloatVector mv = FloatVector.fromArray(Activations.S, mp, i).mul(b1).add(gv.mul(ob1));
            FloatVector vv = FloatVector.fromArray(Activations.S, vp, i).mul(b2).add(gv.mul(gv).mul(ob2));
            mv.intoArray(mp, i);
            vv.intoArray(vp, i);
            wv.sub(mv.mul(a).div(vv.sqrt().add(e))).intoArray(w, i);
        }
        for (; i < to; i++) {
            float gi = g[i] + wd * w[i];
            mp[i] = b1 * mp[i] + ob1 * gi;
            vp[i] = b2 * vp[i] + ob2 * gi * gi;
            w[i] -= a * mp[i] / ((float) Math.sqrt(vp[i]) + e);
        }
    }
}
