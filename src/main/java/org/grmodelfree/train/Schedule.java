package org.grmodelfree.train;

/**
 * The one schedule both ends of a split (multi-process) run follow: iteration i consists of
 * rxSteps receiver-phase batches then txSteps transmitter-phase batches, and each batch has a
 * batch id, carried in its frame header, from which either end knows the iteration, the phase
 * and the random stream, and so which training messages the batch holds. The streams are those
 * of the embedded {@link AlternatingTrainer}, so both draw the same messages for the same batch.
 *
 * @param rxSteps receiver-phase batches per iteration, at least 1
 * @param txSteps transmitter-phase batches per iteration
 */
public record Schedule(int rxSteps, int txSteps) {

    /** Where a batch sits in the schedule. */
    public record Slot(int iteration, boolean transmitterPhase, int step, int stream) {
    }

    public Schedule {
        if (rxSteps < 1 || txSteps < 0) {
            throw new IllegalArgumentException("schedule: need at least one receiver step and no negative counts, got "
                    + rxSteps + " and " + txSteps);
        }
    }

    public static Schedule of(TrainConfig c) {
        return new Schedule(c.rxSteps(), c.txSteps());
    }

    /** Batches per iteration. */
    public int batchesPerIteration() {
        return rxSteps + txSteps;
    }

    /** The id of batch {@code step} (0-based over both phases) of an iteration. */
    public long batchId(int iteration, int step) {
        if (iteration < 0 || step < 0 || step >= batchesPerIteration()) {
            throw new IllegalArgumentException("schedule: no batch " + step + " in iteration " + iteration);
        }
        return (long) iteration * batchesPerIteration() + step;
    }

    /** The slot of a batch id. */
    public Slot slot(long batchId) {
        if (batchId < 0) {
            throw new IllegalArgumentException("schedule: negative batch id " + batchId);
        }
        int iteration = (int) (batchId / batchesPerIteration());
        int step = (int) (batchId % batchesPerIteration());
        boolean tx = step >= rxSteps;
        int stream = tx ? BaseTrainer.TX_STREAM + (step - rxSteps) : BaseTrainer.RX_STREAM + step;
        return new Slot(iteration, tx, step, stream);
    }
}
