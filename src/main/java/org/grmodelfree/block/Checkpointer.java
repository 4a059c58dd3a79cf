package org.grmodelfree.block;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.grmodelfree.nn.Adam;
import org.grmodelfree.nn.Param;
import org.grmodelfree.store.BlockCheckpointFile;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.Schedule;
import org.grmodelfree.train.TrainConfig;

/**
 * What the two learning blocks share about their checkpoints: the file and interval parameters,
 * resuming (weights, optimiser, learning curve, training time, next batch), the training clock
 * that continues across restarts, and atomic saves when due.
 */
final class Checkpointer {
    private final String block;
    private final Path file;
    private final long intervalNanos;
    private final TrainConfig c;
    private final List<Param> params;
    private final Adam optimiser;
    private final LearningCurve curve;
    private long started = Long.MIN_VALUE;
    private long lastSaved;
    private double previousSeconds;

    /**
     * From the block's checkpoint and checkpoint_seconds parameters (checkpoint empty: none); curve
     * is the block's, appended to.
     */
    Checkpointer(String block, String checkpoint, double checkpointSeconds, TrainConfig c, List<Param> params,
                Adam optimiser, LearningCurve curve) {
        this.block = block;
        this.file = checkpoint.isEmpty() ? null : Path.of(checkpoint);
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

    /** Starts the clock at the block's first work call; returns true only on that call. */
    boolean start(long now) {
        if (started != Long.MIN_VALUE) {
            return false;
        }
        started = now;
        lastSaved = now;
        return true;
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
        long endOfRun = BatchFraming.endOfRun(c);
        try {
            BlockCheckpointFile.save(file, block, nextBatch, c, Schedule.of(c).slot(Math.min(nextBatch, endOfRun))
                    .iteration(), seconds(now), params, optimiser, curve);
        } catch (IOException e) {
            throw new UncheckedIOException(block + ": cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
        lastSaved = now;
    }
}
