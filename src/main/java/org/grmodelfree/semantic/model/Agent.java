package org.grmodelfree.semantic.model;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.nn.Dense;
import org.grmodelfree.nn.Layer;
import org.grmodelfree.nn.Param;
import org.grmodelfree.nn.ResNetFeatureExtractor;
import org.grmodelfree.nn.RowEnergyNormalization;

/**
 * One agent's encoder (docs/design.md, "Semantic communication"): a {@link ResNetFeatureExtractor} on its 14 x 14
 * quadrant, then the transmitter: ReLU, a linear layer to N_Tx real channel uses, and a power
 * normalisation per example (mean energy one per complex symbol, N_Tx / 2 symbols). The Gaussian
 * policy is applied outside, by the trainer, because the model-aware and perfect methods send the
 * output as it is.
 *
 * <p>Input: B x 196 pixels in [0, 1], row-major. Output: B x N_Tx, a live view valid until the next
 * forward. Buffers grow only with the batch.
 */
public final class Agent implements Layer {
    private final ResNetFeatureExtractor extractor;
    private final Dense tx;
    private final RowEnergyNormalization norm = new RowEnergyNormalization();
    private final String name;
    private final FMatrixRMaj act = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj pre = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj out = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj gPre = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj gAct = new FMatrixRMaj(1, 1);

    /**
     * @param name prefix of the parameter names, e.g. "agent0"
     * @param reduced the reduced extractor instead of Table I's
     * @param channelUses N_Tx (even)
     */
    public Agent(String name, boolean reduced, int channelUses, RandomGenerator rng) {
        this.name = name;
        extractor = reduced ? ResNetFeatureExtractor.reduced(name + ".fe", rng)
                : ResNetFeatureExtractor.tableI(name + ".fe", rng);
        tx = new Dense(name + ".tx", extractor.features(), channelUses, rng);
    }

    /** Pixels per input row. */
    public int inputSize() {
        return extractor.inShape().size();
    }

    /** N_Feat, the extractor's features per example. */
    public int features() {
        return extractor.features();
    }

    /** N_Tx, real channel uses per example. */
    public int channelUses() {
        return tx.out();
    }

    /**
     * The normalised channel inputs of the quadrants x (B x 196, not modified; checked for shape
     * and non-finite pixels). Batch norm in training or inference mode.
     */
    public FMatrixRMaj forward(FMatrixRMaj x, boolean training) {
        if (x.numCols != inputSize()) {
            throw new IllegalArgumentException(String.format("%s: quadrant rows have %d pixels, the extractor needs"
                    + " %d (%s images)", name, x.numCols, inputSize(), extractor.inShape()));
        }
        float[] d = x.data;
        int n = x.getNumElements();
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(d[i])) {
                throw new IllegalArgumentException(String.format("%s: pixel %d of image %d is %s; images must be"
                        + " finite", name, i % x.numCols, i / x.numCols, d[i]));
            }
        }
        FMatrixRMaj f = extractor.forward(x, training);
        act.reshape(f.numRows, f.numCols);
        for (int i = 0; i < f.getNumElements(); i++) {
            act.data[i] = Math.max(0f, f.data[i]);
        }
        pre.reshape(x.numRows, tx.out());
        tx.forward(act, pre);
        out.reshape(x.numRows, tx.out());
        norm.forward(pre, out);
        return out;
    }

    /**
     * Back-propagates dL/d(output) of the last forward pass into every parameter gradient
     * (overwriting them). g not modified.
     */
    public void backward(FMatrixRMaj g) {
        gPre.reshape(g.numRows, g.numCols);
        norm.backward(pre, g, gPre);
        gAct.reshape(act.numRows, act.numCols);
        tx.backward(act, gPre, gAct);
        for (int i = 0; i < act.getNumElements(); i++) {
            if (act.data[i] <= 0f) {
                gAct.data[i] = 0f;
            }
        }
        extractor.backward(gAct);
    }

    /** The extractor's convolution kernels: the parameters weight decay applies to. */
    public List<Param> kernels() {
        return extractor.params().stream().filter(p -> p.name().endsWith(".w")).toList();
    }

    @Override
    public List<Param> params() {
        List<Param> p = new ArrayList<>(extractor.params());
        p.addAll(tx.params());
        return p;
    }

    @Override
    public List<Param> buffers() {
        return extractor.buffers();
    }
}
