package org.grmodelfree.block;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.grmodelfree.nn.Adam;
import org.grmodelfree.nn.Param;
import org.grmodelfree.store.BlockCheckpointFile;
import org.grmodelfree.store.CheckpointJoin;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.Schedule;
import org.grmodelfree.train.TrainConfig;

/**
 * What the two learning blocks share about their checkpoints: the file and interval parameters,
 * resuming (weights, optimiser, learning curve, training time, next batch), the training clock
 * that continues across restarts, and atomic saves when due. With model_out, the schedule's end
 * also writes the link model: each block leaves its final checkpoint as its part beside the model
 * file (FILE.transmitter.ckpt, FILE.receiver.ckpt; its own part from an earlier run is deleted when
 * it starts), then joins both parts if the other is there. Each writes its part (an atomic rename)
 * before it looks for the other's, so whichever finishes last finds both; two that finish together
 * may both join, and write the same bytes, each by an atomic rename.
 */
final class Checkpointer {
    private final String block;
    private final Path file;
    /** The link model to write at the schedule's end, or null. */
    private final Path modelOut;
    private final long intervalNanos;
    private final TrainConfig c;
    private final List<Param> params;
    private final Adam optimiser;
    private final LearningCurve curve;
    private long started = Long.MIN_VALUE;
    private long lastSaved;
    private double previousSeconds;

    /**
     * From the block's checkpoint, checkpoint_seconds and model_out parameters (checkpoint or
     * model_out empty: none); curve is the block's, appended to.
     */
    Checkpointer(String block, String checkpoint, double checkpointSeconds, String modelOut, TrainConfig c,
                 List<Param> params, Adam optimiser, LearningCurve curve) {
        this.block = block;
        this.file = checkpoint.isEmpty() ? null : Path.of(checkpoint);
        this.modelOut = modelOut.isEmpty() ? null : Path.of(modelOut);
        this.intervalNanos = (long) (checkpointSeconds * 1e9);
        this.c = c;
        this.params = params;
        this.optimiser = optimiser;
        this.curve = curve;
    }

    /** The checkpoint file, or null when the block keeps none. */
    Path file() {
        return file;
    }

    /**
     * Restores the checkpoint if the file exists: parameters, optimiser, curve and training time.
     * Returns the next batch it recorded, 0 when there is nothing to resume.
     */
    long resume() {
        if (file == null || !Files.exists(file)) {
            return 0;
        }
        try {
            BlockCheckpointFile.Loaded l = BlockCheckpointFile.load(file);
            BlockCheckpointFile.restore(l, block, c, params, optimiser);
            previousSeconds = l.state().trainSeconds();
            for (LearningCurve.Point pt : l.state().history().points()) {
                curve.add(pt);
            }
            return l.nextBatch();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resume from " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts the clock at the block's first work call, and deletes this block's model_out part of
     * an earlier run (so that it never joins the other block's part of this one); returns true
     * only on that call.
     */
    boolean start(long now) {
        if (started != Long.MIN_VALUE) {
            return false;
        }
        started = now;
        lastSaved = now;
        if (modelOut != null) {
            try {
                Files.deleteIfExists(part(modelOut, block));
            } catch (IOException e) {
                throw new UncheckedIOException(block + ": cannot delete the old " + part(modelOut, block) + ": "
                        + e.getMessage(), e);
            }
        }
        return true;
    }

    /** Where a block leaves its part of the link model model: beside it, FILE.BLOCK.ckpt. */
    static Path part(Path model, String block) {
        return model.resolveSibling(model.getFileName() + "." + block + ".ckpt");
    }

    /**
     * At the schedule's end: the final checkpoint, and with model_out this block's part, then the
     * link model if the other block's part is there. Returns what happened for the block's log
     * (null without model_out).
     *
     * @throws IllegalStateException when the parts do not join (e.g. the blocks of two runs share the file)
     */
    String finish(long nextBatch, long now) {
        save(nextBatch, now, true);
        if (modelOut == null) {
            return null;
        }
        Path own = part(modelOut, block);
        String otherBlock = block.equals(CheckpointJoin.TRANSMITTER) ? CheckpointJoin.RECEIVER
                : CheckpointJoin.TRANSMITTER;
        Path other = part(modelOut, otherBlock);
        try {
            write(own, nextBatch, now);
            if (!Files.exists(other)) {
                return "model_out: part written to " + own + "; the " + otherBlock + " writes " + modelOut
                        + " when it finishes";
            }
            boolean tx = block.equals(CheckpointJoin.TRANSMITTER);
            CheckpointJoin.Joined j = CheckpointJoin.export(tx ? own : other, tx ? other : own, modelOut);
            return "model_out: wrote the link model " + modelOut + " (iteration " + j.trainer().iteration() + ")";
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(block + ": cannot write the link model " + modelOut + ": "
                    + e.getMessage(), e);
        }
    }

    /** Training seconds so far, including those before a restart. */
    double seconds(long now) {
        return previousSeconds + (now - started) / 1e9;
    }

    /** Saves atomically if forced or if the interval has passed since the last save. */
    void save(long nextBatch, long now, boolean force) {
        if (file == null || (!force && now - lastSaved < intervalNanos)) {
            return;
        }
        try {
            write(file, nextBatch, now);
        } catch (IOException e) {
            throw new UncheckedIOException(block + ": cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
        lastSaved = now;
    }

    private void write(Path to, long nextBatch, long now) throws IOException {
        long endOfRun = BatchFraming.endOfRun(c);
        BlockCheckpointFile.save(to, block, nextBatch, c, Schedule.of(c).slot(Math.min(nextBatch, endOfRun))
                .iteration(), seconds(now), params, optimiser, curve);
    }
}
