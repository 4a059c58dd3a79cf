package org.grmodelfree.semantic.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.LearnedSigma2;
import org.grmodelfree.comm.Rng;
import org.grmodelfree.nn.Adam;
import org.grmodelfree.nn.Param;
import org.grmodelfree.nn.SoftmaxCrossEntropy;
import org.grmodelfree.semantic.data.Dataset;

/**
 * Trains the semantic system (4 {@link Agent}s, one {@link SemanticReceiver}) on a training set by
 * one of the three {@link SemanticMethod}s, an epoch at a time, and evaluates it.
 *
 * <ul>
 * <li>model-aware: one network; noise layer ({@link Awgn}, SNR drawn per example) in the forward
 *     pass, the gradient flows through it into the transmitters; one Adam over everything.</li>
 * <li>perfect: the same with the noise layer removed.</li>
 * <li>rl: the steps of an epoch cycle through {@code rxSteps} receiver steps (supervised, the agents'
 *     outputs sent as they are) and {@code txSteps} transmitter steps: each agent's output is
 *     perturbed by the Gaussian policy, sent, the receiver's per-example cross-entropy l_i is fed
 *     back, and each agent follows mean_i(l_i - b) grad log pi(x_p,i | x_i) (b = 0, or the batch's
 *     mean loss with the baseline); nothing but the losses crosses from receiver to transmitters.
 *     With {@code mirrored} each image is sent twice, with w and -w (antithetic exploration), and
 *     the mean runs over both sends. Optionally s^2 is learned by the same estimator ({@code learnSigma2}).
 *     {@link #fineTuneEpoch()} runs receiver steps only.</li>
 * </ul>
 *
 * <p>Every random draw comes from an {@link Rng} reseeded from (seed, step, stream), and each
 * epoch's order from (seed, epoch), so a run restored at an epoch boundary continues exactly.
 * Buffers are allocated here, once, for the configured batch: a step allocates nothing.
 */
public final class SemanticTrainer {
    /** Mean losses of one epoch (NaN where the epoch took no such step) and s^2 at its end. */
    public record EpochStats(int epoch, double rxLoss, double txLoss, double sigma2, int steps) {
    }

    /** Accuracy and mean cross-entropy on a test set at one SNR (+infinity: no noise). */
    public record Accuracy(double snrDb, double accuracy, double loss, int images) {
    }

    private final SemanticConfig c;
    private final Dataset train;
    private final Agent[] agents;
    private final SemanticReceiver rx;
    private final List<Adam> optimisers = new ArrayList<>();
    private final Adam joint;
    private final AgentLearner[] learners;
    private final SemanticReceiverLearner rxLearner;
    /** rl: the policy's log s^2 (learned with learnSigma2), else null. */
    private final LearnedSigma2 learnedSigma2;
    private double sigma2;
    private final Rng rng = new Rng(0);
    private final Rng evalRng = new Rng(0);
    private final QuadrantBatch batch;
    private final int[] order;
    private final FMatrixRMaj[] gx;
    private final FMatrixRMaj stacked;
    private final FMatrixRMaj gStacked;
    private final FMatrixRMaj probs;
    private final FMatrixRMaj gLogits;
    private final float[] losses;
    private final float[] weights;
    private final int[] decisions;
    /** The labels of what a transmitter-phase batch sends (each image's label once per send). */
    private final int[] sentLabels;
    private int epoch;
    private long step;

    /** A fresh system for c, trained on train (whose images must cut into 14 x 14 quadrants). */
    public SemanticTrainer(SemanticConfig c, Dataset train) {
        this.c = c;
        this.train = train;
        int a = SemanticConfig.AGENTS;
        Rng init = new Rng(c.seed() * 31 + 7);
        agents = new Agent[a];
        for (int k = 0; k < a; k++) {
            agents[k] = new Agent("agent" + k, c.reduced(), c.channelUses(), init);
        }
        QuadrantBatch.checkShape(train, agents[0].inputSize());
        if (train.size() < c.batch()) {
            throw new IllegalArgumentException(train.name() + ": " + train.size() + " images, fewer than one batch of "
                    + c.batch());
        }
        if (train.numClasses() != SemanticConfig.CLASSES) {
            throw new IllegalArgumentException(train.name() + ": " + train.numClasses() + " classes, the receiver has "
                    + SemanticConfig.CLASSES);
        }
        rx = new SemanticReceiver(a, c.channelUses(), c.rxWidth(), SemanticConfig.CLASSES, init);
        Set<Param> kernels = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Param> txParams = new ArrayList<>();
        for (Agent ag : agents) {
            kernels.addAll(ag.kernels());
            txParams.addAll(ag.params());
        }
        sigma2 = c.sigma2();
        if (c.method() == SemanticMethod.RL) {
            rxLearner = new SemanticReceiverLearner(rx, c);
            learners = new AgentLearner[a];
            optimisers.add(rxLearner.optimiser());
            for (int k = 0; k < a; k++) {
                learners[k] = new AgentLearner(agents[k], c);
                optimisers.add(learners[k].optimiser());
            }
            joint = null;
            learnedSigma2 = new LearnedSigma2(c.sigma2());
            if (c.learnSigma2()) {
                optimisers.add(learnedSigma2.optimiser());
            }
        } else {
            List<Param> all = new ArrayList<>(txParams);
            all.addAll(rx.params());
            joint = new Adam(all).weightDecay(c.weightDecay(), kernels::contains);
            optimisers.add(joint);
            rxLearner = null;
            learners = null;
            learnedSigma2 = null;
        }
        int b = c.batch();
        batch = new QuadrantBatch(a, b, agents[0].inputSize());
        order = new int[train.size()];
        gx = new FMatrixRMaj[a];
        for (int k = 0; k < a; k++) {
            gx[k] = new FMatrixRMaj(b, c.channelUses());
        }
        int sends = c.sendsPerImage() * b;
        stacked = new FMatrixRMaj(a * sends, c.channelUses());
        gStacked = new FMatrixRMaj(a * b, c.channelUses());
        probs = new FMatrixRMaj(b, SemanticConfig.CLASSES);
        gLogits = new FMatrixRMaj(b, SemanticConfig.CLASSES);
        losses = new float[sends];
        weights = new float[sends];
        decisions = new int[b];
        sentLabels = new int[sends];
    }

    public SemanticConfig config() {
        return c;
    }

    /** The agents, in quadrant order (live). */
    public Agent[] agents() {
        return agents;
    }

    public SemanticReceiver receiver() {
        return rx;
    }

    /** Epochs completed (fine-tuning epochs included). */
    public int epochsDone() {
        return epoch;
    }

    /** Images of the training set. */
    public int trainImages() {
        return train.size();
    }

    /** Steps taken. */
    public long step() {
        return step;
    }

    /** Restores the counters of a checkpoint. */
    public void position(int epoch, long step) {
        this.epoch = epoch;
        this.step = step;
        if (learnedSigma2 != null) {
            setSigma2(learnedSigma2.sigma2());
        }
    }

    private void setSigma2(double s2) {
        sigma2 = s2;
        for (AgentLearner l : learners) {
            l.sampler().setSigma2(s2);
        }
    }

    /** The current exploration variance s^2 (rl; the configured one otherwise). */
    public double sigma2() {
        return sigma2;
    }

    /** Every trained tensor: the agents', the receiver's and (rl) the policy's log s^2. */
    public List<Param> params() {
        List<Param> p = new ArrayList<>();
        for (Agent a : agents) {
            p.addAll(a.params());
        }
        p.addAll(rx.params());
        if (learnedSigma2 != null) {
            p.add(learnedSigma2.param());
        }
        return p;
    }

    /** The batch-norm running statistics of all agents. */
    public List<Param> buffers() {
        List<Param> p = new ArrayList<>();
        for (Agent a : agents) {
            p.addAll(a.buffers());
        }
        return p;
    }

    /** The optimisers, in a fixed order (joint; or receiver, agent 0..3[, s^2]). */
    public List<Adam> optimisers() {
        return Collections.unmodifiableList(optimisers);
    }

    /** One pass over the training images (the last partial batch is left out). */
    public EpochStats trainEpoch() {
        return pass(false);
    }

    /** One pass of receiver-only steps (rl fine-tuning; for the other methods an ordinary epoch). */
    public EpochStats fineTuneEpoch() {
        return pass(true);
    }

    private EpochStats pass(boolean receiverOnly) {
        shuffle(epoch);
        int b = c.batch();
        int batches = train.size() / b;
        double rxSum = 0;
        double txSum = 0;
        int rxN = 0;
        int txN = 0;
        for (int i = 0; i < batches; i++) {
            batch.fill(train, order, i * b, b);
            if (c.method() != SemanticMethod.RL) {
                rxSum += jointStep();
                rxN++;
            } else if (receiverOnly || receiverPhase(c, step)) {
                rxSum += receiverStep();
                rxN++;
            } else {
                txSum += transmitterStep();
                txN++;
            }
            step++;
        }
        epoch++;
        return new EpochStats(epoch, rxN == 0 ? Double.NaN : rxSum / rxN, txN == 0 ? Double.NaN : txSum / txN,
                sigma2, rxN + txN);
    }

    private void shuffle(int e) {
        order(order, c.seed(), e, rng);
    }

    /**
     * The order of the training images in epoch e: a permutation of 0..order.length-1 drawn from
     * (seed, e), so every process of a distributed run (each agent and the receiver) sees the same
     * images in the same batches. order modified; rng reseeded.
     */
    public static void order(int[] order, long seed, int e, Rng rng) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        rng.reseed(seed, e, 99);
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** rl: whether step (counted over the whole run) of a training epoch is a receiver step. */
    public static boolean receiverPhase(SemanticConfig c, long step) {
        return step % (c.rxSteps() + c.txSteps()) < c.rxSteps();
    }

    /**
     * Agents forward (training mode) and their outputs (rl: through the learners, perturbed when
     * exploring, each image {@code sends} times) sent through the channel into the stack.
     */
    private void sendAll(boolean noise, boolean explore) {
        int rows = (explore ? c.sendsPerImage() : 1) * batch.size();
        stacked.reshape(agents.length * rows, c.channelUses());
        double lo = noise ? c.snrLowDb() : Double.POSITIVE_INFINITY;
        for (int k = 0; k < agents.length; k++) {
            FMatrixRMaj sent = learners != null ? learners[k].send(batch.quadrant(k), explore, rng)
                    : agents[k].forward(batch.quadrant(k), true);
            Awgn.transmit(sent, stacked, k * rows, lo, c.snrHighDb(), rng);
        }
    }

    private double loss() {
        FMatrixRMaj logits = rx.forward(stacked);
        probs.reshape(logits.numRows, logits.numCols);
        return SoftmaxCrossEntropy.forward(logits, batch.labels(), probs, losses);
    }

    /** Model-aware or perfect: one step through the whole network. Returns the batch's mean loss. */
    private double jointStep() {
        rng.reseed(c.seed(), step, 1);
        sendAll(c.method() == SemanticMethod.MODEL_AWARE, false);
        double l = loss();
        int b = batch.size();
        gLogits.reshape(b, SemanticConfig.CLASSES);
        SoftmaxCrossEntropy.backward(probs, batch.labels(), 1f / b, gLogits);
        rx.backward(gLogits, gStacked);
        for (int k = 0; k < agents.length; k++) {
            gx[k].reshape(b, c.channelUses());
            System.arraycopy(gStacked.data, k * b * c.channelUses(), gx[k].data, 0, b * c.channelUses());
            agents[k].backward(gx[k]);
        }
        joint.step(c.lr());
        return l;
    }

    /** rl: a supervised receiver step on the agents' unperturbed outputs. */
    private double receiverStep() {
        rng.reseed(c.seed(), step, 2);
        sendAll(true, false);
        return rxLearner.step(stacked, batch.labels(), losses, c.lr());
    }

    /** rl: a policy-gradient step of every agent from the fed-back per-example losses. */
    private double transmitterStep() {
        rng.reseed(c.seed(), step, 3);
        sendAll(true, true);
        int b = batch.size();
        int sends = c.sendsPerImage() * b;
        for (int copy = 0; copy < c.sendsPerImage(); copy++) {
            System.arraycopy(batch.labels(), 0, sentLabels, copy * b, b);
        }
        double mean = rxLearner.losses(stacked, sentLabels, losses);
        float base = c.baseline() ? (float) mean : 0f;
        for (int i = 0; i < sends; i++) {
            weights[i] = losses[i] - base;
        }
        double gSigma = 0;
        for (AgentLearner l : learners) {
            if (c.learnSigma2()) {
                gSigma += l.sigma2Score(weights);
            }
            l.learn(weights, c.lr());
        }
        if (c.learnSigma2()) {
            learnedSigma2.gradient(gSigma, sends, sigma2); // the estimator's mean over the batch
            learnedSigma2.step(c.lr());
            setSigma2(learnedSigma2.sigma2());
        }
        return mean;
    }

    /**
     * Accuracy on test (inference mode, unperturbed outputs) with the SNR fixed at snrDb
     * (+infinity: no noise), or drawn per example from [snrDb, snrHighDb] when snrHighDb is
     * larger. The draws come from seed, so repeated calls see the same noise.
     */
    public Accuracy evaluate(Dataset test, double snrDb, double snrHighDb, long seed) {
        QuadrantBatch.checkShape(test, agents[0].inputSize());
        int b = c.batch();
        int n = test.size();
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        evalRng.reseed(seed);
        int errors = 0;
        double lossSum = 0;
        for (int from = 0; from < n; from += b) {
            int count = Math.min(b, n - from);
            batch.fill(test, all, from, count);
            stacked.reshape(agents.length * count, c.channelUses());
            for (int k = 0; k < agents.length; k++) {
                FMatrixRMaj out = agents[k].forward(batch.quadrant(k), false);
                Awgn.transmit(out, stacked, k * count, snrDb, Math.max(snrDb, snrHighDb), evalRng);
            }
            FMatrixRMaj logits = rx.forward(stacked);
            probs.reshape(logits.numRows, logits.numCols);
            lossSum += count * SoftmaxCrossEntropy.forward(logits, batch.labels(), probs, losses);
            errors += SoftmaxCrossEntropy.argmax(logits, batch.labels(), decisions);
        }
        return new Accuracy(snrDb, 1 - (double) errors / n, lossSum / n, n);
    }

    /** {@link #evaluate(Dataset, double, double, long)} at a fixed SNR. */
    public Accuracy evaluate(Dataset test, double snrDb, long seed) {
        return evaluate(test, snrDb, snrDb, seed);
    }
}
