package org.grmodelfree.semantic.model;

import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.semantic.data.Dataset;

/**
 * One batch of images cut into the agents' quadrants: quadrant a of every image in
 * {@link #quadrant(int)}, one row per image, and the labels. Buffers are sized once for the largest
 * batch and reused.
 */
public final class QuadrantBatch {
    private final FMatrixRMaj[] quads;
    private final int[] labels;
    private int size;

    public QuadrantBatch(int agents, int maxBatch, int pixelsPerQuadrant) {
        quads = new FMatrixRMaj[agents];
        for (int a = 0; a < agents; a++) {
            quads[a] = new FMatrixRMaj(maxBatch, pixelsPerQuadrant);
        }
        labels = new int[maxBatch];
    }

    /**
     * Loads images order[from .. from+count) of d. Throws when d's images do not cut into the
     * quadrants this batch holds (e.g. not 28 x 28 for 14 x 14 quadrants).
     */
    public QuadrantBatch fill(Dataset d, int[] order, int from, int count) {
        checkShape(d, quads[0].numCols);
        if (count > labels.length) {
            throw new IllegalArgumentException("batch of " + count + " images, room for " + labels.length);
        }
        for (int a = 0; a < quads.length; a++) {
            quads[a].reshape(count, quads[a].numCols);
            d.gatherQuadrant(order, from, count, a, quads[a].data);
        }
        d.gatherLabels(order, from, count, labels);
        size = count;
        return this;
    }

    /** Throws a clear error unless d's images are 2h x 2w with h * w = pixelsPerQuadrant and square quadrants. */
    public static void checkShape(Dataset d, int pixelsPerQuadrant) {
        if (d.height() % 2 != 0 || d.width() % 2 != 0 || d.pixelsPerQuadrant() != pixelsPerQuadrant) {
            int side = (int) Math.round(Math.sqrt(pixelsPerQuadrant));
            throw new IllegalArgumentException(d.name() + ": images are " + d.height() + " x " + d.width()
                    + ", the agents need " + 2 * side + " x " + 2 * side + " images (four " + side + " x " + side
                    + " quadrants)");
        }
    }

    /** Quadrant a of the batch, size() x pixels (live). */
    public FMatrixRMaj quadrant(int a) {
        return quads[a];
    }

    /** The labels, first size() entries valid (live). */
    public int[] labels() {
        return labels;
    }

    public int size() {
        return size;
    }
}
