package org.grmodelfree.comm;

import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;

/**
 * A built-in channel: rows of N complex symbols in, rows out. The model-free trainers only call
 * {@link #apply}; {@link #backward} exists for the model-aware baseline, which is the one method
 * that needs a differentiable channel.
 */
public interface Channel {
    ChannelKind kind();

    /** Es / sigma^2 in dB, with Es = 1 per complex symbol. */
    double snrDb();

    /** y = channel(x) with fresh randomness from rng. x not modified; y reshaped to x's shape and modified. */
    void apply(FMatrixRMaj x, FMatrixRMaj y, RandomGenerator rng);

    /** gx = dL/dx for the last {@link #apply}, given gy = dL/dy. gy not modified; gx reshaped and modified. */
    void backward(FMatrixRMaj gy, FMatrixRMaj gx);

    /** Noise variance per complex symbol, sigma^2 = 10^(-snrDb/10). */
    static double noiseVariance(double snrDb) {
        return Math.pow(10, -snrDb / 10);
    }
}
