package org.grmodelfree.comm.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PulseShapingTest {
    private static final int SPS = 4;
    private static final double BETA = 0.35;

    @Test
    void tapsHaveUnitEnergyAndAreSymmetric() {
        for (int span : new int[] {8, 12}) {
            float[] h = RrcFilter.design(SPS, BETA, span);
            assertEquals(span * SPS + 1, h.length);
            double e = 0;
            for (float v : h) {
                e += v * v;
            }
            assertEquals(1.0, e, 1e-6);
            for (int i = 0; i < h.length; i++) {
                assertEquals(h[i], h[h.length - 1 - i], 1e-7);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> RrcFilter.design(SPS, BETA, 7));
        assertThrows(IllegalArgumentException.class, () -> RrcFilter.design(SPS, 0, 8));
    }

    /** RRC * RRC is a raised cosine: 1 at the centre, about 0 at every other multiple of sps. */
    @Test
    void cascadeIsNyquist() {
        for (int span : new int[] {8, 12}) {
            float[] h = RrcFilter.design(SPS, BETA, span);
            int n = 2 * h.length - 1;
            double[] g = new double[n];
            for (int i = 0; i < h.length; i++) {
                for (int k = 0; k < h.length; k++) {
                    g[i + k] += h[i] * h[k];
                }
            }
            int c = h.length - 1;
            assertEquals(1.0, g[c], 1e-6);
            double worst = 0;
            for (int m = 1; c + m * SPS < n; m++) {
                worst = Math.max(worst, Math.max(Math.abs(g[c + m * SPS]), Math.abs(g[c - m * SPS])));
            }
            System.out.printf("rrc beta %.2f span %d: largest raised-cosine value at non-zero symbol multiples %.2e%n",
                    BETA, span, worst);
            assertTrue(worst < (span == 8 ? 0.016 : 0.01), "Nyquist zero crossings: " + worst);
            // off the symbol instants the cascade is clearly not zero, so the check has teeth
            assertTrue(Math.abs(g[c + SPS / 2]) > 0.3);
        }
    }

    @Test
    void shapedThenMatchedReturnsTheSymbols() {
        int span = 8;
        float[] h = RrcFilter.design(SPS, BETA, span);
        int n = 500;
        SplittableRandom rnd = new SplittableRandom(7);
        float[] sym = new float[2 * n];
        float a = (float) (1 / Math.sqrt(2));
        for (int i = 0; i < 2 * n; i++) {
            sym[i] = rnd.nextBoolean() ? a : -a;
        }
        float[] copy = sym.clone();
        PulseShaper shaper = new PulseShaper(h, SPS);
        float[] tx = new float[2 * shaper.outputLength(n)];
        int len = shaper.process(sym, n, tx);
        MatchedFilter mf = new MatchedFilter(h, SPS, len);
        float[] rx = new float[2 * n];
        int got = mf.process(tx, len, h.length - 1, rx, n);
        assertEquals(n, got);
        double worst = 0;
        double mse = 0;
        for (int i = 0; i < 2 * n; i++) {
            double e = rx[i] - sym[i];
            worst = Math.max(worst, Math.abs(e));
            mse += e * e;
        }
        double isiDb = 10 * Math.log10(mse / n);
        System.out.printf("rrc beta %.2f span %d: ISI largest error %.2e, mean squared %.1f dB%n", BETA, span, worst, isiDb);
        assertTrue(worst < 0.037, "ISI " + worst);
        assertTrue(isiDb < -33, "ISI power " + isiDb);
        for (int i = 0; i < 2 * n; i++) {
            assertEquals(copy[i], sym[i]);
        }
        // a wrong sampling phase (half a symbol off) does not return the symbols
        mf.process(tx, len, h.length - 1 + SPS / 2, rx, n);
        double off = 0;
        for (int i = 0; i < 2 * n; i++) {
            off = Math.max(off, Math.abs(rx[i] - sym[i]));
        }
        assertTrue(off > 0.3);
    }
}
