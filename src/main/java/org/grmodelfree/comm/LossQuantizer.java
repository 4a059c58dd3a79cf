package org.grmodelfree.comm;

/**
 * What a narrow feedback link does to the per-example losses: uniform quantisation of a batch's
 * losses to 2^bits levels from 0 to the batch's largest loss (which itself is kept exactly, so the
 * receiver of 1-bit losses learns "small" or "as bad as the worst"). The loss-feedback block applies
 * it between processes, the embedded trainer in the same place of the loop.
 */
public final class LossQuantizer {
    /** The most bits a quantiser takes (float32 has 24 bits of mantissa). */
    public static final int MAX_BITS = 24;

    private LossQuantizer() {
    }

    /**
     * Quantises v[0..n) in place; bits 0 leaves them unchanged. Losses are cross-entropies, so not
     * negative; a negative value is treated as 0.
     */
    public static void quantize(float[] v, int n, int bits) {
        if (bits < 0 || bits > MAX_BITS) {
            throw new IllegalArgumentException("quantisation bits must lie in 0.." + MAX_BITS + ", got " + bits);
        }
        if (bits == 0) {
            return;
        }
        float max = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, v[i]);
        }
        double levels = (1L << bits) - 1;
        for (int i = 0; i < n; i++) {
            v[i] = max > 0 ? (float) (Math.rint(Math.max(v[i], 0f) / max * levels) * max / levels) : 0f;
        }
    }
}
