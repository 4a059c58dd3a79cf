package org.grmodelfree.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.comm.LossQuantizer;
import org.junit.jupiter.api.Test;

/** The loss feedback's quantisation and drops in the embedded trainer, as the loss-feedback block applies them. */
class FeedbackQualityTest {
    private static TrainConfig small(int bits, double drop) {
        return TrainConfig.builder(ChannelKind.AWGN).messages(8).symbols(2).hidden(8).iterations(20).batch(64)
                .feedbackBits(bits).feedbackDrop(drop).build();
    }

    @Test
    void oneBitKeepsOnlyZeroAndTheLargestLoss() {
        float[] v = {0.1f, 2.0f, 0.9f, 1.1f, -0.0f};
        LossQuantizer.quantize(v, v.length, 1);
        assertArrayEquals(new float[] {0f, 2.0f, 0f, 2.0f, 0f}, v);
        float[] w = {0.1f, 2.0f, 0.9f};
        LossQuantizer.quantize(w, w.length, 2); // levels 0, 2/3, 4/3, 2
        assertArrayEquals(new float[] {0f, 2.0f, 2f / 3}, w, 1e-6f);
        float[] same = {0.3f, 0.7f};
        LossQuantizer.quantize(same, 2, 0);
        assertArrayEquals(new float[] {0.3f, 0.7f}, same);
    }

    @Test
    void quantisedAndDroppedFeedbackChangeTheRunAndRepeatExactly() {
        float[] exact = TrainingRuns.codebookAfter(small(0, 0));
        float[] oneBit = TrainingRuns.codebookAfter(small(1, 0));
        float[] dropped = TrainingRuns.codebookAfter(small(0, 0.5));
        assertNotEquals(java.util.Arrays.toString(exact), java.util.Arrays.toString(oneBit));
        assertNotEquals(java.util.Arrays.toString(exact), java.util.Arrays.toString(dropped));
        assertArrayEquals(oneBit, TrainingRuns.codebookAfter(small(1, 0)));
        assertArrayEquals(dropped, TrainingRuns.codebookAfter(small(0, 0.5)));
        // 24 bits is float32's precision: the same run as exact losses up to rounding of the levels
        assertEquals(exact.length, TrainingRuns.codebookAfter(small(24, 0)).length);
    }

    @Test
    void everyFeedbackLostMeansTheTransmitterNeverLearns() {
        TrainConfig c = small(0, 1.0);
        AlternatingTrainer t = (AlternatingTrainer) Trainer.create(c);
        float[] before = t.transmitter().codebook().data.clone();
        while (t.iteration() < c.iterations()) {
            assertTrue(Double.isNaN(t.iterate().txLoss()));
        }
        assertArrayEquals(before, t.transmitter().codebook().data);
        assertEquals(20, t.droppedFeedback());
    }
}
