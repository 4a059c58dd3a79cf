package org.grmodelfree.nn;

import static jdk.incubator.vector.VectorOperators.MAX;

import jdk.incubator.vector.FloatVector;
import org.ejml.data.FMatrixRMaj;

/**
 * Softmax over each row of logits with the categorical cross-entropy against integer labels:
 * l_i = log sum_j exp(z_ij) - z_i,label_i. Stateless; numerically stable (max subtracted).
 */
public final class SoftmaxCrossEntropy {
    private static final int L = Activations.L;

    private SoftmaxCrossEntropy() {
    }

    /**
     * Computes softmax probabilities and per-example losses.
     *
     * @param logits rows x classes, not modified
     * @param labels class of each row, not modified
     * @param probs rows x classes, modified (may be logits)
     * @param losses per-example loss, first rows entries modified
     * @return the mean loss
     */
    public static double forward(FMatrixRMaj logits, int[] labels, FMatrixRMaj probs, float[] losses) {
        Activations.sameShape("SoftmaxCrossEntropy.forward", logits, probs);
        return dispatch(PROBS, logits, labels, probs.data, 0f, losses, null);
    }

    /**
     * The per-example losses alone, each bit for bit what {@link #forward} gives, without writing
     * probabilities (the exponentials are only summed).
     *
     * @param logits rows x classes, not modified
     * @param labels class of each row, not modified
     * @param losses per-example loss, first rows entries modified
     * @return the mean loss
     */
    public static double losses(FMatrixRMaj logits, int[] labels, float[] losses) {
        return dispatch(LOSSES, logits, labels, null, 0f, losses, null);
    }

    /**
     * {@link #forward}, {@link #argmax} of its probabilities and {@link #backward} in one pass per
     * row: g = scale (p - onehot(label)), the losses and the decisions exactly as those three
     * calls in turn give them (the decision is the first index of the largest probability, taken
     * before the scaling), without storing p.
     *
     * @param logits rows x classes, not modified
     * @param labels class of each row, not modified
     * @param scale e.g. 1 / rows for the mean loss
     * @param g rows x classes, modified (may be logits)
     * @param losses per-example loss, first rows entries modified
     * @param decisions first rows entries modified, or null
     * @return the mean loss
     */
    public static double forwardBackward(FMatrixRMaj logits, int[] labels, float scale, FMatrixRMaj g, float[] losses,
                                         int[] decisions) {
        Activations.sameShape("SoftmaxCrossEntropy.forwardBackward", logits, g);
        if (decisions != null && decisions.length < logits.numRows) {
            throw new IllegalArgumentException("SoftmaxCrossEntropy.forwardBackward: " + logits.numRows
                    + " rows but room for " + decisions.length + " decisions");
        }
        return dispatch(GRADIENT, logits, labels, g.data, scale, losses, decisions);
    }

    /** What a pass writes besides the losses: probabilities, nothing, or the gradient and decisions. */
    private static final int PROBS = 0;
    private static final int LOSSES = 1;
    private static final int GRADIENT = 2;

    private static double dispatch(int mode, FMatrixRMaj logits, int[] labels, float[] out, float scale,
                                   float[] losses, int[] decisions) {
        int rows = logits.numRows;
        int n = logits.numCols;
        if (labels.length < rows || losses.length < rows) {
            throw new IllegalArgumentException("SoftmaxCrossEntropy: " + rows + " rows but "
                    + labels.length + " labels and room for " + losses.length + " losses");
        }
        for (int r = 0; r < rows; r++) {
            if (labels[r] < 0 || labels[r] >= n) {
                throw new IllegalArgumentException("SoftmaxCrossEntropy: label " + labels[r] + " of row " + r
                        + " is outside 0.." + (n - 1));
            }
        }
        RowTask task = TASK.get();
        task.mode = mode;
        task.z = logits.data;
        task.p = out;
        task.scale = scale;
        task.labels = labels;
        task.losses = losses;
        task.decisions = decisions;
        task.n = n;
        Parallel.run(task, rows, 1, (long) rows * n >= PARALLEL_MIN_ELEMENTS);
        task.z = null;
        task.p = null;
        task.labels = null;
        task.losses = null;
        task.decisions = null;
        double total = 0;
        for (int r = 0; r < rows; r++) {
            total += losses[r];
        }
        return total / rows;
    }

    /** Softmax over rows below this many elements runs on the calling thread. */
    private static final long PARALLEL_MIN_ELEMENTS = 1 << 15;
    private static final ThreadLocal<RowTask> TASK = ThreadLocal.withInitial(RowTask::new);
    /** Lanes of a vector, stored to be summed in order (one per thread that runs rows). */
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[L]);

    /** The arguments of one call, so the parallel dispatch allocates nothing. */
    private static final class RowTask implements Parallel.RangeTask {
        int mode;
        float[] z;
        float[] p;
        float scale;
        int[] labels;
        float[] losses;
        int[] decisions;
        int n;

        @Override
        public void run(int from, int to) {
            float[] lanes = LANES.get();
            for (int r = from; r < to; r++) {
                losses[r] = row(mode, z, p, r * n, n, labels[r], scale, decisions, r, lanes);
            }
        }
    }

    /**
     * One row: its loss, and by mode its probabilities, nothing, or its gradient and decision.
     * The arithmetic of every mode is that of {@link #forward} (then {@link #argmax} and
     * {@link #backward}): e_j = exp(z_j - max) summed in lane order, p_j = e_j (1 / sum),
     * loss = log(sum) + max - z_label.
     */
    private static float row(int mode, float[] z, float[] p, int o, int n, int label, float scale, int[] decisions,
                             int r, float[] lanes) {
        float zl = z[o + label];
        float max = rowMax(z, o, n);
        float sum = 0;
        int vn = n >= L ? n - n % L : 0;
        boolean store = mode != LOSSES;
        if (vn > 0) {
            FloatVector acc = FloatVector.zero(Activations.S);
            for (int j = 0; j < vn; j += L) {
                FloatVector e = ExactMath.expNonPositive(FloatVector.fromArray(Activations.S, z, o + j).sub(max));
                if (store) {
                    e.intoArray(p, o + j);
                }
                acc = acc.add(e);
            }
            acc.intoArray(lanes, 0);
            for (int i = 0; i < L; i++) {
                sum += lanes[i];
            }
        }
        for (int j = vn; j < n; j++) {
            float e = ExactMath.exp(z[o + j] - max);
            if (store) {
                p[o + j] = e;
            }
            sum += e;
        }
        float loss = (float) (Math.log(sum) + max - zl);
        if (mode == LOSSES) {
            return loss;
        }
        float inv = 1f / sum;
        if (mode == GRADIENT && vn == n && Float.isFinite(sum)) {
            // sum finite: no exponential is NaN and p is finite, so the vector argmax is the scalar one
            gradientRow(p, o, n, inv, scale, label, decisions, r);
            return loss;
        }
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector.fromArray(Activations.S, p, o + j).mul(inv).intoArray(p, o + j);
        }
        for (; j < n; j++) {
            p[o + j] *= inv;
        }
        if (mode == GRADIENT) {
            if (decisions != null) {
                decisions[r] = argmaxRow(p, o, n);
            }
            for (j = 0; j < n; j++) {
                p[o + j] *= scale;
            }
            p[o + label] -= scale;
        }
        return loss;
    }

    /**
     * g = (e (1 / sum)) scale over a row of exponentials (n a whole number of vectors), g_label -=
     * scale, and the row's decision: the largest probability, then the first index that has it,
     * which with no NaN is the index {@link #argmax} finds (the first strictly greatest): the
     * first vector whose largest lane is it, then the lane. With JDK 17's AVX-512 code, masks
     * (compare and blend, anyTrue) made this two to three times slower, and a vector used both in
     * a branch and after it was boxed (allocated).
     */
    private static void gradientRow(float[] p, int o, int n, float inv, float scale, int label, int[] decisions,
                                     int r) {
        if (decisions != null) {
            FloatVector best = FloatVector.fromArray(Activations.S, p, o).mul(inv);
            for (int j = L; j < n; j += L) {
                best = best.max(FloatVector.fromArray(Activations.S, p, o + j).mul(inv));
            }
            float top = best.reduceLanes(MAX);
            int first = 0; // the first vector that holds top (one does, and top is not NaN), then the index
            while (FloatVector.fromArray(Activations.S, p, o + first).mul(inv).reduceLanes(MAX) != top) {
                first += L;
            }
            while (p[o + first] * inv != top) {
                first++;
            }
            decisions[r] = first;
        }
        for (int j = 0; j < n; j += L) {
            FloatVector.fromArray(Activations.S, p, o + j).mul(inv).mul(scale).intoArray(p, o + j);
        }
        p[o + label] -= scale;
    }

    /** The first index of the row's largest value, as {@link #argmax} decides. */
    private static int argmaxRow(float[] z, int o, int n) {
        int best = 0;
        float bv = z[o];
        for (int j = 1; j < n; j++) {
            if (z[o + j] > bv) {
                bv = z[o + j];
                best = j;
            }
        }
        return best;
    }

    private static float rowMax(float[] z, int o, int n) {
        float max = Float.NEGATIVE_INFINITY;
        int j = 0;
        if (n >= L) {
            FloatVector m = FloatVector.fromArray(Activations.S, z, o);
            for (j = L; j + L <= n; j += L) {
                m = m.max(FloatVector.fromArray(Activations.S, z, o + j));
            }
            max = m.reduceLanes(MAX);
        }
        for (; j < n; j++) {
            max = Math.max(max, z[o + j]);
        }
        return max;
    }

    /**
     * Gradient of (scale * sum_i l_i) with respect to the logits: g_i = scale (p_i - onehot(label_i)).
     *
     * @param probs the softmax output of {@link #forward}, not modified
     * @param labels not modified
     * @param scale e.g. 1 / rows for the mean loss
     * @param g rows x classes, modified (may be probs)
     */
    public static void backward(FMatrixRMaj probs, int[] labels, float scale, FMatrixRMaj g) {
        Activations.sameShape("SoftmaxCrossEntropy.backward", probs, g);
        int n = probs.numCols;
        float[] p = probs.data;
        float[] gd = g.data;
        int len = probs.getNumElements();
        int i = 0;
        for (; i + L <= len; i += L) {
            FloatVector.fromArray(Activations.S, p, i).mul(scale).intoArray(gd, i);
        }
        for (; i < len; i++) {
            gd[i] = p[i] * scale;
        }
        for (int r = 0; r < probs.numRows; r++) {
            gd[r * n + labels[r]] -= scale;
        }
    }

    /**
     * Writes the index of the largest logit of each row into decisions and returns how many differ
     * from labels (labels may be null, then 0 is returned). logits and labels not modified.
     */
    public static int argmax(FMatrixRMaj logits, int[] labels, int[] decisions) {
        int n = logits.numCols;
        float[] z = logits.data;
        int errors = 0;
        for (int r = 0, o = 0; r < logits.numRows; r++, o += n) {
            int best = argmaxRow(z, o, n);
            decisions[r] = best;
            if (labels != null && labels[r] != best) {
                errors++;
            }
        }
        return errors;
    }
}
