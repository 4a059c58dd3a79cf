package org.grmodelfree.comm.sync;

/**
 * A reference upsampling pulse shaper for the tests (full convolution, block at a time): each complex symbol becomes {@code sps} samples, the symbols (as
 * impulses every {@code sps} samples) convolved with real filter taps. The output of
 * {@code n} symbols is the full convolution, {@code (n - 1) * sps + taps} complex samples; the
 * response to symbol m is centred on sample {@code m * sps + (taps - 1) / 2}. Allocation-free.
 */
final class PulseShaper {
    private final float[] taps;
    private final int sps;

    /** @param taps real filter taps (copied), e.g. {@link RrcFilter#design} */
    public PulseShaper(float[] taps, int sps) {
        if (sps < 1 || taps.length == 0) {
            throw new IllegalArgumentException("pulse shaper: need sps >= 1 and taps");
        }
        this.taps = taps.clone();
        this.sps = sps;
    }

    /** Complex output samples for n symbols. */
    public int outputLength(int symbols) {
        return (symbols - 1) * sps + taps.length;
    }

    /**
     * Shapes {@code n} interleaved complex symbols from {@code symbols} into {@code out} (at least
     * {@code 2 * outputLength(n)} floats) and returns the number of complex samples written.
     */
    public int process(float[] symbols, int n, float[] out) {
        int len = outputLength(n);
        java.util.Arrays.fill(out, 0, 2 * len, 0f);
        for (int m = 0; m < n; m++) {
            float re = symbols[2 * m];
            float im = symbols[2 * m + 1];
            int base = 2 * m * sps;
            for (int k = 0; k < taps.length; k++) {
                out[base + 2 * k] += re * taps[k];
                out[base + 2 * k + 1] += im * taps[k];
            }
        }
        return len;
    }
}
