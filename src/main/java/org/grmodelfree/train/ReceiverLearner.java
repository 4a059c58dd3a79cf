package org.grmodelfree.train;

import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.Receiver;
import org.grmodelfree.nn.Adam;
import org.grmodelfree.nn.SoftmaxCrossEntropy;

/**
 * The receiver's side: supervised steps on known training messages, per-example losses for the
 * transmitter's policy gradient, and decisions.
 */
public final class ReceiverLearner {
    private final Receiver rx;
    private final Adam adam;
    private final FMatrixRMaj probs = new FMatrixRMaj(1, 1);
    private float[] losses = new float[0];
    private int[] decisions = new int[0];
    private int lastErrors;

    public ReceiverLearner(Receiver rx) {
        this.rx = rx;
        this.adam = new Adam(rx.params());
    }

    public Receiver receiver() {
        return rx;
    }

    public Adam optimiser() {
        return adam;
    }

    /**
     * One Adam step on the mean cross-entropy of y against labels; returns that mean. The block
     * errors of the decisions before the step are {@link #lastErrors()}. y not modified.
     */
    public double train(FMatrixRMaj y, int[] labels, double lr) {
        int rows = y.numRows;
        FMatrixRMaj logits = rx.forward(y);
        probs.reshape(logits.numRows, logits.numCols);
        // the loss, the decisions on the probabilities and dL/dlogits in one pass (into probs)
        int[] decided = ensureDecisions(rows);
        double mean = SoftmaxCrossEntropy.forwardBackward(logits, labels, 1f / rows, probs, ensureLosses(rows),
                decided);
        int errors = 0;
        for (int i = 0; i < rows; i++) {
            if (decided[i] != labels[i]) {
                errors++;
            }
        }
        lastErrors = errors;
        rx.backward(probs, false);
        adam.step(lr);
        return mean;
    }

    /**
     * The mean cross-entropy of y against labels without a step (a frozen receiver); the block
     * errors of its decisions are {@link #lastErrors()}. y not modified.
     */
    public double assess(FMatrixRMaj y, int[] labels) {
        double mean = forwardLoss(y, labels, ensureLosses(y.numRows));
        lastErrors = SoftmaxCrossEntropy.argmax(probs, labels, ensureDecisions(y.numRows));
        return mean;
    }

    /** Per-example losses of y against labels into out (no update); returns their mean. */
    public double losses(FMatrixRMaj y, int[] labels, float[] out) {
        return SoftmaxCrossEntropy.losses(rx.forward(y), labels, out);
    }

    /** Block errors of the batch of the last {@link #train} call, decided before its step. */
    public int lastErrors() {
        return lastErrors;
    }

    /** Decides each row of y; returns the number of errors against labels (may be null). */
    public int decide(FMatrixRMaj y, int[] labels, int[] out) {
        return SoftmaxCrossEntropy.argmax(rx.forward(y), labels, out);
    }

    /** Block errors of y against labels, using an internal decision buffer. */
    public int errors(FMatrixRMaj y, int[] labels) {
        return decide(y, labels, ensureDecisions(y.numRows));
    }

    private int[] ensureDecisions(int rows) {
        if (decisions.length < rows) {
            decisions = new int[rows];
        }
        return decisions;
    }

    private double forwardLoss(FMatrixRMaj y, int[] labels, float[] out) {
        FMatrixRMaj logits = rx.forward(y);
        probs.reshape(logits.numRows, logits.numCols);
        return SoftmaxCrossEntropy.forward(logits, labels, probs, out);
    }

    private float[] ensureLosses(int rows) {
        if (losses.length < rows) {
            losses = new float[rows];
        }
        return losses;
    }
}
