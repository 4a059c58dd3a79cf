package org.grmodelfree.comm.sync;

import java.util.SplittableRandom;

/**
 * A simulated radio front end for the tests, independent of the code under test: the transmitted
 * stream resampled by a sample-clock ratio with a windowed-sinc interpolator (32 taps, Hann), a
 * fractional delay, a carrier offset, a phase, a gain and complex white Gaussian noise.
 * rx[m] = g e^(j (phase + 2 pi cfo m)) x(m / ratio - delay) + n[m].
 */
final class FrontEnd {
    private static final int HALF = 16;

    double ratio = 1;
    double delay;
    /** Cycles per received sample. */
    double cfo;
    double phase;
    double gain = 1;
    /** Complex noise variance per sample (0: none). */
    double noise;
    long seed = 1;

    /** The received samples for tx (interleaved), as many as the transmitted span covers. */
    float[] apply(float[] tx) {
        int n = tx.length / 2;
        int m = (int) Math.floor((n - HALF - 1 + delay) * ratio);
        float[] out = new float[2 * Math.max(m, 0)];
        SplittableRandom rnd = new SplittableRandom(seed);
        double sigma = Math.sqrt(noise / 2);
        for (int k = 0; k < m; k++) {
            double tau = k / ratio - delay;
            int i = (int) Math.floor(tau);
            double re = 0;
            double im = 0;
            for (int j = i - HALF + 1; j <= i + HALF; j++) {
                if (j < 0 || j >= n) {
                    continue;
                }
                double x = tau - j;
                double s = Math.abs(x) < 1e-12 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
                double w = 0.5 + 0.5 * Math.cos(Math.PI * x / HALF);
                re += tx[2 * j] * s * w;
                im += tx[2 * j + 1] * s * w;
            }
            double th = phase + 2 * Math.PI * cfo * k;
            double c = gain * Math.cos(th);
            double d = gain * Math.sin(th);
            out[2 * k] = (float) (c * re - d * im + sigma * rnd.nextGaussian());
            out[2 * k + 1] = (float) (d * re + c * im + sigma * rnd.nextGaussian());
        }
        return out;
    }
}
