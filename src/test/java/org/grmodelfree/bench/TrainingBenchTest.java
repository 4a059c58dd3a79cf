package org.grmodelfree.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.grmodelfree.train.LearningCurve;
import org.junit.jupiter.api.Test;

class TrainingBenchTest {

    private static List<LearningCurve.Point> curve(double... seconds) {
        List<LearningCurve.Point> pts = new ArrayList<>();
        for (int i = 0; i < seconds.length; i++) {
            pts.add(new LearningCurve.Point(i + 1, seconds[i], Double.NaN, 1.0, Double.NaN));
        }
        return pts;
    }

    @Test
    void iterationTimesLeaveOutTheWarmUp() {
        // start-up (5 s to the first point) and a slow second iteration, then 10, 20, 10, 40 ms
        List<LearningCurve.Point> pts = curve(5.0, 6.0, 6.010, 6.030, 6.040, 6.080);
        TrainingBench.IterationTimes t = TrainingBench.IterationTimes.of(pts, 2);
        assertEquals(4, t.iterations());
        assertEquals(20.0, t.meanMs(), 1e-9);
        assertEquals(20.0, t.medianMs(), 1e-9); // sorted 10, 10, 20, 40: the upper middle

        TrainingBench.IterationTimes all = TrainingBench.IterationTimes.of(pts, 1);
        assertEquals(5, all.iterations());
        assertEquals(216.0, all.meanMs(), 1e-9);
    }

    @Test
    void iterationTimesNeedPointsAfterTheWarmUp() {
        List<LearningCurve.Point> pts = curve(1.0, 1.1);
        assertThrows(IllegalArgumentException.class, () -> TrainingBench.IterationTimes.of(pts, 2));
        assertThrows(IllegalArgumentException.class, () -> TrainingBench.IterationTimes.of(pts, 0));
    }
}
