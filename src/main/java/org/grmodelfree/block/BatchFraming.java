package org.grmodelfree.block;

import org.grmodelfree.comm.FrameFormat;
import org.grmodelfree.comm.MessageSource;
import org.grmodelfree.train.Schedule;
import org.grmodelfree.train.TrainConfig;

/**
 * What the blocks of one link agree on about the sample stream: every batch travels in one frame
 * whose payload holds the larger of the two batch sizes times N symbols (a smaller batch is padded
 * with zeros); training batches are numbered by the {@link Schedule}, and the batch id one past the
 * last training batch marks the end of the run. Streaming (inference) batches carry messages drawn
 * from the shared seed at (batch id, {@link #STREAM_STREAM}), so the receiver can count errors.
 */
public final class BatchFraming {
    /** Random stream of streaming-mode messages, apart from the training streams. */
    static final int STREAM_STREAM = 3 << 20;

    private BatchFraming() {
    }

    /** Messages per frame: the larger batch. */
    static int frameMessages(TrainConfig c) {
        return Math.max(c.batchRx(), c.batchTx());
    }

    public static FrameFormat format(TrainConfig c) {
        return format(c.batchRx(), c.batchTx(), c.symbols());
    }

    /** The frame of a link with these batch sizes and N symbols per message. */
    static FrameFormat format(int batchRx, int batchTx, int symbols) {
        return FrameFormat.of(Math.max(batchRx, batchTx) * symbols);
    }

    /**
     * How many frames a block may write at once (one message on the wire): up to an iteration's
     * batches, as long as they stay within about 16384 samples; at least one.
     */
    static int framesPerWrite(FrameFormat f, int batchesPerIteration) {
        return Math.max(1, Math.min(batchesPerIteration, 16_384 / f.frameLength()));
    }

    /**
     * How many end-of-run frames end a run (ids end, end + 1, ...): a radio chain may lose a frame, and
     * a receiver that never sees the end would wait for it. The first that arrives ends the run.
     */
    static final int END_FRAMES = 3;

    /** The id of the end-of-run frame: one past the last training batch. */
    static long endOfRun(TrainConfig c) {
        return (long) c.iterations() * Schedule.of(c).batchesPerIteration();
    }

    /** Positions source at the messages of streaming batch batchId. */
    static void streamMessages(MessageSource source, long batchId) {
        source.position(batchId, STREAM_STREAM);
    }
}
