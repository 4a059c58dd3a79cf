package org.grmodelfree.comm.sync;

/**
 * Data-aided synchronisation estimators from a known preamble of two (or more) repeats of a block
 * of L known symbols. Stateless; inputs (interleaved complex floats) are never modified. Sample
 * indices count complex samples. A frequency is in cycles per sample of the array it is
 * estimated on: on a stream at 1 sample per symbol (after matched filtering and decimation) that
 * is cycles per symbol; on a stream at {@code sps} samples per symbol multiply by {@code sps}.
 *
 * <p>Intended order for one frame: frequency offset from the repeats (insensitive to timing as long
 * as both windows lie inside the preamble), then timing by correlation with the derotated
 * preamble, then phase and gain by least squares at the estimated symbol instants.
 */
public final class SyncEstimators {
    private SyncEstimators() {
    }

    /** A timing estimate: fractional sample index of the first preamble symbol, and the correlation peak. */
    public record Timing(double position, double peak) {
    }

    /** A complex gain h (the received preamble is about h times the sent one). */
    public record ComplexGain(double re, double im) {
        public double magnitude() {
            return Math.hypot(re, im);
        }

        /** Carrier phase in (-pi, pi]. */
        public double phase() {
            return Math.atan2(im, re);
        }
    }

    /**
     * Carrier frequency offset from a repeated block (Moose / Schmidl-Cox):
     * {@code f = arg(sum_{n=start}^{start+len-1} conj(r[n]) r[n+lag]) / (2 pi lag)} cycles per sample,
     * unambiguous for |f| < 1 / (2 lag). With L-symbol repeats at 1 sample per symbol use
     * {@code lag = len = L}; at sps samples per symbol {@code lag = len = L * sps}.
     */
    public static double frequencyOffset(float[] r, int start, int len, int lag) {
        if (lag < 1 || len < 1 || start < 0 || 2 * (start + len + lag) > r.length) {
            throw new IllegalArgumentException("frequency offset: window [" + start + ", " + (start + len + lag)
                    + ") outside the " + r.length / 2 + " samples");
        }
        double re = 0;
        double im = 0;
        for (int n = start; n < start + len; n++) {
            double ar = r[2 * n];
            double ai = r[2 * n + 1];
            double br = r[2 * (n + lag)];
            double bi = r[2 * (n + lag) + 1];
            re += ar * br + ai * bi;
            im += ar * bi - ai * br;
        }
        return Math.atan2(im, re) / (2 * Math.PI * lag);
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

    /**
     * Least-squares complex gain after frequency correction:
     * {@code h = sum_k conj(p[k]) r[start + k stride] e^(-j 2 pi f k stride) / sum_k |p[k]|^2}, the
     * phase referred to sample {@code start} (f in cycles per sample of r; stride 1 at 1 sample per
     * symbol, sps when picking the symbol instants of an oversampled stream).
     */
    public static ComplexGain gain(float[] r, int start, int stride, float[] preamble, int symbols, double f) {
        if (start < 0 || 2 * (start + (symbols - 1) * stride + 1) > r.length) {
            throw new IllegalArgumentException("gain: preamble at " + start + " exceeds the " + r.length / 2 + " samples");
        }
        double energy = 0;
        for (int k = 0; k < symbols; k++) {
            energy += preamble[2 * k] * preamble[2 * k] + preamble[2 * k + 1] * preamble[2 * k + 1];
        }
        if (energy == 0) {
            throw new IllegalArgumentException("gain: preamble has no energy");
        }
        double[] c = new double[2];
        correlate(r, start, stride, preamble, symbols, f, c);
        return new ComplexGain(c[0] / energy, c[1] / energy);
    }
}
