package org.grmodelfree.block;

import java.util.Map;
import org.grmodelfree.comm.FrameFormat;
import org.grmodelfree.comm.FrameSync;
import org.grmodelfree.comm.Receiver;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.TrainConfig;

/**
 * The work of a {@link ReceiverBlock} in one mode ({@link ReceiverTraining} or
 * {@link ReceiverStreaming}), with what both share: finding the batch frames in the samples on
 * 'in' and the counters of that.
 */
abstract class ReceiverKernel {
    final TrainConfig c;
    final FrameSync sync;
    private final float[] in;
    final float[] payload;
    /** Per-iteration mean receiver-phase losses (tx loss NaN); stays empty in stream mode. */
    final LearningCurve curve = new LearningCurve();
    /** Set when the run is over (the end-of-run frame, or the frame limit). */
    boolean done;
    private long framesDecoded;
    private long samplesIn;

    ReceiverKernel(TrainConfig c) {
        this.c = c;
        FrameFormat f = BatchFraming.format(c);
        this.sync = new FrameSync(f);
        this.in = new float[2 * 8192];
        this.payload = new float[2 * f.payloadSymbols()];
    }

    abstract Receiver receiver();

    /** The id of the next batch expected (0 in stream mode). */
    abstract long nextBatch();

    /** Before the samples are read, on every work call that is not after the end. */
    void beforeRead(BlockIo io, long now) {
    }

    /** Takes the frame of batch id, now in payload. */
    abstract void onFrame(BlockIo io, long id, long now);

    /** After the frames of a work call. */
    void afterFrames(BlockIo io) {
    }

    /** The log line of the end of the run. */
    abstract String summary();

    /** See {@link Block#work}: reads the samples that have arrived and takes every whole frame in them. */
    final Block.Status work(BlockIo io) {
        if (done) {
            return Block.Status.DONE;
        }
        long now = io.nanoTime();
        beforeRead(io, now);
        int n = io.read(ReceiverBlock.IN, in, 0, in.length / 2);
        if (n == 0) {
            return Block.Status.IDLE;
        }
        samplesIn += n;
        sync.push(in, 0, n);
        while (!done && sync.next(payload)) {
            framesDecoded++;
            onFrame(io, sync.batchId(), now);
        }
        afterFrames(io);
        if (done) {
            io.log(summary());
            return Block.Status.DONE;
        }
        return Block.Status.WORKED;
    }

    long framesDecoded() {
        return framesDecoded;
    }

    /** A run-time change of freeze: no learning steps while true (stream mode: nothing to freeze). */
    void freeze(boolean frozen) {
    }

    void stop(BlockIo io) {
    }

    abstract boolean idleMeansPeerLost();

    abstract String waitingFor();

    /** All counters, the mode's after the shared ones. */
    final void stats(Map<String, Object> m) {
        m.put("samples_in", samplesIn);
        m.put("frames_decoded", framesDecoded);
        m.put("frame_header_errors", sync.headerErrors());
        m.put("partial_frames", sync.partialFrames());
        m.put("missed_frames", sync.missedFrames());
        modeStats(m);
    }

    abstract void modeStats(Map<String, Object> m);
}
