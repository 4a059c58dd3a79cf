package org.grmodelfree.sweep;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * What a cell produced: its learning curve and final BLER figures when it finished, or the error of
 * its last attempt when every attempt failed. Written as one JSON file per cell.
 *
 * @param key the cell's key
 * @param axes the cell's axes (as in {@link Cell})
 * @param status {@link #DONE} or {@link #FAILED}
 * @param error the last attempt's error (exception and message, with its first frames), or null
 * @param attempts attempts made, counting the last
 * @param executor where the last attempt ran (Spark executor id and host)
 * @param seconds the last attempt's wall-clock time, training and evaluation
 * @param trainSeconds the training part of it
 * @param iterations iterations trained
 * @param stoppedBy "iterations" or "patience"
 * @param curve the learning curve: iteration, BLER on the validation set, mean receiver loss since the previous point
 * @param bler BLER at the training SNR after training
 * @param blerErrors its block errors
 * @param blerMessages its messages
 * @param blerMinDistance BLER of minimum-distance decisions on the learned codebook (AWGN only), or null
 * @param snrCurve BLER after training at each measured SNR
 */
public record CellResult(String key, LinkedHashMap<String, String> axes, String status, String error, int attempts,
                         String executor, double seconds, double trainSeconds, int iterations, String stoppedBy,
                         List<CurvePoint> curve, Double bler, Long blerErrors, Long blerMessages,
                         Double blerMinDistance, List<SnrPoint> snrCurve) implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String DONE = "done";
    public static final String FAILED = "failed";

    /** A learning-curve point. */
    public record CurvePoint(int iteration, double bler, double rxLoss) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** A point of the BLER curve after training. */
    public record SnrPoint(double snrDb, double bler, long errors, long messages) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    public CellResult {
        curve = curve == null ? List.of() : List.copyOf(curve);
        snrCurve = snrCurve == null ? List.of() : List.copyOf(snrCurve);
        axes = axes == null ? new LinkedHashMap<>() : new LinkedHashMap<>(axes);
    }

    @Override
    public LinkedHashMap<String, String> axes() {
        return new LinkedHashMap<>(axes);
    }

    public boolean done() {
        return DONE.equals(status);
    }

    /** The result of a cell that failed every attempt. */
    static CellResult failed(Cell cell, String error, int attempts, String executor, double seconds) {
        return new CellResult(cell.key(), cell.axes(), FAILED, error, attempts, executor, seconds, 0, 0, null,
                List.of(), null, null, null, null, List.of());
    }

    /**
     * This result under another grid's axes: a finished cell that a grid with more (or renamed)
     * axes reuses, since its key, the run itself, is the same.
     */
    CellResult withAxes(LinkedHashMap<String, String> newAxes) {
        return new CellResult(key, newAxes, status, error, attempts, executor, seconds, trainSeconds, iterations,
                stoppedBy, curve, bler, blerErrors, blerMessages, blerMinDistance, snrCurve);
    }

    /** This result as made by another attempt at another place. */
    CellResult attempt(int attempts, String executor) {
        return new CellResult(key, axes, status, error, attempts, executor, seconds, trainSeconds, iterations,
                stoppedBy, curve, bler, blerErrors, blerMessages, blerMinDistance, snrCurve);
    }

    /**
     * The same result without what depends on where and when it ran (times, attempts, executor):
     * results of the same cell computed anywhere compare equal this way.
     */
    public CellResult figures() {
        return new CellResult(key, axes, status, error, 0, null, 0, 0, iterations, stoppedBy, curve, bler,
                blerErrors, blerMessages, blerMinDistance, snrCurve);
    }
}
