package org.grmodelfree.comm.sync;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The integer-lag timing estimate with its parabolic refinement, over 200 seeded trials at 4
 * samples per symbol: a fractional delay in [-2, 2] samples, CFO uniform in [-1e-2, 1e-2]
 * cycles/symbol, phase in [-pi, pi], gain in [0.3, 2], a preamble of two repeats of L = 32 random
 * QPSK symbols with random QPSK data on both sides. Bounds are about 1.5 times the measured 99th
 * percentile. (RadioSyncTest tests the whole synchronisation against known offsets.)
 */
class SyncEstimatorsTest {
    private static final int L = 32;
    private static final int TRIALS = 200;
    private static final int BEFORE = 24;
    private static final int AFTER = 24;
    private static final float A = (float) (1 / Math.sqrt(2));

    static float[] qpsk(SplittableRandom rnd, int n) {
        float[] s = new float[2 * n];
        for (int i = 0; i < 2 * n; i++) {
            s[i] = rnd.nextBoolean() ? A : -A;
        }
        return s;
    }

    /** Data, preamble (two repeats of L symbols), data. */
    static float[] frameSymbols(SplittableRandom rnd, float[] block) {
        float[] s = qpsk(rnd, BEFORE + 2 * L + AFTER);
        System.arraycopy(block, 0, s, 2 * BEFORE, 2 * L);
        System.arraycopy(block, 0, s, 2 * (BEFORE + L), 2 * L);
        return s;
    }

    /** r[n] = g e^(j (phase + 2 pi cfo n)) s[n] + complex Gaussian noise of variance g^2 / snr. */
    static void channel(float[] s, int n, double cfo, double phase, double g, double snrDb, SplittableRandom rnd, float[] out) {
        double sigma = Double.isInfinite(snrDb) ? 0 : g * Math.sqrt(Math.pow(10, -snrDb / 10) / 2);
        for (int i = 0; i < n; i++) {
            double th = phase + 2 * Math.PI * cfo * i;
            double c = g * Math.cos(th);
            double d = g * Math.sin(th);
            out[2 * i] = (float) (c * s[2 * i] - d * s[2 * i + 1] + sigma * rnd.nextGaussian());
            out[2 * i + 1] = (float) (d * s[2 * i] + c * s[2 * i + 1] + sigma * rnd.nextGaussian());
        }
    }

    static double p99(double[] e) {
        double[] s = e.clone();
        Arrays.sort(s);
        return s[(int) Math.ceil(0.99 * s.length) - 1];
    }

    static final int SPS = 4;
    static final double BETA = 0.35;
    static final int SPAN = 8;

    /** Errors of timing (samples) with refinement and rounded to the integer peak, at sps = 4. */
    static double[][] timingErrors(double snrDb, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] err = new double[2][TRIALS];
        float[] h = RrcFilter.design(SPS, BETA, SPAN);
        int nSym = BEFORE + 2 * L + AFTER;
        for (int t = 0; t < TRIALS; t++) {
            float[] block = qpsk(rnd, L);
            float[] s = frameSymbols(rnd, block);
            double delay = -2 + 4 * rnd.nextDouble();
            double cfo = -1e-2 + 2e-2 * rnd.nextDouble();
            double phase = -Math.PI + 2 * Math.PI * rnd.nextDouble();
            double g = 0.3 + 1.7 * rnd.nextDouble();
            PulseShaper shaper = new PulseShaper(RrcFilter.design(SPS, BETA, SPAN, delay), SPS);
            int len = shaper.outputLength(nSym);
            float[] tx = new float[2 * len];
            shaper.process(s, nSym, tx);
            // the noise is per sample; with unit-energy taps Es/N0 = g^2 / N0 = snr
            float[] rx = new float[2 * len];
            channel(tx, len, cfo / SPS, phase, g, snrDb, rnd, rx);
            MatchedFilter mf = new MatchedFilter(h, SPS, len);
            float[] y = new float[2 * (len + h.length - 1)];
            int m = mf.filter(rx, len, y);
            double truth = BEFORE * SPS + (h.length - 1) + delay;
            float[] pre = Arrays.copyOfRange(s, 2 * BEFORE, 2 * (BEFORE + 2 * L));
            // the carrier offset as a receiver knows it before the timing (RadioSync: from the repeats)
            SyncEstimators.Timing tm = SyncEstimators.timing(y, m, pre, 2 * L, SPS, cfo / SPS, 0, m);
            err[0][t] = Math.abs(tm.position() - truth);
            err[1][t] = Math.abs(Math.round(tm.position()) - truth);
        }
        return err;
    }

    @Test
    void fractionalTiming() {
        double[] snrs = {Double.POSITIVE_INFINITY, 20, 10};
        double[] bounds = {0.08, 0.1, 0.24};
        for (int i = 0; i < snrs.length; i++) {
            double[][] e = timingErrors(snrs[i], 31 + i);
            System.out.printf("sps %d beta %.2f span %d, 2x%d preamble, snr %s dB: 99th percentile |timing error| %.3f"
                    + " samples (integer peak %.3f)%n", SPS, BETA, SPAN, L, snrs[i], p99(e[0]), p99(e[1]));
            assertTrue(p99(e[0]) < bounds[i], "timing error " + p99(e[0]));
            // without the parabolic refinement the error reaches about half a sample
            assertTrue(p99(e[1]) > 0.4, "integer timing error " + p99(e[1]));
        }
    }
}
