package org.grmodelfree.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The per-iteration record of a run: losses every iteration, a BLER estimate where one was made. */
public final class LearningCurve {
    /** One row; bler is NaN where no estimate was made. */
    public record Point(int iteration, double seconds, double rxLoss, double txLoss, double bler) {
    }

    private final List<Point> points = new ArrayList<>();

    public void add(Point p) {
        points.add(p);
    }

    public List<Point> points() {
        return Collections.unmodifiableList(points);
    }

    /** The best (lowest) BLER estimate so far, NaN if none. */
    public double bestBler() {
        double best = Double.NaN;
        for (Point p : points) {
            if (!Double.isNaN(p.bler()) && !(p.bler() >= best)) {
                best = p.bler();
            }
        }
        return best;
    }
}
