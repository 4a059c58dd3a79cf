package org.grmodelfree.nn;

import java.util.List;
import java.util.random.RandomGenerator;
import org.ejml.data.FMatrixRMaj;

/** Lookup table: row i of the output is row idx[i] of a (count x dim) table, initialised uniform in +-0.05. */
public final class Embedding implements Layer {
    private final Param table;

    public Embedding(String name, int count, int dim, RandomGenerator rng) {
        table = new Param(name + ".table", count, dim);
        float[] d = table.value().data;
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) ((2 * rng.nextDouble() - 1) * 0.05);
        }
    }

    public Param table() {
        return table;
    }

    /** y[i, :] = table[idx[i], :] for i below y.numRows. idx not modified, y modified. */
    public void forward(int[] idx, FMatrixRMaj y) {
        int dim = table.value().numCols;
        if (y.numCols != dim) {
            throw new IllegalArgumentException("Embedding: output has " + y.numCols + " columns, table " + dim);
        }
        for (int i = 0; i < y.numRows; i++) {
            System.arraycopy(table.value().data, checkIndex(idx[i]) * dim, y.data, i * dim, dim);
        }
    }

    /** Overwrites the table gradient with the scatter-sum of gy's rows at idx. idx and gy not modified. */
    public void backward(int[] idx, FMatrixRMaj gy) {
        float[] g = table.grad().data;
        java.util.Arrays.fill(g, 0f);
        int dim = table.value().numCols;
        for (int i = 0; i < gy.numRows; i++) {
            int o = checkIndex(idx[i]) * dim;
            for (int j = 0; j < dim; j++) {
                g[o + j] += gy.data[i * dim + j];
            }
        }
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= table.value().numRows) {
            throw new IllegalArgumentException("Embedding: index " + i + " outside 0.." + (table.value().numRows - 1));
        }
        return i;
    }

    @Override
    public List<Param> params() {
        return List.of(table);
    }
}
