package org.grmodelfree.train;

import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.comm.EnergyScope;

/**
 * Everything that defines a training run. Learning rates decay from their initial value to
 * {@code lrFinalFactor} times it along a cosine over the iterations; the exploration variance moves
 * geometrically from {@code sigma2} to {@code sigma2Final}. {@link #paper} is the plain recipe of
 * Aoudia and Hoydis (fixed rates and variance, one step per phase, no baseline).
 *
 * @param channel built-in channel kind
 * @param snrDb training SNR (Es / sigma^2) in dB
 * @param method alternating (model-free) or supervised (model-aware)
 * @param messages M
 * @param symbols N complex channel uses per message
 * @param txHidden transmitter embedding width
 * @param rxHidden receiver hidden width
 * @param iterations maximum number of iterations
 * @param batchRx receiver-phase batch (also the supervised batch)
 * @param batchTx transmitter-phase batch
 * @param rxSteps receiver steps per iteration
 * @param txSteps transmitter steps per iteration
 * @param lrRx initial receiver learning rate
 * @param lrTx initial transmitter learning rate
 * @param lrFinalFactor final over initial learning rate (1 = constant)
 * @param sigma2 initial exploration variance s^2
 * @param sigma2Final final exploration variance
 * @param baseline loss baseline for the policy gradient
 * @param fineTuneSteps receiver-only steps after the last iteration (batch batchRx, the receiver's rate
 *     restarted: {@link #fineTuneLr})
 * @param seed seed of everything random
 * @param evalEvery iterations between BLER estimates (0 = never)
 * @param evalMessages messages per BLER estimate
 * @param patience stop after this many estimates without improvement (0 = never)
 * @param energy over what the transmitter's training batches are normalised
 * @param feedbackBits the fed-back losses quantised to this many bits (0 = float32 as computed)
 * @param feedbackDrop probability that a transmitter batch's losses are lost (its step is skipped)
 * @param mirrored antithetic exploration: a transmitter batch is batchTx / 2 messages, each sent with
 *     the policy noise w and with -w (batchTx channel uses, as without)
 * @param rxRestart the receiver's rate restarts for this last fraction of the iterations: back to lrRx,
 *     then down the cosine again ({@link #rxLrScale}; 0 = one cosine over the run, as the transmitter's)
 * @param learnSigma2 learn the exploration variance with the policy, starting from sigma2 (alternating,
 *     embedded; {@link org.grmodelfree.comm.LearnedSigma2}), instead of following sigma2At
 */
public record TrainConfig(
        ChannelKind channel, double snrDb, Method method,
        int messages, int symbols, int txHidden, int rxHidden,
        int iterations, int batchRx, int batchTx, int rxSteps, int txSteps,
        double lrRx, double lrTx, double lrFinalFactor,
        double sigma2, double sigma2Final, Baseline baseline, int fineTuneSteps,
        long seed, int evalEvery, int evalMessages, int patience, EnergyScope energy,
        int feedbackBits, double feedbackDrop, boolean mirrored, double rxRestart,
        boolean learnSigma2) implements java.io.Serializable {

    public TrainConfig {
        require(messages >= 2, "messages M must be at least 2, got " + messages);
        require(symbols >= 1, "symbols N must be at least 1, got " + symbols);
        require(txHidden >= 1 && rxHidden >= 1, "hidden widths must be positive");
        require(iterations >= 0, "iterations must not be negative, got " + iterations);
        require(batchRx >= 1 && batchTx >= 1, "batch sizes must be positive, got " + batchRx + " and " + batchTx);
        require(rxSteps >= 1, "need at least one receiver step per iteration, got " + rxSteps);
        require(txSteps >= 0, "transmitter steps must not be negative, got " + txSteps);
        require(lrRx > 0 && lrTx > 0 && Double.isFinite(lrRx) && Double.isFinite(lrTx),
                "learning rates must be positive");
        require(lrFinalFactor > 0 && lrFinalFactor <= 1, "final learning-rate factor must lie in (0, 1], got "
                + lrFinalFactor);
        require(sigma2 > 0 && sigma2 < 1, "exploration variance s^2 must lie in (0, 1), got " + sigma2);
        require(sigma2Final > 0 && sigma2Final < 1, "final exploration variance must lie in (0, 1), got "
                + sigma2Final);
        require(Double.isFinite(snrDb), "SNR must be a number");
        require(fineTuneSteps >= 0, "fine-tune steps must not be negative, got " + fineTuneSteps);
        require(evalEvery >= 0, "evaluation interval must not be negative, got " + evalEvery);
        require(evalMessages >= 1, "evaluation messages must be at least 1, got " + evalMessages);
        require(patience >= 0, "patience must not be negative, got " + patience);
        require(feedbackBits >= 0 && feedbackBits <= org.grmodelfree.comm.LossQuantizer.MAX_BITS,
                "loss feedback bits must lie in 0.." + org.grmodelfree.comm.LossQuantizer.MAX_BITS + ", got "
                        + feedbackBits);
        require(feedbackDrop >= 0 && feedbackDrop <= 1, "loss feedback drop probability must lie in [0, 1], got "
                + feedbackDrop);
        require(method == Method.ALTERNATING || (feedbackBits == 0 && feedbackDrop == 0),
                "loss feedback quantisation and drops apply to the alternating method (supervised feeds back no losses)");
        require(!mirrored || (method == Method.ALTERNATING && batchTx % 2 == 0),
                "mirrored exploration needs the alternating method and an even transmitter batch (pairs of +w and"
                        + " -w), got " + method.id() + " and " + batchTx);
        require(!mirrored || baseline != Baseline.MESSAGE, "the per-message loss baseline and mirrored exploration do"
                + " not mix: the other copy of each message carries its noise with the sign flipped");
        require(rxRestart >= 0 && rxRestart < 1, "the receiver's rate restart is a fraction of the iterations in"
                + " [0, 1), got " + rxRestart);
        require(!learnSigma2 || method == Method.ALTERNATING, "a learned exploration variance needs the alternating"
                + " method (supervised training does not explore)");
        require(!learnSigma2 || sigma2Final == sigma2, "a learned exploration variance starts from s^2 and is not"
                + " annealed: leave the final exploration variance at s^2, got " + sigma2 + " and " + sigma2Final);
        require(channel != null && method != null && baseline != null && energy != null,
                "channel, method, baseline and energy normalisation are required");
        long batch = Math.max(batchRx, batchTx);
        requireMatrix(messages, "M = " + messages + " messages", txHidden, "transmitter hidden width " + txHidden);
        requireMatrix(rxHidden, "receiver hidden width " + rxHidden, messages, "M = " + messages + " messages");
        requireMatrix(rxHidden, "receiver hidden width " + rxHidden, rxHidden, "itself");
        requireMatrix(batch, "batch " + batch, messages, "M = " + messages + " messages");
        requireMatrix(batch, "batch " + batch, rxHidden, "receiver hidden width " + rxHidden);
        requireMatrix(batch, "batch " + batch, Math.max(txHidden, 2L * symbols), "width " + Math.max(txHidden,
                2L * symbols) + " (hidden, or 2N)");
    }

    /** A matrix of rows x columns must fit a Java array (EJML's, one float per entry). */
    private static void requireMatrix(long rows, String what, long columns, String against) {
        require(rows * columns <= Integer.MAX_VALUE, what + " with " + against + " make a " + rows + " x " + columns
                + " matrix, more than 2^31 - 1 values: make them smaller");
    }

    /**
     * About how many bytes the two networks and a training step at the larger batch need: the
     * weights with their gradients and Adam's two moments, and the activations and their gradients.
     * An estimate to refuse what cannot fit, not an account.
     */
    public long memoryEstimate() {
        long n2 = 2L * symbols;
        long params = (long) messages * txHidden + txHidden * n2 + n2 * rxHidden + (long) rxHidden * rxHidden
                + (long) rxHidden * messages;
        long batch = Math.max(batchRx, batchTx);
        long activations = batch * (n2 + txHidden + 2L * rxHidden + messages) + (long) messages * txHidden;
        return 4L * (4 * params + 4 * activations);
    }

    /** Refuses, naming the sizes, a link whose {@link #memoryEstimate()} exceeds maxBytes. */
    public void requireFits(long maxBytes) {
        long need = memoryEstimate();
        require(need <= maxBytes, String.format(java.util.Locale.ROOT, "this link needs about %.1f GB for its"
                + " networks and a training step (M = %d, N = %d, hidden %d and %d, batch %d), more than the %.1f GB"
                + " the JVM may use: make them smaller", need / 1e9, messages, symbols, txHidden, rxHidden,
                Math.max(batchRx, batchTx), maxBytes / 1e9));
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The defaults of {@code ./modelfree train}: tuned to finish in about two minutes here (README). */
    public static TrainConfig defaults(ChannelKind channel) {
        return new Builder(channel).build();
    }

    /** The paper's plain recipe: Adam 1e-3 fixed, B = 1000, s^2 = 0.02, one step per phase, no baseline. */
    public static TrainConfig paper(ChannelKind channel, Method method, int iterations, long seed) {
        return new Builder(channel).method(method).iterations(iterations).batch(1000).lrFinalFactor(1.0)
                .baseline(Baseline.NONE).rxRestart(0).seed(seed).evalEvery(10).evalMessages(10_000).build();
    }

    /** A builder starting from {@link #defaults} of the channel. */
    public static Builder builder(ChannelKind channel) {
        return new Builder(channel);
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Learning-rate multiplier at an iteration: cosine from 1 to lrFinalFactor. */
    public double lrScale(int iteration) {
        return cosine(iteration, iterations);
    }

    /**
     * Receiver learning rate of fine-tuning step {@code step} of {@code steps}: the receiver's rate
     * restarted and decayed again along the same cosine, from lrRx to lrRx * lrFinalFactor over the
     * fine-tuning (constant lrRx when lrFinalFactor is 1, as in the paper's recipe). The receiver
     * then settles on the final codebook, which it lags during training while the codebook moves.
     */
    public double fineTuneLr(int step, int steps) {
        return lrRx * cosine(step, steps);
    }

    /**
     * The receiver's learning-rate multiplier at an iteration: {@link #lrScale} without a restart;
     * with one, the same cosine from 1 to lrFinalFactor over the iterations before the last
     * fraction rxRestart of them (rounded), then again over those last ones. The receiver, which
     * lags the codebook while it moves, then settles on the nearly final codebook with a fresh
     * rate, at no extra cost.
     */
    public double rxLrScale(int iteration) {
        if (rxRestart == 0) {
            return lrScale(iteration);
        }
        int start = iterations - (int) Math.round(rxRestart * iterations);
        return iteration < start ? cosine(iteration, start) : cosine(iteration - start, iterations - start);
    }

    /** Step {@code step} of a cosine from 1 to lrFinalFactor over {@code span} steps (1 when constant). */
    private double cosine(int step, int span) {
        if (lrFinalFactor >= 1 || span <= 1) {
            return 1;
        }
        double t = Math.min(1.0, (double) step / (span - 1));
        return lrFinalFactor + (1 - lrFinalFactor) * 0.5 * (1 + Math.cos(Math.PI * t));
    }

    /** Exploration variance at an iteration: geometric from sigma2 to sigma2Final. */
    public double sigma2At(int iteration) {
        if (sigma2Final == sigma2 || iterations <= 1) {
            return sigma2;
        }
        double t = Math.min(1.0, (double) iteration / (iterations - 1));
        return sigma2 * Math.pow(sigma2Final / sigma2, t);
    }

    public TrainConfig withIterations(int n) {
        return toBuilder().iterations(n).build();
    }

    public TrainConfig withSnrDb(double snr) {
        return toBuilder().snrDb(snr).build();
    }

    public TrainConfig withSeed(long s) {
        return toBuilder().seed(s).build();
    }

    /**
     * Named construction of a configuration: starts from {@link #defaults} of a channel (or from a
     * configuration, {@link #toBuilder}), each setter replaces one component, and {@link #build}
     * checks them all as the constructor does.
     */
    public static final class Builder {
        private ChannelKind channel;
        private double snrDb;
        private Method method = Method.ALTERNATING;
        private int messages = 256;
        private int symbols = 4;
        private int txHidden = 256;
        private int rxHidden = 256;
        private int iterations = 8000;
        private int batchRx = 1000;
        private int batchTx = 2000;
        private int rxSteps = 1;
        private int txSteps = 1;
        private double lrRx = 1e-3;
        private double lrTx = 1e-3;
        private double lrFinalFactor = 0.05;
        private double sigma2 = 0.02;
        private double sigma2Final = 0.02;
        private Baseline baseline = Baseline.MEAN;
        private int fineTuneSteps = 0;
        private long seed = 1;
        private int evalEvery = 100;
        private int evalMessages = 20_000;
        private int patience = 0;
        private EnergyScope energy = EnergyScope.CODEBOOK;
        private int feedbackBits = 0;
        private double feedbackDrop = 0;
        private boolean mirrored = false;
        private double rxRestart = 0;
        private boolean learnSigma2 = false;

        /** The defaults of {@code ./modelfree train} on a channel (10 dB on AWGN, 20 dB on RBF). */
        private Builder(ChannelKind channel) {
            this.channel = channel;
            this.snrDb = channel == ChannelKind.AWGN ? 10 : 20;
        }

        private Builder(TrainConfig c) {
            channel = c.channel;
            snrDb = c.snrDb;
            method = c.method;
            messages = c.messages;
            symbols = c.symbols;
            txHidden = c.txHidden;
            rxHidden = c.rxHidden;
            iterations = c.iterations;
            batchRx = c.batchRx;
            batchTx = c.batchTx;
            rxSteps = c.rxSteps;
            txSteps = c.txSteps;
            lrRx = c.lrRx;
            lrTx = c.lrTx;
            lrFinalFactor = c.lrFinalFactor;
            sigma2 = c.sigma2;
            sigma2Final = c.sigma2Final;
            baseline = c.baseline;
            fineTuneSteps = c.fineTuneSteps;
            seed = c.seed;
            evalEvery = c.evalEvery;
            evalMessages = c.evalMessages;
            patience = c.patience;
            energy = c.energy;
            feedbackBits = c.feedbackBits;
            feedbackDrop = c.feedbackDrop;
            mirrored = c.mirrored;
            rxRestart = c.rxRestart;
            learnSigma2 = c.learnSigma2;
        }

        public Builder channel(ChannelKind v) {
            channel = v;
            return this;
        }

        public Builder snrDb(double v) {
            snrDb = v;
            return this;
        }

        public Builder method(Method v) {
            method = v;
            return this;
        }

        public Builder messages(int v) {
            messages = v;
            return this;
        }

        public Builder symbols(int v) {
            symbols = v;
            return this;
        }

        public Builder txHidden(int v) {
            txHidden = v;
            return this;
        }

        public Builder rxHidden(int v) {
            rxHidden = v;
            return this;
        }

        /** Both hidden widths. */
        public Builder hidden(int v) {
            txHidden = v;
            rxHidden = v;
            return this;
        }

        public Builder iterations(int v) {
            iterations = v;
            return this;
        }

        public Builder batchRx(int v) {
            batchRx = v;
            return this;
        }

        public Builder batchTx(int v) {
            batchTx = v;
            return this;
        }

        /** Both phases' batch. */
        public Builder batch(int v) {
            batchRx = v;
            batchTx = v;
            return this;
        }

        public Builder rxSteps(int v) {
            rxSteps = v;
            return this;
        }

        public Builder txSteps(int v) {
            txSteps = v;
            return this;
        }

        public Builder lrRx(double v) {
            lrRx = v;
            return this;
        }

        public Builder lrTx(double v) {
            lrTx = v;
            return this;
        }

        public Builder lrFinalFactor(double v) {
            lrFinalFactor = v;
            return this;
        }

        public Builder sigma2(double v) {
            sigma2 = v;
            return this;
        }

        public Builder sigma2Final(double v) {
            sigma2Final = v;
            return this;
        }

        public Builder baseline(Baseline v) {
            baseline = v;
            return this;
        }

        public Builder fineTuneSteps(int v) {
            fineTuneSteps = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder evalEvery(int v) {
            evalEvery = v;
            return this;
        }

        public Builder evalMessages(int v) {
            evalMessages = v;
            return this;
        }

        public Builder patience(int v) {
            patience = v;
            return this;
        }

        public Builder energy(EnergyScope v) {
            energy = v;
            return this;
        }

        public Builder feedbackBits(int v) {
            feedbackBits = v;
            return this;
        }

        public Builder feedbackDrop(double v) {
            feedbackDrop = v;
            return this;
        }

        public Builder mirrored(boolean v) {
            mirrored = v;
            return this;
        }

        public Builder rxRestart(double v) {
            rxRestart = v;
            return this;
        }

        public Builder learnSigma2(boolean v) {
            learnSigma2 = v;
            return this;
        }

        public TrainConfig build() {
            return new TrainConfig(channel, snrDb, method, messages, symbols, txHidden, rxHidden, iterations, batchRx,
                    batchTx, rxSteps, txSteps, lrRx, lrTx, lrFinalFactor, sigma2, sigma2Final, baseline,
                    fineTuneSteps, seed, evalEvery, evalMessages, patience, energy, feedbackBits, feedbackDrop,
                    mirrored, rxRestart, learnSigma2);
        }
    }
}
