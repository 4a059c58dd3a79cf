package org.grmodelfree.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.comm.Codebooks;
import org.grmodelfree.comm.Receiver;
import org.grmodelfree.comm.Rng;
import org.grmodelfree.comm.Transmitter;
import org.grmodelfree.nn.Param;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

    /** The ML receiver for a fixed codebook on AWGN: logits = -|y - c_m|^2. */
    private static final class MinDistanceReceiver implements Receiver {
        private final FMatrixRMaj codebook;
        private final FMatrixRMaj logits = new FMatrixRMaj(1, 1);

        MinDistanceReceiver(FMatrixRMaj codebook) {
            this.codebook = codebook;
        }

        @Override
        public int messages() {
            return codebook.numRows;
        }

        @Override
        public int symbols() {
            return codebook.numCols / 2;
        }

        @Override
        public FMatrixRMaj forward(FMatrixRMaj y) {
            logits.reshape(y.numRows, codebook.numRows);
            for (int i = 0; i < y.numRows; i++) {
                for (int m = 0; m < codebook.numRows; m++) {
                    float d = 0;
                    for (int j = 0; j < codebook.numCols; j++) {
                        float t = y.get(i, j) - codebook.get(m, j);
                        d += t * t;
                    }
                    logits.set(i, m, -d);
                }
            }
            return logits;
        }

        @Override
        public FMatrixRMaj frontEnd(FMatrixRMaj y) {
            throw new UnsupportedOperationException();
        }

        @Override
        public org.grmodelfree.nn.Dense hiddenLayer() {
            throw new UnsupportedOperationException();
        }

        @Override
        public org.grmodelfree.nn.Dense output() {
            throw new UnsupportedOperationException();
        }

        @Override
        public FMatrixRMaj backward(FMatrixRMaj gLogits, boolean inputGradient) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ChannelKind kind() {
            return ChannelKind.AWGN;
        }

        @Override
        public List<Param> params() {
            return List.of();
        }
    }

    @Test
    void deterministicGivenItsSeed() {
        FMatrixRMaj cb = Codebooks.qpsk(2);
        Receiver rx = new MinDistanceReceiver(cb);
        BlerPoint a = new Evaluator(5, 200, 100_000, 500).bler(cb, rx, ChannelKind.AWGN, 5);
        BlerPoint b = new Evaluator(5, 200, 100_000, 500).bler(cb, rx, ChannelKind.AWGN, 5);
        assertEquals(a, b);
        // the same evaluator run twice gives the same point too
        Evaluator ev = new Evaluator(5, 200, 100_000, 500);
        assertEquals(ev.blerMinDistance(cb, ChannelKind.AWGN, 5), ev.blerMinDistance(cb, ChannelKind.AWGN, 5));
        // another seed draws other messages and noise
        BlerPoint c = new Evaluator(6, 200, 100_000, 500).bler(cb, rx, ChannelKind.AWGN, 5);
        assertNotEquals(a.errors() * 1_000_000L + a.messages(), c.errors() * 1_000_000L + c.messages());
    }

    @Test
    void mlReceiverAndMinimumDistanceDecisionAgreeExactly() {
        // same seed: same messages and noise, and the two decision rules are the same rule
        FMatrixRMaj cb = Codebooks.qpsk(3);
        Evaluator ev = new Evaluator(9, 300, 200_000, 1_000);
        BlerPoint viaReceiver = ev.bler(cb, new MinDistanceReceiver(cb), ChannelKind.AWGN, 4);
        BlerPoint viaMinDistance = ev.blerMinDistance(cb, ChannelKind.AWGN, 4);
        assertEquals(viaMinDistance, viaReceiver);
    }

    @Test
    void stopsInTheBatchThatReachesTheErrorTarget() {
        FMatrixRMaj cb = Codebooks.qpsk(2);
        int batch = 250;
        long minErrors = 150;
        BlerPoint p = new Evaluator(3, minErrors, 1_000_000, batch).blerMinDistance(cb, ChannelKind.AWGN, 4);
        assertTrue(p.errors() >= minErrors, p.toString());
        assertEquals(0, p.messages() % batch);
        assertTrue(p.messages() < 1_000_000);
        // one batch fewer had not reached the target (the rounds are reproducible, so a capped run is a prefix)
        BlerPoint prefix = new Evaluator(3, minErrors, p.messages() - batch, batch)
                .blerMinDistance(cb, ChannelKind.AWGN, 4);
        assertEquals(p.messages() - batch, prefix.messages());
        assertTrue(prefix.errors() < minErrors, prefix.toString());
        assertEquals((double) p.errors() / p.messages(), p.bler());
        assertTrue(p.ciLow() < p.bler() && p.bler() < p.ciHigh());
    }

    @Test
    void stopsAtTheMessageCapEvenInTheMiddleOfABatch() {
        FMatrixRMaj cb = Codebooks.qpsk(2);
        BlerPoint p = new Evaluator(3, 1_000_000, 1_234, 500).blerMinDistance(cb, ChannelKind.AWGN, 0);
        assertEquals(1_234, p.messages());
        assertTrue(p.errors() > 0 && p.errors() < 1_000_000);
    }

    @Test
    void minimumMessagesAreHonouredEvenWhenErrorsComeFast() {
        FMatrixRMaj cb = Codebooks.qpsk(2);
        BlerPoint p = new Evaluator(3, 10, 5_000, 100_000, 500).blerMinDistance(cb, ChannelKind.AWGN, -5);
        assertEquals(5_000, p.messages());
        assertTrue(p.errors() >= 10);
    }

    @Test
    void perfectReceiverAtVeryHighSnrMakesNoErrorsAndRunsToTheCap() {
        FMatrixRMaj cb = Codebooks.qpsk(4);
        Evaluator ev = new Evaluator(1, 100, 20_000, 2_000);
        BlerPoint ml = ev.blerMinDistance(cb, ChannelKind.AWGN, 60);
        assertEquals(0, ml.errors());
        assertEquals(20_000, ml.messages());
        assertEquals(0.0, ml.bler());
        assertEquals(0.0, ml.ciLow());
        assertTrue(ml.ciHigh() > 0 && ml.ciHigh() < 2e-4, "upper bound " + ml.ciHigh());
        BlerPoint rx = ev.bler(Codebooks.qpsk(2), new MinDistanceReceiver(Codebooks.qpsk(2)), ChannelKind.AWGN, 60);
        assertEquals(0, rx.errors());
        assertEquals(20_000, rx.messages());
    }

    @Test
    void leavesTheCodebookAsItIs() {
        Transmitter tx = new Transmitter(16, 2, 8, new Rng(4));
        FMatrixRMaj cb = tx.codebook();
        float[] before = cb.data.clone();
        BlerPoint p = new Evaluator(1, 100, 20_000, 1_000).blerMinDistance(cb, ChannelKind.RBF, 10);
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, cb.data);
        assertEquals(10.0, p.snrDb());
        assertTrue(p.errors() >= 100, "an untrained codebook on fading without equalisation errs often");
    }

    @Test
    void rejectsNonPositiveTargets() {
        assertThrows(IllegalArgumentException.class, () -> new Evaluator(1, 0, 100, 10));
        assertThrows(IllegalArgumentException.class, () -> new Evaluator(1, 10, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new Evaluator(1, 10, 100, 0));
        assertThrows(IllegalArgumentException.class, () -> new Evaluator(1, 10, -1, 100, 10));
    }
}
