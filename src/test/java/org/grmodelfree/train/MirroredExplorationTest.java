package org.grmodelfree.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.comm.Rng;
import org.grmodelfree.comm.Transmitter;
import org.grmodelfree.store.ModelFile;
import org.junit.jupiter.api.Test;

/** Mirrored (antithetic) exploration on the link: train --mirrored, embedded. */
class MirroredExplorationTest {
    private static TrainConfig small(boolean mirrored) {
        return TrainConfig.builder(ChannelKind.AWGN).messages(8).symbols(2).hidden(8).iterations(20).batch(64)
                .mirrored(mirrored).build();
    }

    @Test
    void aMirroredRunDiffersFromOneDrawPerMessageAndRepeatsExactly() {
        float[] plain = TrainingRuns.codebookAfter(small(false));
        float[] mirrored = TrainingRuns.codebookAfter(small(true));
        assertNotEquals(Arrays.toString(plain), Arrays.toString(mirrored));
        assertArrayEquals(mirrored, TrainingRuns.codebookAfter(small(true)));
    }

    /** With +w and -w, a pair whose two losses are equal cancels: it carries no gradient. */
    @Test
    void aPairWithEqualLossesGivesNoGradientAndUnequalOnesDo() {
        TrainConfig c = small(true);
        TransmitterLearner l = new TransmitterLearner(Networks.create(c).transmitter(), c.sigma2(), c.baseline());
        Transmitter tx = l.transmitter();
        int half = 32;
        int[] msgs = new int[2 * half];
        for (int i = 0; i < half; i++) {
            msgs[i] = i % c.messages();
            msgs[half + i] = msgs[i];
        }
        FMatrixRMaj x = new FMatrixRMaj(1, 1);
        FMatrixRMaj xp = new FMatrixRMaj(1, 1);
        tx.encode(msgs, half, x);
        l.policy().perturbMirrored(x, xp, new Rng(7));
        assertEquals(2 * half, xp.numRows);
        float[] losses = new float[2 * half];
        for (int i = 0; i < half; i++) {
            losses[i] = 0.1f * i;
            losses[half + i] = losses[i];
        }
        l.gradient(msgs, x, xp, losses);
        double equal = TrainingRuns.largestGradient(tx);
        assertTrue(equal < 1e-5, "equal pair losses cancel: " + equal);
        losses[half] += 1f; // one pair differs
        l.gradient(msgs, x, xp, losses);
        double unequal = TrainingRuns.largestGradient(tx);
        assertTrue(unequal > 1e-3, "an unequal pair carries a gradient: " + unequal);
    }

    @Test
    void theChoiceIsInTheModelFilesConfigAndNeedsAnEvenBatch() {
        assertEquals(true, ModelFile.configMap(small(true)).get("mirrored"));
        assertEquals(false, ModelFile.configMap(small(false)).get("mirrored"));
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder(ChannelKind.AWGN).batch(63)
                .mirrored(true).build());
    }
}
