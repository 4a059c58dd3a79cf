package org.grmodelfree.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;

class ClopperPearsonTest {

    @Test
    void noSuccessesInAHundred() {
        double[] ci = ClopperPearson.interval(0, 100, 0.95);
        assertEquals(0.0, ci[0]);
        assertEquals(0.0362, ci[1], 5e-5);
        // closed form for k = 0: 1 - (alpha / 2)^(1 / n)
        assertEquals(1 - Math.pow(0.025, 0.01), ci[1], 1e-9);
    }

    @Test
    void halfOfAHundred() {
        double[] ci = ClopperPearson.interval(50, 100, 0.95);
        assertEquals(0.398, ci[0], 5e-4);
        assertEquals(0.602, ci[1], 5e-4);
        assertEquals(1.0, ci[0] + ci[1], 1e-9, "symmetric about one half");
    }

    @Test
    void allSuccesses() {
        double[] ci = ClopperPearson.interval(20, 20, 0.95);
        assertEquals(Math.pow(0.025, 1.0 / 20), ci[0], 1e-9);
        assertEquals(1.0, ci[1]);
    }

    @Test
    void knownValuesAtOtherConfidences() {
        // k = 1, n = 10 at 95%: [0.00253, 0.44502] (standard tables)
        double[] ci = ClopperPearson.interval(1, 10, 0.95);
        assertEquals(0.00253, ci[0], 1e-5);
        assertEquals(0.44502, ci[1], 1e-5);
        // wider at 99%, narrower at 90%
        double[] wide = ClopperPearson.interval(1, 10, 0.99);
        double[] narrow = ClopperPearson.interval(1, 10, 0.90);
        assertTrue(wide[0] < ci[0] && ci[0] < narrow[0]);
        assertTrue(wide[1] > ci[1] && ci[1] > narrow[1]);
    }

    @Test
    void boundsAreTheExactBinomialTailInversions() {
        // P(X >= k | p_low) = alpha / 2 and P(X <= k | p_high) = alpha / 2
        long n = 1000;
        for (long k : new long[] {1, 7, 100, 500, 999}) {
            double[] ci = ClopperPearson.interval(k, n, 0.95);
            assertTrue(ci[0] < (double) k / n && (double) k / n < ci[1]);
            double upperTail = 1 - new BinomialDistribution(null, (int) n, ci[0]).cumulativeProbability((int) k - 1);
            double lowerTail = new BinomialDistribution(null, (int) n, ci[1]).cumulativeProbability((int) k);
            assertEquals(0.025, upperTail, 1e-6, "k=" + k);
            assertEquals(0.025, lowerTail, 1e-6, "k=" + k);
        }
    }

    @Test
    void mirrorSymmetry() {
        double[] a = ClopperPearson.interval(13, 80, 0.95);
        double[] b = ClopperPearson.interval(67, 80, 0.95);
        assertEquals(a[0], 1 - b[1], 1e-9);
        assertEquals(a[1], 1 - b[0], 1e-9);
    }

    @Test
    void invalidCountsThrow() {
        assertThrows(IllegalArgumentException.class, () -> ClopperPearson.interval(0, 0, 0.95));
        assertThrows(IllegalArgumentException.class, () -> ClopperPearson.interval(-1, 10, 0.95));
        assertThrows(IllegalArgumentException.class, () -> ClopperPearson.interval(11, 10, 0.95));
        assertThrows(IllegalArgumentException.class, () -> ClopperPearson.interval(0, -5, 0.95));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClopperPearson.interval(11, 10, 0.95));
        assertTrue(e.getMessage().contains("k=11") && e.getMessage().contains("n=10"), e.getMessage());
    }

    @Test
    void confidenceOutsideZeroOneThrows() {
        for (double bad : new double[] {-0.5, 1.5, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> ClopperPearson.interval(5, 10, bad),
                    "confidence " + bad);
        }
    }

    @Test
    void blerPointCarriesTheInterval() {
        BlerPoint p = BlerPoint.of(8.0, 50, 100);
        assertEquals(0.5, p.bler());
        assertEquals(8.0, p.snrDb());
        assertEquals(0.398, p.ciLow(), 5e-4);
        assertEquals(0.602, p.ciHigh(), 5e-4);
    }
}
