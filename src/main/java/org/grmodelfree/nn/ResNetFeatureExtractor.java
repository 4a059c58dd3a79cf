package org.grmodelfree.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;

/**
 * A ResNet feature extractor in the layout of RL-SINFONY's per-agent network (Beck et al., Table I;
 * docs/design.md, "Semantic communication"): a 3 x 3 convolution to {@code filters} channels, then {@code stages}
 * {@link ResNetStage}s (the paper's "ResNet blocks") of {@code units} residual units each, with
 * filters, 2 filters, 4 filters, ... channels (every stage after the first downsamples by 2), then
 * global average pooling to one feature per channel of the last stage.
 *
 * <p>With pre-activation units (the reference's default) a batch norm and a ReLU come after the
 * last stage, as in the paper's table; with post-activation units they come after the first
 * convolution instead, as in the original ResNet. {@link #tableI} is the paper's MNIST extractor:
 * 14 x 14 one-channel quadrants, 14 filters, 3 stages of 2 units, 56 features.
 *
 * <p>Input: B x (channels * height * width), NCHW ({@link ImageShape}); a one-channel image is its
 * pixels row by row. Output: B x {@link #features()}. The matrices returned are live views of the
 * extractor's buffers (grown only when the batch grows), valid until its next call; the input must
 * stay unmodified between {@link #forward} and {@link #backward}.
 */
public final class ResNetFeatureExtractor implements Layer {
    /** Filters of {@link #reduced}. */
    public static final int REDUCED_FILTERS = 8;
    /** Residual units per stage of {@link #reduced}. */
    public static final int REDUCED_UNITS = 1;
    private final ImageShape input;
    private final boolean pre;
    private final Conv2D stem;
    private final ResNetStage[] stages;
    /** After the last stage (pre-activation) or after the stem (post-activation). */
    private final BatchNorm bn;
    private final ImageShape last;

    private FMatrixRMaj x;
    private final FMatrixRMaj stemOut = new FMatrixRMaj(1, 1);
    /** relu(bn(.)) of the last stage's output (pre) or of the stem's output (post). */
    private final FMatrixRMaj act = new FMatrixRMaj(1, 1);
    private FMatrixRMaj stagesOut;
    private final FMatrixRMaj features = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj gPooled = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj gStem = new FMatrixRMaj(1, 1);

    /**
     * @param name prefix of the parameter names ({@code name.stem.w}, {@code name.stage0.unit0...}, {@code name.bn.gamma})
     * @param input the shape of one input example
     * @param filters channels of the first convolution and of the first stage
     * @param stages number of stages, each after the first doubling the channels and halving the size
     * @param units residual units per stage
     * @param preActivation the units' ordering (see {@link ResidualUnit})
     */
    public ResNetFeatureExtractor(String name, ImageShape input, int filters, int stages, int units,
                                  boolean preActivation, RandomGenerator rng) {
        if (stages < 1) {
            throw new IllegalArgumentException("ResNetFeatureExtractor " + name + ": " + stages + " stages");
        }
        this.input = input;
        this.pre = preActivation;
        stem = new Conv2D(name + ".stem", input, filters, 3, 1, 1, rng);
        this.stages = new ResNetStage[stages];
        ImageShape shape = stem.outShape();
        for (int i = 0; i < stages; i++) {
            this.stages[i] = new ResNetStage(name + ".stage" + i, shape, filters << i, units, i > 0, preActivation, rng);
            shape = this.stages[i].outShape();
        }
        last = shape;
        bn = new BatchNorm(name + ".bn", preActivation ? last : stem.outShape());
    }

    /**
     * The paper's per-agent MNIST extractor (Table I): 1 x 14 x 14 input, 14 filters, three stages
     * ("ResNet blocks") of two pre-activation units (14, 28, 56 channels), 56 features.
     */
    public static ResNetFeatureExtractor tableI(String name, RandomGenerator rng) {
        return new ResNetFeatureExtractor(name, new ImageShape(1, 14, 14), 14, 3, 2, true, rng);
    }

    /**
     * A reduced extractor for runs of minutes on a few cores: the same 1 x 14 x 14 input and three
     * stages as {@link #tableI}, with {@value #REDUCED_FILTERS} filters and
     * {@value #REDUCED_UNITS} residual unit per stage ({@value #REDUCED_FILTERS} x 4 features).
     */
    public static ResNetFeatureExtractor reduced(String name, RandomGenerator rng) {
        return new ResNetFeatureExtractor(name, new ImageShape(1, 14, 14), REDUCED_FILTERS, 3, REDUCED_UNITS, true, rng);
    }

    public ImageShape inShape() {
        return input;
    }

    /** The number of features per example: the channels of the last stage. */
    public int features() {
        return last.channels();
    }

    /** Multiply-adds of one example's forward pass (convolutions only). */
    public long macsPerExample() {
        long m = stem.macsPerExample();
        for (ResNetStage b : stages) {
            m += b.macsPerExample();
        }
        return m;
    }

    /**
     * Features (B x features()) of the images x (B x inShape().size(), not modified); batch norm
     * in training mode (batch statistics, running statistics updated) or inference mode.
     */
    public FMatrixRMaj forward(FMatrixRMaj x, boolean training) {
        input.check("ResNetFeatureExtractor input", x);
        this.x = x;
        int rows = x.numRows;
        stemOut.reshape(rows, stem.outShape().size());
        stem.forward(x, stemOut);
        FMatrixRMaj h = stemOut;
        if (!pre) {
            h = normaliseAndActivate(h, training);
        }
        for (ResNetStage b : stages) {
            h = b.forward(h, training);
        }
        stagesOut = h;
        if (pre) {
            h = normaliseAndActivate(h, training);
        }
        features.reshape(rows, last.channels());
        GlobalAveragePool.forward(last, h, features);
        return features;
    }

    private FMatrixRMaj normaliseAndActivate(FMatrixRMaj h, boolean training) {
        act.reshape(h.numRows, h.numCols);
        bn.forward(h, act, training);
        Activations.relu(act);
        return act;
    }

    /**
     * Back-propagates dL/dfeatures of the last forward pass into every parameter gradient
     * (overwriting them). gFeatures not modified. No input gradient: the input is data.
     */
    public void backward(FMatrixRMaj gFeatures) {
        Activations.sameShape("ResNetFeatureExtractor.backward", features, gFeatures);
        int rows = gFeatures.numRows;
        gPooled.reshape(rows, last.size());
        GlobalAveragePool.backward(last, gFeatures, gPooled);
        FMatrixRMaj g = gPooled;
        if (pre) {
            Activations.reluBackward(act, gPooled);
            bn.backward(stagesOut, gPooled, gPooled);
        }
        for (int i = stages.length - 1; i >= 0; i--) {
            g = stages[i].backward(g);
        }
        if (!pre) {
            gStem.reshape(rows, stemOut.numCols);
            Activations.copy(g, gStem);
            Activations.reluBackward(act, gStem);
            bn.backward(stemOut, gStem, gStem);
            g = gStem;
        }
        stem.backward(x, g, null);
    }

    @Override
    public List<Param> params() {
        List<Param> p = new ArrayList<>(stem.params());
        if (!pre) {
            p.addAll(bn.params());
        }
        Arrays.stream(stages).forEach(s -> p.addAll(s.params()));
        if (pre) {
            p.addAll(bn.params());
        }
        return p;
    }

    @Override
    public List<Param> buffers() {
        List<Param> p = new ArrayList<>();
        Arrays.stream(stages).forEach(s -> p.addAll(s.buffers()));
        p.addAll(bn.buffers());
        return p;
    }
}
