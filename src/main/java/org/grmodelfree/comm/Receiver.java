package org.grmodelfree.comm;

import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.nn.Layer;

/**
 * A learned receiver f_R: from received blocks (rows x 2N reals) to logits over the M messages.
 * The matrices it returns are live views of its own buffers, valid until the next call.
 */
public interface Receiver extends Layer {
    /** Messages M. */
    int messages();

    /** Complex symbols N per message. */
    int symbols();

    /** Logits (rows x M) for the received block y (rows x 2N, not modified). */
    FMatrixRMaj forward(FMatrixRMaj y);

    /**
     * What enters the hidden layer for y (rows x 2N, not modified), computed exactly as
     * {@link #forward} computes it: y itself for AWGN, y / h_hat for Rayleigh block fading. Then
     * forward's logits are {@code output()} of ReLU({@code hiddenLayer()} of it), bit for bit.
     * May be y itself or a live view of the receiver's buffers, valid until the next call.
     */
    FMatrixRMaj frontEnd(FMatrixRMaj y);

    /** The dense layer followed by ReLU: front end -> hidden. */
    org.grmodelfree.nn.Dense hiddenLayer();

    /** The output layer: hidden -> M logits (softmax in the loss, argmax for decisions). */
    org.grmodelfree.nn.Dense output();

    /**
     * Back-propagates dL/dlogits of the last forward pass into the parameter gradients
     * (overwriting them). Returns dL/dy when {@code inputGradient} is set (the model-aware method
     * needs it), else null. gLogits not modified.
     */
    FMatrixRMaj backward(FMatrixRMaj gLogits, boolean inputGradient);

    /** The channel kind this receiver was built for. */
    ChannelKind kind();

    /** The receiver for a channel kind: AWGN, or the Rayleigh block-fading estimate-and-divide one. */
    static Receiver create(ChannelKind kind, int messages, int symbols, int hidden,
                           java.util.random.RandomGenerator rng) {
        return switch (kind) {
            case AWGN -> new AwgnReceiver(messages, symbols, hidden, rng);
            case RBF -> new RbfReceiver(messages, symbols, hidden, RbfReceiver.ESTIMATOR_WIDTH, rng);
        };
    }
}
