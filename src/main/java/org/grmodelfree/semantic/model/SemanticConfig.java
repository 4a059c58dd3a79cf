package org.grmodelfree.semantic.model;

/**
 * Everything that defines a semantic training run (docs/design.md, "Semantic communication").
 *
 * @param dataset "mnist" or "fashion" (recorded; the caller loads the images)
 * @param method how the system is trained
 * @param reduced the reduced feature extractor ({@link org.grmodelfree.nn.ResNetFeatureExtractor#reduced})
 *                instead of Table I's
 * @param trainImages training images used (0: all the caller supplies)
 * @param testImages test images used (0: all)
 * @param channelUses N_Tx, real channel uses per agent (even: sent as N_Tx / 2 complex symbols)
 * @param rxWidth N_w, width of the receiver's shared dense layer
 * @param batch examples per step
 * @param lr Adam learning rate of every optimiser
 * @param weightDecay coupled L2 decay on the extractors' convolution kernels ({@code 2 lambda} for
 *                    Keras's {@code l2(lambda)}, see {@link org.grmodelfree.nn.Adam})
 * @param snrLowDb lowest training SNR, dB (drawn uniformly per example and agent)
 * @param snrHighDb highest training SNR, dB
 * @param sigma2 exploration variance s^2 of the Gaussian policy (rl), initial value when learned
 * @param learnSigma2 learn s^2 by the policy gradient as well (rl)
 * @param baseline subtract the batch's mean loss from the fed-back losses (rl)
 * @param mirrored antithetic exploration (rl): a transmitter-phase batch sends every image twice,
 *                 with the policy noise w and with -w, so the policy gradient sees the difference of
 *                 the two losses and not each image's own loss level
 * @param rxSteps receiver steps per alternation (rl)
 * @param txSteps transmitter steps per alternation (rl)
 * @param epochs passes over the training images
 * @param fineTuneEpochs receiver-only epochs at the end (rl)
 * @param seed seed of everything random
 */
public record SemanticConfig(String dataset, SemanticMethod method, boolean reduced, int trainImages, int testImages,
                             int channelUses, int rxWidth, int batch, double lr, double weightDecay, double snrLowDb,
                             double snrHighDb, double sigma2, boolean learnSigma2, boolean baseline, boolean mirrored,
                             int rxSteps, int txSteps, int epochs, int fineTuneEpochs, long seed) {

    /** Agents (quadrants). */
    public static final int AGENTS = 4;
    /** Classes of both data sets. */
    public static final int CLASSES = 10;
    /** Training images of the reduced configuration. */
    public static final int REDUCED_TRAIN = 8000;
    /** Test images of the reduced configuration. */
    public static final int REDUCED_TEST = 2000;
    /** Default epochs: reduced model-aware/perfect, reduced rl (docs/results.md), full, full rl. */
    public static final int REDUCED_EPOCHS = 15;
    public static final int REDUCED_RL_EPOCHS = 150;
    public static final int FULL_EPOCHS = 40;
    public static final int FULL_RL_EPOCHS = 400;

    public SemanticConfig {
        if (!dataset.equals("mnist") && !dataset.equals("fashion")) {
            throw new IllegalArgumentException("dataset must be mnist or fashion, not '" + dataset + "'");
        }
        require(trainImages >= 0 && testImages >= 0, "image counts must not be negative");
        require(channelUses >= 2 && channelUses % 2 == 0, "channel uses N_Tx must be even and >= 2, got " + channelUses);
        require(rxWidth >= 1, "receiver width must be positive, got " + rxWidth);
        require(batch >= 2, "batch must be at least 2, got " + batch);
        require(lr > 0 && Double.isFinite(lr), "learning rate must be positive, got " + lr);
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "weight decay must be >= 0, got " + weightDecay);
        require(Double.isFinite(snrLowDb) && Double.isFinite(snrHighDb) && snrLowDb <= snrHighDb,
                "SNR range must be finite with low <= high, got " + snrLowDb + ".." + snrHighDb);
        require(sigma2 > 0 && sigma2 < 1, "exploration variance s^2 must lie in (0, 1), got " + sigma2);
        require(rxSteps >= 1 && txSteps >= 1, "receiver and transmitter steps must be positive");
        require(epochs >= 0 && fineTuneEpochs >= 0, "epochs must not be negative");
    }

    /** Times a transmitter-phase batch sends each image: 2 when mirrored, else 1. */
    public int sendsPerImage() {
        return mirrored ? 2 : 1;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * The defaults of {@code ./modelfree semantic train}: the paper's settings ({@link #paper}) with, for
     * {@code rl}, the recipe that reaches model-aware's accuracy (docs/semantic.md): the batch-mean loss
     * baseline and mirrored (antithetic) exploration. The other methods send nothing through a policy, so
     * both stay off for them.
     */
    public static SemanticConfig defaults(String dataset, SemanticMethod method, boolean reduced) {
        boolean rl = method == SemanticMethod.RL;
        return recipe(dataset, method, reduced, rl, rl);
    }

    /**
     * The paper's settings (docs/design.md, "Semantic communication"): N_Tx = 14, N_w = 56, batch 500, Adam 1e-3, l2(1e-4)
     * on the kernels, SNR -4..6 dB, s^2 = 0.15, 10 + 10 steps, no baseline, independent exploration. With {@code reduced}
     * the smaller extractor, batch 100 and the first {@value #REDUCED_TRAIN} training and
     * {@value #REDUCED_TEST} test images of the seeded split (see README).
     */
    public static SemanticConfig paper(String dataset, SemanticMethod method, boolean reduced) {
        return recipe(dataset, method, reduced, false, false);
    }

    private static SemanticConfig recipe(String dataset, SemanticMethod method, boolean reduced, boolean baseline,
                                         boolean mirrored) {
        boolean rl = method == SemanticMethod.RL;
        int epochs = reduced ? (rl ? REDUCED_RL_EPOCHS : REDUCED_EPOCHS) : (rl ? FULL_RL_EPOCHS : FULL_EPOCHS);
        return new SemanticConfig(dataset, method, reduced, reduced ? REDUCED_TRAIN : 0, reduced ? REDUCED_TEST : 0,
                14, 56, reduced ? 100 : 500, 1e-3, 2e-4, -4, 6, 0.15, false, baseline, mirrored, 10, 10, epochs,
                method == SemanticMethod.RL ? 1 : 0, 1);
    }

    public SemanticConfig withMethod(SemanticMethod m) {
        return new SemanticConfig(dataset, m, reduced, trainImages, testImages, channelUses, rxWidth, batch, lr,
                weightDecay, snrLowDb, snrHighDb, sigma2, learnSigma2, baseline, mirrored, rxSteps, txSteps, epochs,
                fineTuneEpochs, seed);
    }

    public SemanticConfig withEpochs(int e) {
        return new SemanticConfig(dataset, method, reduced, trainImages, testImages, channelUses, rxWidth, batch, lr,
                weightDecay, snrLowDb, snrHighDb, sigma2, learnSigma2, baseline, mirrored, rxSteps, txSteps, e,
                fineTuneEpochs, seed);
    }
}
