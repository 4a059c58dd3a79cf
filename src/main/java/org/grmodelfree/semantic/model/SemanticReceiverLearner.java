package org.grmodelfree.semantic.model;

import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.nn.Adam;
import org.grmodelfree.nn.SoftmaxCrossEntropy;

/**
 * The receiver's side of RL-SINFONY: the {@link SemanticReceiver} and its Adam. A receiver-phase
 * batch is a supervised step on what arrived; a transmitter-phase batch only yields the
 * per-example cross-entropies to feed back. Used by {@link SemanticTrainer} and by the receiver
 * block. Buffers are sized for the configured batch (twice it for a mirrored transmitter phase).
 */
public final class SemanticReceiverLearner {
    private final SemanticReceiver rx;
    private final Adam optimiser;
    private final FMatrixRMaj probs;
    private final FMatrixRMaj gLogits;
    private final int[] decisions;
    private int lastErrors;

    public SemanticReceiverLearner(SemanticReceiver rx, SemanticConfig c) {
        this.rx = rx;
        this.optimiser = new Adam(rx.params());
        int rows = c.sendsPerImage() * c.batch();
        this.probs = new FMatrixRMaj(rows, SemanticConfig.CLASSES);
        this.gLogits = new FMatrixRMaj(c.batch(), SemanticConfig.CLASSES);
        this.decisions = new int[rows];
    }

    public SemanticReceiver receiver() {
        return rx;
    }

    public Adam optimiser() {
        return optimiser;
    }

    /**
     * Per-example cross-entropies of the stacked received signals y against labels into losses
     * (first B entries); returns their mean. Also counts the wrong decisions ({@link #lastErrors()}).
     */
    public double losses(FMatrixRMaj y, int[] labels, float[] losses) {
        FMatrixRMaj logits = rx.forward(y);
        probs.reshape(logits.numRows, logits.numCols);
        double mean = SoftmaxCrossEntropy.forward(logits, labels, probs, losses);
        lastErrors = SoftmaxCrossEntropy.argmax(logits, labels, decisions);
        return mean;
    }

    /** A supervised step on y against labels; per-example losses into losses; returns the mean loss. */
    public double step(FMatrixRMaj y, int[] labels, float[] losses, double lr) {
        double mean = losses(y, labels, losses);
        int b = probs.numRows;
        gLogits.reshape(b, SemanticConfig.CLASSES);
        SoftmaxCrossEntropy.backward(probs, labels, 1f / b, gLogits);
        rx.backward(gLogits, null);
        optimiser.step(lr);
        return mean;
    }

    /** Wrong decisions in the last batch. */
    public int lastErrors() {
        return lastErrors;
    }
}
