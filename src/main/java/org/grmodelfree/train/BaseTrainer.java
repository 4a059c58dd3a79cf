package org.grmodelfree.train;

import org.grmodelfree.comm.Channel;
import org.grmodelfree.comm.MessageSource;
import org.grmodelfree.comm.Rng;

/**
 * What both built-in-channel trainers share: the configuration, the channel, the shared-seed
 * message source and noise generator with their per-batch positioning, the iteration counter and
 * receiver-only fine-tuning.
 */
abstract class BaseTrainer implements Trainer {
    /** Random-stream ids within an iteration: receiver steps from 0, transmitter steps from here. */
    static final int RX_STREAM = 0;
    static final int TX_STREAM = 1 << 20;
    /** Streams of the fine-tuning steps, after the last iteration. */
    static final int FINE_TUNE_STREAM = 2 * TX_STREAM;

    final TrainConfig c;
    final Channel channel;
    /** Generator for everything random within a batch, reseeded by {@link #drawBatch}. */
    final Rng rng;
    private final MessageSource source;
    private int iteration;

    BaseTrainer(TrainConfig c) {
        this.c = c;
        this.channel = c.channel().at(c.snrDb());
        this.source = new MessageSource(c.messages(), c.seed());
        this.rng = new Rng(c.seed());
    }

    /**
     * Positions messages and noise at batch (it, stream) and fills msgs[0..count) with its
     * messages; afterwards {@link #rng} draws that batch's exploration and channel noise.
     */
    final void drawBatch(long it, int stream, int[] msgs, int count) {
        source.position(it, stream);
        source.next(msgs, count);
        rng.reseed(c.seed(), it, stream);
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
        for (int s = 0; s < steps; s++) {
            loss = receiverOnlyStep(c.iterations() + 1L, FINE_TUNE_STREAM + s, c.fineTuneLr(s, steps));
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
