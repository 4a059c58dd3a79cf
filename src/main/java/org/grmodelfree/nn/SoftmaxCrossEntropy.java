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
        int rows = logits.numRows;
        int n = logits.numCols;
        Activations.sameShape("SoftmaxCrossEntropy.forward", logits, probs);
        if (labels.length < rows || losses.length < rows) {
            throw new IllegalArgumentException("SoftmaxCrossEntropy.forward: " + rows + " rows but "
                    + labels.length + " labels and room for " + losses.length + " losses");
        }
        for (int r = 0; r < rows; r++) {
            if (labels[r] < 0 || labels[r] >= n) {
                throw new IllegalArgumentException("SoftmaxCrossEntropy: label " + labels[r] + " of row " + r
                        + " is outside 0.." + (n - 1));
            }
        }
        RowTask task = TASK.get();
        task.z = logits.data;
        task.p = probs.data;
        task.labels = labels;
        task.losses = losses;
        task.n = n;
        Parallel.run(task, rows, 1, (long) rows * n >= PARALLEL_MIN_ELEMENTS);
        task.z = null;
        task.p = null;
        task.labels = null;
        task.losses = null;
        double total = 0;
        for (int r = 0; r < rows; r++) {
            total += losses[r];
        }
        return total / rows;
    }

    /** Softmax over rows below this many elements runs on the calling thread. */
    private static final long PARALLEL_MIN_ELEMENTS = 1 << 15;
    private static final ThreadLocal<RowTask> TASK = ThreadLocal.withInitial(RowTask::new);

    /** The arguments of one forward call, so the parallel dispatch allocates nothing. */
    private static final class RowTask implements Parallel.RangeTask {
        float[] z;
        float[] p;
        int[] labels;
        float[] losses;
        int n;

        @Override
        public void run(int from, int to) {
            for (int r = from; r < to; r++) {
                losses[r] = row(z, p, r * n, n, labels[r]);
            }
        }
    }

    /** Softmax of one row into p and its loss. */
    private static float row(float[] z, float[] p, int o, int n, int label) {
        float zl = z[o + label];
        float max = rowMax(z, o, n);
        float sum = 0;
        int j = 0;
        if (n >= L) {
            FloatVector acc = FloatVector.zero(Activations.S);
            for (; j + L <= n; j += L) {
                FloatVector e = ExactMath.exp(FloatVector.fromArray(Activations.S, z, o + j).sub(max));
                e.intoArray(p, o + j);
                acc = acc.add(e);
            }
            sum = ExactMath.sumLanes(acc);
        }
        for (; j < n; j++) {
            float e = ExactMath.exp(z[o + j] - max);
            p[o + j] = e;
            sum += e;
        }
        float inv = 1f / sum;
        j = 0;
        for (; j + L <= n; j += L) {
            FloatVector.fromArray(Activations.S, p, o + j).mul(inv).intoArray(p, o + j);
        }
        for (; j < n; j++) {
            p[o + j] *= inv;
        }
        return (float) (Math.log(sum) + max - zl);
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
            int best = 0;
            float bv = z[o];
            for (int j = 1; j < n; j++) {
                if (z[o + j] > bv) {
                    bv = z[o + j];
                    best = j;
                }
            }
            decisions[r] = best;
            if (labels != null && labels[r] != best) {
                errors++;
            }
        }
        return errors;
    }
}
