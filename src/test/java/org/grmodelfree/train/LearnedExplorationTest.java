package org.grmodelfree.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.comm.LearnedSigma2;
import org.grmodelfree.store.ModelFile;
import org.grmodelfree.store.ModelFileAccess;
import org.junit.jupiter.api.Test;

/** The link with a learned exploration variance: train --learn-sigma2, embedded. */
class LearnedExplorationTest {
    private static TrainConfig small(boolean learn) {
        return TrainConfig.builder(ChannelKind.AWGN).snrDb(8).messages(16).symbols(2).hidden(16).iterations(20)
                .batch(64).lrRx(1e-2).lrTx(1e-2).sigma2(0.1).sigma2Final(0.1).learnSigma2(learn).seed(3).build();
    }

    @Test
    void theVarianceMovesFromItsStartAndTheRunRepeatsExactly() {
        Trainer t = TrainerTest.trained(small(true), 20);
        assertNotEquals(0.1, t.sigma2(), 1e-4, "s^2 after 20 steps");
        assertTrue(t.sigma2() >= LearnedSigma2.MIN && t.sigma2() <= LearnedSigma2.MAX, "s^2 = " + t.sigma2());
        assertEquals(3, t.optimisers().size(), "the transmitter's, the receiver's and log s^2's");
        assertEquals(1, t.policyParams().size());
        Trainer again = TrainerTest.trained(small(true), 20);
        TrainerTest.assertSameState(t, again);
        assertEquals(t.sigma2(), again.sigma2());
        // the scheduled variance stays where the schedule puts it
        Trainer scheduled = TrainerTest.trained(small(false), 20);
        assertEquals(0.1, scheduled.sigma2(), 1e-12);
        assertEquals(2, scheduled.optimisers().size());
    }

    @Test
    void resumingFromAModelFileContinuesBitForBitWithTheLearnedVariance() throws Exception {
        TrainConfig c = small(true);
        Trainer straight = TrainerTest.trained(c, 20);
        Trainer first = TrainerTest.trained(c, 10);
        byte[] file = ModelFileAccess.encode(first, 1.5, new LearningCurve());
        Trainer resumed = ModelFile.restore(ModelFileAccess.decode(file));
        assertTrue(resumed.config().learnSigma2());
        TrainerTest.assertSameState(first, resumed);
        assertEquals(first.policyParams().get(0).value().data[0], resumed.policyParams().get(0).value().data[0]);
        for (int i = 0; i < 10; i++) {
            resumed.iterate();
        }
        TrainerTest.assertSameState(straight, resumed);
        assertEquals(straight.sigma2(), resumed.sigma2());
    }

    @Test
    void itNeedsTheAlternatingMethodAndNoAnnealing() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> small(true).toBuilder()
                .method(Method.SUPERVISED).build()).getMessage().contains("needs the alternating method"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> small(true).toBuilder().sigma2Final(0.02)
                .build()).getMessage().contains("is not annealed"));
    }
}
