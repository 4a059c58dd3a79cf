package org.grmodelfree.comm;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.nn.Dense;
import org.grmodelfree.nn.Param;
import org.grmodelfree.nn.Activations;

/** The AWGN receiver: 2N reals -> dense (hidden) ReLU -> dense M logits (softmax in the loss). */
public final class AwgnReceiver implements Receiver {
    private final int messages;
    private final int symbols;
    private final Dense d1;
    private final Dense d2;
    private final FMatrixRMaj in = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj a1 = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj logits = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj g1 = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj gIn = new FMatrixRMaj(1, 1);

    public AwgnReceiver(int messages, int symbols, int hidden, RandomGenerator rng) {
        this.messages = messages;
        this.symbols = symbols;
        d1 = new Dense("rx.dense1", 2 * symbols, hidden, rng);
        d2 = new Dense("rx.dense2", hidden, messages, rng);
    }

    @Override
    public int messages() {
        return messages;
    }

    @Override
    public int symbols() {
        return symbols;
    }

    @Override
    public ChannelKind kind() {
        return ChannelKind.AWGN;
    }

    @Override
    public FMatrixRMaj forward(FMatrixRMaj y) {
        int rows = y.numRows;
        in.reshape(rows, y.numCols);
        Activations.copy(frontEnd(y), in);
        a1.reshape(rows, d1.out());
        d1.forward(in, a1);
        Activations.relu(a1);
        logits.reshape(rows, messages);
        d2.forward(a1, logits);
        return logits;
    }

    @Override
    public FMatrixRMaj frontEnd(FMatrixRMaj y) {
        if (y.numCols != 2 * symbols) {
            throw new IllegalArgumentException("receiver: input has " + y.numCols + " reals per row, expected "
                    + 2 * symbols);
        }
        return y;
    }

    @Override
    public Dense hiddenLayer() {
        return d1;
    }

    @Override
    public Dense output() {
        return d2;
    }

    @Override
    public FMatrixRMaj backward(FMatrixRMaj gLogits, boolean inputGradient) {
        g1.reshape(a1.numRows, a1.numCols);
        d2.backward(a1, gLogits, g1);
        Activations.reluBackward(a1, g1);
        if (inputGradient) {
            gIn.reshape(in.numRows, in.numCols);
            d1.backward(in, g1, gIn);
            return gIn;
        }
        d1.backward(in, g1, null);
        return null;
    }

    @Override
    public List<Param> params() {
        List<Param> p = new ArrayList<>(d1.params());
        p.addAll(d2.params());
        return p;
    }
}
