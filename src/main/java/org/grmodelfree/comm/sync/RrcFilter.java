package org.grmodelfree.comm.sync;

/**
 * Root-raised-cosine filter design. The taps sample the RRC impulse response at {@code sps}
 * samples per symbol over {@code span} symbols ({@code span * sps + 1} taps, symmetric, centred
 * on tap {@code span * sps / 2}) and are scaled to unit energy, so that the RRC filter applied
 * twice (shaper and matched filter) gives a raised cosine with peak 1 and zero crossings at
 * every non-zero multiple of {@code sps} (up to the truncation of the span).
 */
public final class RrcFilter {
    private RrcFilter() {
    }

    /** Unit-energy RRC taps; span must be even so that the filter has a centre tap. */
    public static float[] design(int sps, double beta, int span) {
        return design(sps, beta, span, 0.0);
    }

    /**
     * Unit-energy RRC taps of the response delayed by {@code delay} samples (a fractional delay for
     * tests and simulated channels); the scale is that of the undelayed filter.
     */
    public static float[] design(int sps, double beta, int span, double delay) {
        if (sps < 1) {
            throw new IllegalArgumentException("rrc: samples per symbol must be positive, got " + sps);
        }
        if (!(beta > 0 && beta <= 1)) {
            throw new IllegalArgumentException("rrc: roll-off must lie in (0, 1], got " + beta);
        }
        if (span < 2 || span % 2 != 0) {
            throw new IllegalArgumentException("rrc: span must be a positive even number of symbols, got " + span);
        }
        int n = span * sps + 1;
        int centre = span * sps / 2;
        double energy = 0;
        for (int i = 0; i < n; i++) {
            double v = impulse((i - centre) / (double) sps, beta);
            energy += v * v;
        }
        double scale = 1.0 / Math.sqrt(energy);
        float[] taps = new float[n];
        for (int i = 0; i < n; i++) {
            taps[i] = (float) (scale * impulse((i - centre - delay) / (double) sps, beta));
        }
        return taps;
    }

    /** The RRC impulse response at t symbols (unnormalised: value 1 - beta + 4 beta / pi at 0). */
    public static double impulse(double t, double beta) {
        if (Math.abs(t) < 1e-9) {
            return 1 - beta + 4 * beta / Math.PI;
        }
        double x = 4 * beta * t;
        if (Math.abs(Math.abs(x) - 1) < 1e-9) {
            double a = Math.PI / (4 * beta);
            return beta / Math.sqrt(2) * ((1 + 2 / Math.PI) * Math.sin(a) + (1 - 2 / Math.PI) * Math.cos(a));
        }
        return (Math.sin(Math.PI * t * (1 - beta)) + x * Math.cos(Math.PI * t * (1 + beta)))
                / (Math.PI * t * (1 - x * x));
    }
}
