package org.grmodelfree.comm;

import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;

/** y = x + n with n ~ CN(0, sigma^2), each real part of variance sigma^2 / 2. */
public final class AwgnChannel implements Channel {
    private final double snrDb;
    private final float std;

    public AwgnChannel(double snrDb) {
        if (!Double.isFinite(snrDb)) {
            throw new IllegalArgumentException("AWGN channel: SNR " + snrDb + " dB is not a number");
        }
        this.snrDb = snrDb;
        this.std = (float) Math.sqrt(Channel.noiseVariance(snrDb) / 2);
    }

    @Override
    public ChannelKind kind() {
        return ChannelKind.AWGN;
    }

    @Override
    public double snrDb() {
        return snrDb;
    }

    @Override
    public void apply(FMatrixRMaj x, FMatrixRMaj y, RandomGenerator rng) {
        y.reshape(x.numRows, x.numCols);
        int n = x.getNumElements();
        for (int i = 0; i < n; i++) {
            y.data[i] = x.data[i] + std * (float) rng.nextGaussian();
        }
    }

    @Override
    public void backward(FMatrixRMaj gy, FMatrixRMaj gx) {
        gx.reshape(gy.numRows, gy.numCols);
        System.arraycopy(gy.data, 0, gx.data, 0, gy.getNumElements());
    }
}
