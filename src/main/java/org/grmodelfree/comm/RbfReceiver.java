package org.grmodelfree.comm;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.nn.ComplexDivide;
import org.grmodelfree.nn.Dense;
import org.grmodelfree.nn.Param;
import org.grmodelfree.nn.Activations;

/**
 * The Rayleigh block-fading receiver: a channel estimator (2N -> width tanh -> 2 linear = complex
 * h_hat), division of the received symbols by h_hat, then the AWGN receiver network.
 */
public final class RbfReceiver implements Receiver {
    /** Width of the estimator's hidden layer (docs/design.md: 20). */
    public static final int ESTIMATOR_WIDTH = 20;

    private final Dense e1;
    private final Dense e2;
    private final AwgnReceiver body;
    private final FMatrixRMaj y = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj t1 = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj hHat = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj z = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj gT1 = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj gH = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj gY = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj gYest = new FMatrixRMaj(1, 1);

    public RbfReceiver(int messages, int symbols, int hidden, int estimatorWidth, RandomGenerator rng) {
        e1 = new Dense("rx.est1", 2 * symbols, estimatorWidth, rng);
        e2 = new Dense("rx.est2", estimatorWidth, 2, rng);
        body = new AwgnReceiver(messages, symbols, hidden, rng);
    }

    @Override
    public int messages() {
        return body.messages();
    }

    @Override
    public int symbols() {
        return body.symbols();
    }

    @Override
    public ChannelKind kind() {
        return ChannelKind.RBF;
    }

    @Override
    public FMatrixRMaj forward(FMatrixRMaj in) {
        return body.forward(equalise(in));
    }

    @Override
    public FMatrixRMaj frontEnd(FMatrixRMaj in) {
        return equalise(in);
    }

    @Override
    public Dense hiddenLayer() {
        return body.hiddenLayer();
    }

    @Override
    public Dense output() {
        return body.output();
    }

    /** The estimator's h_hat and y / h_hat (the body's input). in not modified. */
    private FMatrixRMaj equalise(FMatrixRMaj in) {
        int rows = in.numRows;
        y.reshape(rows, in.numCols);
        Activations.copy(in, y);
        t1.reshape(rows, e1.out());
        e1.forward(y, t1);
        Activations.tanh(t1, t1);
        hHat.reshape(rows, 2);
        e2.forward(t1, hHat);
        z.reshape(rows, y.numCols);
        ComplexDivide.forward(y, hHat, z);
        return z;
    }

    @Override
    public FMatrixRMaj backward(FMatrixRMaj gLogits, boolean inputGradient) {
        FMatrixRMaj gz = body.backward(gLogits, true);
        int rows = y.numRows;
        gH.reshape(rows, 2);
        gY.reshape(rows, y.numCols);
        ComplexDivide.backward(y, hHat, z, gz, inputGradient ? gY : null, gH);
        gT1.reshape(rows, t1.numCols);
        e2.backward(t1, gH, gT1);
        Activations.tanhBackward(t1, gT1, gT1);
        if (!inputGradient) {
            e1.backward(y, gT1, null);
            return null;
        }
        gYest.reshape(rows, y.numCols);
        e1.backward(y, gT1, gYest);
        for (int i = 0; i < gY.getNumElements(); i++) {
            gY.data[i] += gYest.data[i];
        }
        return gY;
    }

    @Override
    public List<Param> params() {
        List<Param> p = new ArrayList<>(e1.params());
        p.addAll(e2.params());
        p.addAll(body.params());
        return p;
    }
}
