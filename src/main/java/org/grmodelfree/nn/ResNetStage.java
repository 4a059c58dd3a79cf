package org.grmodelfree.nn;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;

/**
 * A ResNet stage (what the RL-SINFONY paper and its code call a "ResNet block"): a chain of
 * {@link ResidualUnit}s with the same output channel count. The first unit may downsample (stride 2,
 * projection shortcut); it also projects when the channel count changes. Returns live views of the units' buffers; the input given to {@link #forward} must stay
 * unmodified until {@link #backward}.
 */
public final class ResNetStage implements Layer {
    private final ResidualUnit[] units;

    /**
     * @param name prefix of the parameter names ({@code name.unit0.conv1.w}, ...)
     * @param in the shape of one input example
     * @param channels output channels of every unit
     * @param count number of residual units (at least 1)
     * @param downsample whether the first unit has stride 2
     * @param preActivation the units' ordering (see {@link ResidualUnit})
     */
    public ResNetStage(String name, ImageShape in, int channels, int count, boolean downsample,
                       boolean preActivation, RandomGenerator rng) {
        if (count < 1) {
            throw new IllegalArgumentException("ResNetStage " + name + ": " + count + " residual units");
        }
        units = new ResidualUnit[count];
        ImageShape shape = in;
        for (int u = 0; u < count; u++) {
            units[u] = new ResidualUnit(name + ".unit" + u, shape, channels, u == 0 && downsample ? 2 : 1,
                    preActivation, rng);
            shape = units[u].outShape();
        }
    }

    public ImageShape inShape() {
        return units[0].inShape();
    }

    public ImageShape outShape() {
        return units[units.length - 1].outShape();
    }

    public List<ResidualUnit> units() {
        return List.of(units);
    }

    /** Multiply-adds of one example's forward pass (convolutions only). */
    public long macsPerExample() {
        long m = 0;
        for (ResidualUnit u : units) {
            m += u.macsPerExample();
        }
        return m;
    }

    /** The stage's output for x (B x inShape().size(), not modified). */
    public FMatrixRMaj forward(FMatrixRMaj x, boolean training) {
        FMatrixRMaj h = x;
        for (ResidualUnit u : units) {
            h = u.forward(h, training);
        }
        return h;
    }

    /** Parameter gradients (overwritten) from dL/dy of the last forward pass; returns dL/dx. gy not modified. */
    public FMatrixRMaj backward(FMatrixRMaj gy) {
        FMatrixRMaj g = gy;
        for (int u = units.length - 1; u >= 0; u--) {
            g = units[u].backward(g);
        }
        return g;
    }

    @Override
    public List<Param> params() {
        return Arrays.stream(units).flatMap(u -> u.params().stream()).toList();
    }

    @Override
    public List<Param> buffers() {
        return Arrays.stream(units).flatMap(u -> u.buffers().stream()).toList();
    }
}
