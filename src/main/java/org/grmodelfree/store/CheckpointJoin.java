package org.grmodelfree.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.Trainer;

/**
 * The link model of a split run, from its two learning blocks' checkpoints: the transmitter's
 * weights and optimiser, the receiver's, one learning curve, written as a {@link ModelFile}. The
 * one place that joins them: {@code train --transport zmq}, {@code flowgraph}, {@code export} and
 * the blocks' {@code model_out} all use it.
 */
public final class CheckpointJoin {
    /** The block names the two checkpoints must carry. */
    public static final String TRANSMITTER = "transmitter";
    public static final String RECEIVER = "receiver";

    /**
     * A joined link.
     *
     * @param trainer the embedded trainer's shape filled with both blocks' weights and optimisers
     * @param curve the transmitter's (tx loss, time) and the receiver's (rx loss) points
     * @param trainSeconds the longer of the two blocks' training times
     */
    public record Joined(Trainer trainer, LearningCurve curve, double trainSeconds) {
    }

    private CheckpointJoin() {
    }

    /**
     * Joins two checkpoint files of one run, with the transmitter's configuration (it holds the
     * exploration variance, which the receiver never sees). Refuses, naming the file and the
     * problem, a file that is no block checkpoint, the checkpoint of the other block, and two
     * checkpoints of different runs.
     */
    public static Joined join(Path txCheckpoint, Path rxCheckpoint) throws IOException {
        BlockCheckpointFile.Loaded tx = load(txCheckpoint, TRANSMITTER);
        BlockCheckpointFile.Loaded rx = load(rxCheckpoint, RECEIVER);
        TrainConfig c = tx.state().config();
        Trainer t = join(c, txCheckpoint, tx, rxCheckpoint, rx);
        return new Joined(t, joinCurves(tx, rx), Math.max(tx.state().trainSeconds(), rx.state().trainSeconds()));
    }

    /** The same with a given configuration (the run's, e.g. with its SNR), which both must match. */
    public static Trainer join(TrainConfig c, Path txCheckpoint, Path rxCheckpoint) throws IOException {
        return join(c, txCheckpoint, load(txCheckpoint, TRANSMITTER), rxCheckpoint, load(rxCheckpoint, RECEIVER));
    }

    /** One learning curve from the two checkpoint files. */
    public static LearningCurve joinCurves(Path txCheckpoint, Path rxCheckpoint) throws IOException {
        return joinCurves(load(txCheckpoint, TRANSMITTER), load(rxCheckpoint, RECEIVER));
    }

    /** Joins two checkpoints and writes the link model atomically to out (its folder created). */
    public static Joined export(Path txCheckpoint, Path rxCheckpoint, Path out) throws IOException {
        Joined j = join(txCheckpoint, rxCheckpoint);
        ModelFile.write(out, ModelFile.encode(j.trainer(), j.trainSeconds(), j.curve()));
        return j;
    }

    private static BlockCheckpointFile.Loaded load(Path file, String block) throws IOException {
        BlockCheckpointFile.Loaded l = BlockCheckpointFile.load(file);
        if (!l.block().equals(block)) {
            throw new ModelFormatException("checkpoint " + file + " was written by the " + l.block()
                    + " block; the " + block + "'s checkpoint is needed here");
        }
        return l;
    }

    private static Trainer join(TrainConfig c, Path txFile, BlockCheckpointFile.Loaded tx, Path rxFile,
                                BlockCheckpointFile.Loaded rx) {
        Trainer t = Trainer.create(c);
        try {
            BlockCheckpointFile.restore(tx, TRANSMITTER, c, t.transmitter().params(), t.optimisers().get(0));
        } catch (ModelFormatException e) {
            throw new ModelFormatException("transmitter checkpoint " + txFile + ": " + e.getMessage(), e);
        }
        try {
            BlockCheckpointFile.restore(rx, RECEIVER, c, t.receiver().params(), t.optimisers().get(1));
        } catch (ModelFormatException e) {
            throw new ModelFormatException("receiver checkpoint " + rxFile + " does not match the transmitter's "
                    + txFile + ": " + e.getMessage(), e);
        }
        t.transmitter().parametersChanged();
        t.iteration(Math.min(tx.state().iteration(), rx.state().iteration()));
        return t;
    }

    private static LearningCurve joinCurves(BlockCheckpointFile.Loaded tx, BlockCheckpointFile.Loaded rx) {
        Map<Integer, Double> rxLoss = new LinkedHashMap<>();
        for (LearningCurve.Point p : rx.state().history().points()) {
            rxLoss.put(p.iteration(), p.rxLoss());
        }
        LearningCurve curve = new LearningCurve();
        for (LearningCurve.Point p : tx.state().history().points()) {
            curve.add(new LearningCurve.Point(p.iteration(), p.seconds(), rxLoss.getOrDefault(p.iteration(), Double.NaN),
                    p.txLoss(), Double.NaN));
        }
        return curve;
    }
}
