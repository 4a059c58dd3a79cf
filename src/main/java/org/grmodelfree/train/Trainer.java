package org.grmodelfree.train;

import java.util.List;
import org.grmodelfree.comm.Receiver;
import org.grmodelfree.comm.Transmitter;
import org.grmodelfree.nn.Adam;
import org.grmodelfree.nn.Param;

/**
 * A training run in one JVM with a built-in channel. Every iteration reseeds its random streams
 * from (seed, iteration), so a run restored from a checkpoint continues exactly as it would have.
 */
public interface Trainer {
    TrainConfig config();

    /** Runs iteration {@link #iteration()} and advances the counter. */
    IterationStats iterate();

    /** Iterations done so far. */
    int iteration();

    /** Sets the iteration counter (restoring a checkpoint). */
    void iteration(int done);

    Transmitter transmitter();

    Receiver receiver();

    /** The optimisers, in a fixed order, for checkpointing. */
    List<Adam> optimisers();

    /** Trained tensors of the exploration policy (a learned log s^2), saved with the networks'. */
    default List<Param> policyParams() {
        return List.of();
    }

    /** The exploration variance of the last transmitter step (learned or scheduled), NaN if none explores. */
    default double sigma2() {
        return Double.NaN;
    }

    /**
     * Receiver-only supervised steps, the receiver's rate restarted along {@link
     * TrainConfig#fineTuneLr}; returns the last mean loss.
     */
    double fineTuneReceiver(int steps);

    /** What one iteration measured. */
    record IterationStats(int iteration, double rxLoss, double txLoss) {
    }

    static Trainer create(TrainConfig c) {
        return switch (c.method()) {
            case ALTERNATING -> new AlternatingTrainer(c);
            case SUPERVISED -> new SupervisedTrainer(c);
        };
    }
}
