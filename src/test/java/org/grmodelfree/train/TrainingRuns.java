package org.grmodelfree.train;

/** Short embedded runs and gradient checks for tests that compare what two configurations learn. */
final class TrainingRuns {
    private TrainingRuns() {
    }

    /** The largest absolute value among the transmitter's parameter gradients. */
    static double largestGradient(org.grmodelfree.comm.Transmitter tx) {
        double m = 0;
        for (org.grmodelfree.nn.Param p : tx.params()) {
            for (float g : p.grad().data) {
                m = Math.max(m, Math.abs(g));
            }
        }
        return m;
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
