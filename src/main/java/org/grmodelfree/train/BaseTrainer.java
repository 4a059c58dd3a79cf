package org.grmodelfree.train;

/**
 * What both built-in-channel trainers share: the configuration, the iteration counter, the
 * random-stream layout of an iteration and receiver-only fine-tuning.
 */
abstract class BaseTrainer implements Trainer {
    /** Random-stream ids within an iteration: receiver steps from 0, transmitter steps from here. */
    static final int RX_STREAM = 0;
    static final int TX_STREAM = 1 << 20;
    /** Streams of the fine-tuning steps, after the last iteration. */
    static final int FINE_TUNE_STREAM = 2 * TX_STREAM;

    final TrainConfig c;
    private int iteration;

    BaseTrainer(TrainConfig c) {
        this.c = c;
    }

    /** One supervised receiver step on batch (it, stream) with learning rate lr; returns its mean loss. */
    abstract double receiverOnlyStep(long it, int stream, double lr);

    @Override
    public final TrainConfig config() {
        return c;
    }

    @Override
    public final double fineTuneReceiver(int steps) {
        double loss = Double.NaN;
        double lr = c.lrRx() * c.lrFinalFactor();
        for (int s = 0; s < steps; s++) {
            loss = receiverOnlyStep(c.iterations() + 1L, FINE_TUNE_STREAM + s, lr);
        }
        return loss;
    }

    @Override
    public final int iteration() {
        return iteration;
    }

    @Override
    public final void iteration(int done) {
        this.iteration = done;
    }

    /** Returns the current iteration and advances the counter. */
    final int advance() {
        return iteration++;
    }
}
