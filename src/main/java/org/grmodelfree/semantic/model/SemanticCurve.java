package org.grmodelfree.semantic.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The learning curve of a semantic run: one point per epoch. */
public final class SemanticCurve {
    /**
     * One epoch.
     *
     * @param epoch epochs done
     * @param seconds wall-clock training time so far
     * @param cpuSeconds CPU time of the training threads so far
     * @param rxLoss mean training cross-entropy of the receiver (or joint) steps of the epoch
     * @param txLoss mean cross-entropy of the transmitter steps (rl, with exploration), NaN otherwise
     * @param sigma2 exploration variance at the end of the epoch (rl)
     * @param testLoss cross-entropy on the test images, SNR drawn from the training range
     * @param testAccuracy accuracy on the same
     */
    public record Point(int epoch, double seconds, double cpuSeconds, double rxLoss, double txLoss, double sigma2,
                        double testLoss, double testAccuracy) {
        /** The fields in order, as a CSV row. */
        public double[] toArray() {
            return new double[] {epoch, seconds, cpuSeconds, rxLoss, txLoss, sigma2, testLoss, testAccuracy};
        }

        /** The inverse of {@link #toArray()}. */
        public static Point of(double[] v) {
            if (v.length != COLUMNS.size()) {
                throw new IllegalArgumentException("a learning-curve point has " + COLUMNS.size() + " values, not "
                        + v.length);
            }
            return new Point((int) v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
        }
    }

    /** Column names of {@link Point#toArray()}. */
    public static final List<String> COLUMNS = List.of("epoch", "seconds", "cpu_seconds", "rx_loss", "tx_loss",
            "sigma2", "test_loss", "test_accuracy");

    private final List<Point> points = new ArrayList<>();

    public void add(Point p) {
        points.add(p);
    }

    public List<Point> points() {
        return Collections.unmodifiableList(points);
    }

    /** The last point, or null. */
    public Point last() {
        return points.isEmpty() ? null : points.get(points.size() - 1);
    }
}
