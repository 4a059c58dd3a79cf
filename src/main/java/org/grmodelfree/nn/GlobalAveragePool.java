package org.grmodelfree.nn;

import org.ejml.data.FMatrixRMaj;

/**
 * Global average pooling of an NCHW tensor ({@link ImageShape}): y[b, c] = the mean of channel c
 * of example b over its pixels. The output has one row per example and one column per channel,
 * ready for {@link Dense}. Stateless.
 */
public final class GlobalAveragePool {
    private GlobalAveragePool() {
    }

    /** x (B x shape.size()) not modified, y (B x shape.channels()) modified. */
    public static void forward(ImageShape shape, FMatrixRMaj x, FMatrixRMaj y) {
        shape.check("GlobalAveragePool input", x);
        checkPooled(shape, x, y);
        int hw = shape.pixels();
        float inv = 1f / hw;
        float[] xd = x.data;
        float[] yd = y.data;
        for (int i = 0, o = 0; i < y.getNumElements(); i++, o += hw) {
            float s = 0f;
            for (int p = 0; p < hw; p++) {
                s += xd[o + p];
            }
            yd[i] = s * inv;
        }
    }

    /** gx[b, c, :, :] = gy[b, c] / pixels. gy (B x shape.channels()) not modified, gx (B x shape.size()) modified. */
    public static void backward(ImageShape shape, FMatrixRMaj gy, FMatrixRMaj gx) {
        shape.check("GlobalAveragePool input gradient", gx);
        checkPooled(shape, gx, gy);
        int hw = shape.pixels();
        float inv = 1f / hw;
        float[] gd = gy.data;
        for (int i = 0, o = 0; i < gy.getNumElements(); i++, o += hw) {
            java.util.Arrays.fill(gx.data, o, o + hw, gd[i] * inv);
        }
    }

    private static void checkPooled(ImageShape shape, FMatrixRMaj full, FMatrixRMaj pooled) {
        if (pooled.numCols != shape.channels() || pooled.numRows != full.numRows) {
            throw new IllegalArgumentException(String.format(
                    "GlobalAveragePool: pooled matrix is %dx%d, expected %dx%d", pooled.numRows, pooled.numCols,
                    full.numRows, shape.channels()));
        }
    }
}
