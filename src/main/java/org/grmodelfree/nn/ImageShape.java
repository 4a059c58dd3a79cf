package org.grmodelfree.nn;

/**
 * The shape of one example of a 4-D activation tensor: channels x height x width. A batch of B such
 * examples is an {@link org.ejml.data.FMatrixRMaj} of B rows and {@link #size()} columns in NCHW
 * order, so channel c at pixel (y, x) of example b is element (b, (c * height + y) * width + x). A
 * one-channel image is then simply its pixels, row by row.
 */
public record ImageShape(int channels, int height, int width) {

    public ImageShape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("ImageShape: " + channels + "x" + height + "x" + width
                    + " has an empty dimension");
        }
    }

    /** Pixels per channel, height * width. */
    public int pixels() {
        return height * width;
    }

    /** Values per example, channels * height * width. */
    public int size() {
        return channels * height * width;
    }

    /** The same spatial size with another channel count. */
    public ImageShape withChannels(int c) {
        return new ImageShape(c, height, width);
    }

    /** Throws unless x holds whole examples of this shape (B x size()). */
    void check(String who, org.ejml.data.FMatrixRMaj x) {
        if (x.numCols != size()) {
            throw new IllegalArgumentException(String.format("%s: %d columns per row, %s needs %d",
                    who, x.numCols, this, size()));
        }
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
