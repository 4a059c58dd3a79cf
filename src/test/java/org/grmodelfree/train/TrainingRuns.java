package org.grmodelfree.train;

/** Short embedded runs for tests that compare what two configurations learn. */
final class TrainingRuns {
    private TrainingRuns() {
    }

    /** The transmitter's codebook after training {@code c} for all its iterations. */
    static float[] codebookAfter(TrainConfig c) {
        Trainer t = Trainer.create(c);
        while (t.iteration() < c.iterations()) {
            t.iterate();
        }
        return t.transmitter().codebook().data.clone();
    }
}
