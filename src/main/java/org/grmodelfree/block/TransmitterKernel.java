package org.grmodelfree.block;

import java.util.Arrays;
import java.util.Map;
import org.grmodelfree.comm.FrameFormat;
import org.grmodelfree.comm.FrameWriter;
import org.grmodelfree.comm.Transmitter;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.Schedule;
import org.grmodelfree.train.TrainConfig;

/**
 * The work of a {@link TransmitterBlock} in one mode ({@link TransmitterTraining} or
 * {@link TransmitterStreaming}), with what both share: the batch frames it writes on 'out'
 * (lead-in first), and the id of the next batch.
 */
abstract class TransmitterKernel {
    final TrainConfig c;
    final Schedule schedule;
    private final FrameWriter writer;
    /** Frames of consecutive batches sent in one write (one message on the wire), at most. */
    final int framesPerWrite;
    final float[] frame;
    final float[] payload;
    /** Per-iteration mean fed-back losses (rx loss NaN); stays empty in stream mode. */
    final LearningCurve curve = new LearningCurve();
    long nextBatch;
    private boolean leadInWritten;
    private long framesSent;

    TransmitterKernel(TrainConfig c) {
        this.c = c;
        this.schedule = Schedule.of(c);
        FrameFormat f = BatchFraming.format(c);
        this.writer = new FrameWriter(f);
        this.framesPerWrite = BatchFraming.framesPerWrite(f, schedule.batchesPerIteration());
        this.frame = new float[2 * (f.leadIn() + Math.max(framesPerWrite, BatchFraming.END_FRAMES) * f.frameLength())];
        this.payload = new float[2 * f.payloadSymbols()];
    }

    /** The transmitter being trained or used. */
    abstract Transmitter transmitter();

    /** One work call (see {@link org.grmodelfree.block.Block#work}). */
    abstract Block.Status work(BlockIo io);

    abstract String waitingFor();

    abstract long wakeAt();

    abstract boolean idleMeansPeerLost();

    /** A run-time change of s^2 (NaN: none). */
    void sigma2(double value) {
    }

    /** A run-time change of freeze: no learning steps while true (stream mode: nothing to freeze). */
    void freeze(boolean frozen) {
    }

    void stop(BlockIo io) {
    }

    /** The mode's counters, after frames_sent and next_batch. */
    abstract void stats(Map<String, Object> m);

    /** Writes the frame of batchId on 'out'. */
    final void emit(BlockIo io, long batchId, float[] data) {
        io.write(TransmitterBlock.OUT, frame, 0, append(batchId, data, 0));
    }

    /** Writes the {@link BatchFraming#END_FRAMES} end frames (all-zero payloads) from id end on, in one write. */
    final void emitEnd(BlockIo io, long end) {
        Arrays.fill(payload, 0f);
        int o = 0;
        for (int i = 0; i < BatchFraming.END_FRAMES; i++) {
            o = append(end + i, payload, o);
        }
        io.write(TransmitterBlock.OUT, frame, 0, o);
    }

    /** Writes the frame of batchId at frame[o..] (after the stream's lead-in, first time); returns the new end. */
    final int append(long batchId, float[] data, int o) {
        if (!leadInWritten) {
            o += writer.writeLeadIn(frame, o);
            leadInWritten = true;
        }
        framesSent++;
        return o + writer.write(batchId, data, 0, frame, o);
    }

    final long framesSent() {
        return framesSent;
    }
}
