package org.grmodelfree.comm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.nn.Param;
import org.junit.jupiter.api.Test;

/** The paper's per-batch energy normalisation in training, against the codebook's. */
class TransmitterEnergyTest {
    private static final int[] MSGS = {2, 0, 2, 5, 2, 1, 0, 3, 2, 5};

    private static Transmitter transmitter(EnergyScope e) {
        Transmitter tx = new Transmitter(6, 3, 5, e, new Rng(4));
        Random r = new Random(9);
        float[] emb = tx.params().get(0).value().data;
        for (int i = 0; i < emb.length; i++) {
            emb[i] = (float) (1.5 * r.nextGaussian()); // beyond the initialisation, so the ELU bends both ways
        }
        tx.parametersChanged();
        return tx;
    }

    @Test
    void aBatchIsNormalisedOverItselfAndTheCodebookStaysNormalisedOverAllMessages() {
        Transmitter batch = transmitter(EnergyScope.BATCH);
        Transmitter book = transmitter(EnergyScope.CODEBOOK);
        FMatrixRMaj x = new FMatrixRMaj(1, 1);
        batch.encode(MSGS, MSGS.length, x);
        double e = 0;
        for (float v : x.data) {
            e += v * v;
        }
        assertEquals(1.0, e / (MSGS.length * 3), 1e-5, "mean energy per complex symbol of the batch");
        assertArrayEquals(book.codebook().data, batch.codebook().data, 0f);
        FMatrixRMaj xb = new FMatrixRMaj(1, 1);
        book.encode(MSGS, MSGS.length, xb);
        double eb = 0;
        for (float v : xb.data) {
            eb += v * v;
        }
        assertTrue(Math.abs(eb / (MSGS.length * 3) - 1) > 0.01, "the codebook's scale differs from the batch's");
    }

    @Test
    void theGradientPassesThroughTheBatchNormalisation() {
        Transmitter tx = transmitter(EnergyScope.BATCH);
        Random r = new Random(3);
        FMatrixRMaj g = new FMatrixRMaj(MSGS.length, 6);
        for (int i = 0; i < g.data.length; i++) {
            g.data[i] = (float) r.nextGaussian();
        }
        FMatrixRMaj x = new FMatrixRMaj(1, 1);
        tx.encode(MSGS, MSGS.length, x);
        tx.backward(MSGS, g);
        double eps = 1e-2;
        int checked = 0;
        for (Param p : tx.params()) {
            float[] w = p.value().data;
            float[] grad = p.grad().data.clone();
            for (int i = 0; i < w.length; i++) {
                float keep = w[i];
                w[i] = (float) (keep + eps);
                double up = loss(tx, g);
                w[i] = (float) (keep - eps);
                double down = loss(tx, g);
                w[i] = keep;
                double numeric = (up - down) / (2 * eps);
                assertEquals(numeric, grad[i], 2e-2 * Math.abs(numeric) + 2e-3, p.name() + "[" + i + "]");
                checked++;
            }
        }
        tx.parametersChanged();
        assertTrue(checked > 50);
        // message 4 is never sent: with the batch's normalisation its embedding has no gradient at all
        tx.encode(MSGS, MSGS.length, x);
        tx.backward(MSGS, g);
        float[] emb = tx.params().get(0).grad().data;
        for (int i = 4 * 5; i < 5 * 5; i++) {
            assertEquals(0f, emb[i]);
        }
    }

    @Test
    void aGradientForAnotherBatchSizeIsRefused() {
        Transmitter tx = transmitter(EnergyScope.BATCH);
        tx.encode(MSGS, MSGS.length, new FMatrixRMaj(1, 1));
        String m = assertThrows(IllegalArgumentException.class,
                () -> tx.backward(MSGS, new FMatrixRMaj(4, 6))).getMessage();
        assertTrue(m.contains("4 rows for the last encoded batch of 10"), m);
        assertEquals(EnergyScope.BATCH, EnergyScope.parse("Batch"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EnergyScope.parse("peak")).getMessage()
                .contains("expected codebook or batch"));
    }

    private static double loss(Transmitter tx, FMatrixRMaj g) {
        tx.parametersChanged();
        FMatrixRMaj x = new FMatrixRMaj(1, 1);
        tx.encode(MSGS, MSGS.length, x);
        double s = 0;
        for (int i = 0; i < x.data.length; i++) {
            s += (double) g.data[i] * x.data[i];
        }
        return s;
    }
}
