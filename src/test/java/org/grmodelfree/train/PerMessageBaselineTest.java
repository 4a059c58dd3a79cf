package org.grmodelfree.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.comm.Rng;
import org.grmodelfree.comm.Transmitter;
import org.grmodelfree.nn.Param;
import org.grmodelfree.store.ModelFile;
import org.junit.jupiter.api.Test;

/** The per-message loss baseline (train --baseline message). */
class PerMessageBaselineTest {
    private static TrainConfig small(Baseline b) {
        return TrainConfig.builder(ChannelKind.AWGN).messages(8).symbols(2).hidden(8).iterations(20).batch(64)
                .baseline(b).build();
    }

    /** Twelve rows: message 0 four times, 1 three times, 2 once (alone: the other rows' mean), 3..6 once each. */
    private static final int[] MSGS = {0, 1, 0, 2, 1, 0, 3, 4, 5, 6, 1, 0};

    private static float[] losses() {
        float[] l = new float[MSGS.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = 0.05f * (i * 7 % 11) + 0.3f * MSGS[i];
        }
        return l;
    }

    private static float[] gradientWith(Transmitter tx, Baseline b, float[] losses) {
        return gradientWith(tx, b, MSGS, losses);
    }

    private static float[] gradientWith(Transmitter tx, Baseline b, int[] msgs, float[] losses) {
        TransmitterLearner l = new TransmitterLearner(tx, 0.02, b);
        FMatrixRMaj x = new FMatrixRMaj(1, 1);
        FMatrixRMaj xp = new FMatrixRMaj(1, 1);
        tx.encode(msgs, msgs.length, x);
        l.policy().perturb(x, xp, new Rng(3));
        l.gradient(msgs, x, xp, losses);
        return grads(tx);
    }

    private static float[] grads(Transmitter tx) {
        List<Param> ps = tx.params();
        int n = 0;
        for (Param p : ps) {
            n += p.grad().data.length;
        }
        float[] g = new float[n];
        int k = 0;
        for (Param p : ps) {
            System.arraycopy(p.grad().data, 0, g, k, p.grad().data.length);
            k += p.grad().data.length;
        }
        return g;
    }

    @Test
    void eachLossIsScoredAgainstTheMeanOfTheOtherLossesOfItsMessage() {
        Transmitter tx = Networks.create(small(Baseline.MESSAGE)).transmitter();
        float[] l = losses();
        float[] got = gradientWith(tx, Baseline.MESSAGE, l);
        // the same weights written out by hand, through the estimator without a baseline
        double total = 0;
        for (float v : l) {
            total += v;
        }
        float[] w = new float[l.length];
        for (int i = 0; i < l.length; i++) {
            double s = 0;
            int n = 0;
            for (int j = 0; j < l.length; j++) {
                if (j != i && MSGS[j] == MSGS[i]) {
                    s += l[j];
                    n++;
                }
            }
            double b = n > 0 ? s / n : (total - l[i]) / (l.length - 1);
            w[i] = (float) (l[i] - b);
        }
        float[] expected = gradientWith(tx, Baseline.NONE, w);
        for (int i = 0; i < got.length; i++) {
            assertEquals(expected[i], got[i], 1e-6f * (1 + Math.abs(expected[i])), "gradient element " + i);
        }
        assertNotEquals(Arrays.toString(gradientWith(tx, Baseline.MEAN, l)), Arrays.toString(got),
                "not the batch-mean baseline");
    }

    /** Losses that depend only on the message carry no gradient when every message occurs twice or more. */
    @Test
    void lossesThatDependOnlyOnTheMessageCancel() {
        Transmitter tx = Networks.create(small(Baseline.MESSAGE)).transmitter();
        int[] msgs = {0, 1, 0, 1, 2, 2, 0, 5, 5};
        float[] l = new float[msgs.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = 1f + 0.5f * msgs[i];
        }
        gradientWith(tx, Baseline.MESSAGE, msgs, l);
        double message = TrainingRuns.largestGradient(tx);
        assertTrue(message < 1e-6, "per-message offsets cancel: " + message);
        gradientWith(tx, Baseline.MEAN, msgs, l);
        double mean = TrainingRuns.largestGradient(tx);
        assertTrue(mean > 1e-3, "the batch mean does not cancel them: " + mean);
    }

    @Test
    void aRunWithItDiffersFromTheBatchMeanRepeatsExactlyAndIsStoredInTheModelFile() {
        float[] mean = TrainingRuns.codebookAfter(small(Baseline.MEAN));
        float[] message = TrainingRuns.codebookAfter(small(Baseline.MESSAGE));
        assertNotEquals(Arrays.toString(mean), Arrays.toString(message));
        assertArrayEquals(message, TrainingRuns.codebookAfter(small(Baseline.MESSAGE)));
        assertEquals("message", ModelFile.configMap(small(Baseline.MESSAGE)).get("baseline"));
    }

    @Test
    void mirroredExplorationRefusesIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainConfig.builder(ChannelKind.AWGN).batch(64).baseline(Baseline.MESSAGE).mirrored(true).build());
        assertTrue(e.getMessage().contains("per-message loss baseline and mirrored exploration"), e.getMessage());
    }
}
