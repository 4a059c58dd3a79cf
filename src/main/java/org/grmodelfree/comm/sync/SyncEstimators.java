package org.grmodelfree.comm.sync;

/**
 * Data-aided fractional timing: where a known symbol sequence correlates best with a stream (used
 * by {@link RadioSync} for the first estimate, which it then refines on the interpolated stream).
 * Stateless; inputs (interleaved complex floats) are never modified. Sample indices count complex
 * samples; a frequency is in cycles per sample of the array.
 */
public final class SyncEstimators {
    private SyncEstimators() {
    }

    /** A timing estimate: fractional sample index of the first preamble symbol, and the correlation peak. */
    public record Timing(double position, double peak) {
    }

    /**
     * Fractional timing: the correlation {@code c(t) = |sum_k conj(p[k]) r[t + k sps] e^(-j 2 pi f k sps)|}
     * of the first {@code n} samples of r with the {@code symbols} preamble symbols p (interleaved)
     * spaced sps samples apart and derotated by the frequency offset f (cycles per sample of r), for
     * every integer t in [from, to]; the largest is refined by a parabola through it and its two
     * neighbours ({@code delta = (c[-1] - c[+1]) / (2 (c[-1] - 2 c[0] + c[+1]))}, |delta| <= 1/2).
     */
    public static Timing timing(float[] r, int n, float[] preamble, int symbols, int sps, double f, int from, int to) {
        return timing(r, n, preamble, symbols, sps, f, from, to, new double[2]);
    }

    /** {@link #timing}, with a scratch array of two the caller keeps (nothing allocated but the result). */
    public static Timing timing(float[] r, int n, float[] preamble, int symbols, int sps, double f, int from, int to,
                                double[] scratch) {
        int last = n - 1 - (symbols - 1) * sps;
        int lo = Math.max(0, from);
        int hi = Math.min(to, last);
        if (lo > hi) {
            throw new IllegalArgumentException("timing: no lag in [" + from + ", " + to + "] fits " + n + " samples");
        }
        int best = lo;
        double bestC = -1;
        for (int t = lo; t <= hi; t++) {
            double c = correlation(r, preamble, symbols, sps, f, t, scratch);
            if (c > bestC) {
                bestC = c;
                best = t;
            }
        }
        double delta = 0;
        if (best > 0 && best < last) {
            double cm = correlation(r, preamble, symbols, sps, f, best - 1, scratch);
            double cp = correlation(r, preamble, symbols, sps, f, best + 1, scratch);
            double den = cm - 2 * bestC + cp;
            if (den < 0) {
                delta = Math.max(-0.5, Math.min(0.5, 0.5 * (cm - cp) / den));
            }
        }
        return new Timing(best + delta, bestC);
    }

    private static double correlation(float[] r, float[] p, int symbols, int sps, double f, int t, double[] c) {
        correlate(r, t, sps, p, symbols, f, c);
        return Math.hypot(c[0], c[1]);
    }

    /** c = sum_k conj(p[k]) r[start + k stride] e^(-j 2 pi f k stride), as (re, im). */
    private static void correlate(float[] r, int start, int stride, float[] p, int symbols, double f, double[] c) {
        double re = 0;
        double im = 0;
        double w = -2 * Math.PI * f * stride;
        for (int k = 0; k < symbols; k++) {
            int i = start + k * stride;
            double xr = r[2 * i];
            double xi = r[2 * i + 1];
            // conj(p) * x
            double pr = p[2 * k];
            double pi = p[2 * k + 1];
            double yr = pr * xr + pi * xi;
            double yi = pr * xi - pi * xr;
            double cr = Math.cos(w * k);
            double ci = Math.sin(w * k);
            re += yr * cr - yi * ci;
            im += yr * ci + yi * cr;
        }
        c[0] = re;
        c[1] = im;
    }
}
