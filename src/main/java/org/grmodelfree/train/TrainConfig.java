package org.grmodelfree.train;

import org.grmodelfree.comm.ChannelKind;

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
 * @param fineTuneSteps receiver-only steps after the last iteration (batch batchRx, final rate)
 * @param seed seed of everything random
 * @param evalEvery iterations between BLER estimates (0 = never)
 * @param evalMessages messages per BLER estimate
 * @param patience stop after this many estimates without improvement (0 = never)
 */
public record TrainConfig(
        ChannelKind channel, double snrDb, Method method,
        int messages, int symbols, int txHidden, int rxHidden,
        int iterations, int batchRx, int batchTx, int rxSteps, int txSteps,
        double lrRx, double lrTx, double lrFinalFactor,
        double sigma2, double sigma2Final, Baseline baseline, int fineTuneSteps,
        long seed, int evalEvery, int evalMessages, int patience) {

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
        require(channel != null && method != null && baseline != null, "channel, method and baseline are required");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The defaults of {@code ./modelfree train}: tuned to finish in about two minutes here (README). */
    public static TrainConfig defaults(ChannelKind channel) {
        double snr = channel == ChannelKind.AWGN ? 10 : 20;
        return new TrainConfig(channel, snr, Method.ALTERNATING, 256, 4, 256, 256,
                4000, 1000, 1000, 1, 1, 1e-3, 1e-3, 0.05, 0.02, 0.02, Baseline.MEAN, 0,
                1, 100, 20_000, 0);
    }

    /** The paper's plain recipe: Adam 1e-3 fixed, B = 1000, s^2 = 0.02, one step per phase, no baseline. */
    public static TrainConfig paper(ChannelKind channel, Method method, int iterations, long seed) {
        double snr = channel == ChannelKind.AWGN ? 10 : 20;
        return new TrainConfig(channel, snr, method, 256, 4, 256, 256,
                iterations, 1000, 1000, 1, 1, 1e-3, 1e-3, 1.0, 0.02, 0.02, Baseline.NONE, 0,
                seed, 10, 10_000, 0);
    }

    /** Learning-rate multiplier at an iteration: cosine from 1 to lrFinalFactor. */
    public double lrScale(int iteration) {
        if (lrFinalFactor >= 1 || iterations <= 1) {
            return 1;
        }
        double t = Math.min(1.0, (double) iteration / (iterations - 1));
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
        return new TrainConfig(channel, snrDb, method, messages, symbols, txHidden, rxHidden, n, batchRx, batchTx,
                rxSteps, txSteps, lrRx, lrTx, lrFinalFactor, sigma2, sigma2Final, baseline, fineTuneSteps, seed,
                evalEvery, evalMessages, patience);
    }

    public TrainConfig withSnrDb(double snr) {
        return new TrainConfig(channel, snr, method, messages, symbols, txHidden, rxHidden, iterations, batchRx,
                batchTx, rxSteps, txSteps, lrRx, lrTx, lrFinalFactor, sigma2, sigma2Final, baseline, fineTuneSteps,
                seed, evalEvery, evalMessages, patience);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(channel, snrDb, method, messages, symbols, txHidden, rxHidden, iterations, batchRx,
                batchTx, rxSteps, txSteps, lrRx, lrTx, lrFinalFactor, sigma2, sigma2Final, baseline, fineTuneSteps,
                s, evalEvery, evalMessages, patience);
    }
}
