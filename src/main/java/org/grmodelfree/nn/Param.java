package org.grmodelfree.nn;

import org.ejml.data.FMatrixRMaj;

/**
 * A trainable tensor and its gradient, of the same shape. Layers write {@link #grad} in their
 * backward pass (overwriting it); optimisers read it and update {@link #value} in place.
 */
public final class Param {
    private final String name;
    private final FMatrixRMaj value;
    private final FMatrixRMaj grad;

    public Param(String name, int rows, int cols) {
        this.name = name;
        this.value = new FMatrixRMaj(rows, cols);
        this.grad = new FMatrixRMaj(rows, cols);
    }

    public String name() {
        return name;
    }

    public FMatrixRMaj value() {
        return value;
    }

    public FMatrixRMaj grad() {
        return grad;
    }

    public int size() {
        return value.getNumElements();
    }
}
