package org.grmodelfree.comm.sync;

/**
 * A reference matched filter with decimation for the tests: the received samples are convolved with the (real, symmetric)
 * taps and every {@code sps}-th filtered sample is kept, starting at {@code phase}. After a
 * {@link PulseShaper} with the same taps, symbol m peaks at filtered sample
 * {@code m * sps + taps - 1}, so {@code phase = taps - 1} (plus the channel delay) recovers the
 * symbols. The filter output buffer is preallocated for {@code maxSamples} input samples; the
 * process methods do not allocate.
 */
final class MatchedFilter {
    private final float[] taps;
    private final int sps;
    private final float[] filtered;

    public MatchedFilter(float[] taps, int sps, int maxSamples) {
        if (sps < 1 || taps.length == 0 || maxSamples < 1) {
            throw new IllegalArgumentException("matched filter: need sps >= 1, taps and maxSamples >= 1");
        }
        this.taps = taps.clone();
        this.sps = sps;
        this.filtered = new float[2 * (maxSamples + taps.length - 1)];
    }

    /** The filtered samples of the last call (interleaved), valid up to its filtered length. */
    public float[] filtered() {
        return filtered;
    }

    /**
     * Full convolution of {@code n} complex samples with the taps into {@code out} (at least
     * {@code 2 * (n + taps - 1)} floats); returns the number of complex samples written.
     */
    public int filter(float[] in, int n, float[] out) {
        int len = n + taps.length - 1;
        java.util.Arrays.fill(out, 0, 2 * len, 0f);
        for (int i = 0; i < n; i++) {
            float re = in[2 * i];
            float im = in[2 * i + 1];
            if (re == 0f && im == 0f) {
                continue;
            }
            for (int k = 0; k < taps.length; k++) {
                out[2 * (i + k)] += re * taps[k];
                out[2 * (i + k) + 1] += im * taps[k];
            }
        }
        return len;
    }

    /**
     * Filters {@code n} samples (at most maxSamples) and writes the filtered samples at
     * {@code phase, phase + sps, ...} into {@code symbols}, at most {@code maxSymbols}; returns the
     * number of symbols written.
     */
    public int process(float[] in, int n, int phase, float[] symbols, int maxSymbols) {
        if (2 * (n + taps.length - 1) > filtered.length) {
            throw new IllegalArgumentException("matched filter: " + n + " samples exceed the preallocated buffer");
        }
        int len = filter(in, n, filtered);
        int count = 0;
        for (int i = phase; i < len && count < maxSymbols; i += sps) {
            symbols[2 * count] = filtered[2 * i];
            symbols[2 * count + 1] = filtered[2 * i + 1];
            count++;
        }
        return count;
    }
}
