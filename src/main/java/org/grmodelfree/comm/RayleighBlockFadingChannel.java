package org.grmodelfree.comm;

import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;

/**
 * Rayleigh block fading: y = h x + n per message (row), h ~ CN(0, 1) drawn once per row and held
 * over its N symbols, n ~ CN(0, sigma^2).
 */
public final class RayleighBlockFadingChannel implements Channel {
    private final double snrDb;
    private final float std;
    private float[] h = new float[2];
    private int rows;

    public RayleighBlockFadingChannel(double snrDb) {
        if (!Double.isFinite(snrDb)) {
            throw new IllegalArgumentException("RBF channel: SNR " + snrDb + " dB is not a number");
        }
        this.snrDb = snrDb;
        this.std = (float) Math.sqrt(Channel.noiseVariance(snrDb) / 2);
    }

    @Override
    public ChannelKind kind() {
        return ChannelKind.RBF;
    }

    @Override
    public double snrDb() {
        return snrDb;
    }

    /** The fading coefficient of row r of the last apply: {re, im} at [2r], [2r+1]. Live. */
    public float[] gains() {
        return h;
    }

    @Override
    public void apply(FMatrixRMaj x, FMatrixRMaj y, RandomGenerator rng) {
        rows = x.numRows;
        if (h.length < 2 * rows) {
            h = new float[2 * rows];
        }
        y.reshape(x.numRows, x.numCols);
        float hs = (float) Math.sqrt(0.5);
        int w = x.numCols;
        for (int r = 0; r < rows; r++) {
            float hr = hs * (float) rng.nextGaussian();
            float hi = hs * (float) rng.nextGaussian();
            h[2 * r] = hr;
            h[2 * r + 1] = hi;
            for (int j = r * w; j < r * w + w; j += 2) {
                float xr = x.data[j];
                float xi = x.data[j + 1];
                y.data[j] = hr * xr - hi * xi + std * (float) rng.nextGaussian();
                y.data[j + 1] = hr * xi + hi * xr + std * (float) rng.nextGaussian();
            }
        }
    }

    @Override
    public void backward(FMatrixRMaj gy, FMatrixRMaj gx) {
        if (gy.numRows != rows) {
            throw new IllegalStateException("RBF channel: gradient for " + gy.numRows + " rows, last apply had " + rows);
        }
        gx.reshape(gy.numRows, gy.numCols);
        int w = gy.numCols;
        for (int r = 0; r < rows; r++) {
            float hr = h[2 * r];
            float hi = h[2 * r + 1];
            for (int j = r * w; j < r * w + w; j += 2) {
                float gr = gy.data[j];
                float gi = gy.data[j + 1];
                gx.data[j] = hr * gr + hi * gi;
                gx.data[j + 1] = hr * gi - hi * gr;
            }
        }
    }
}
