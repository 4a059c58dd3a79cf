package org.grmodelfree.report;

import java.util.Objects;

/**
 * One named curve for {@link Plots}: points {@code (x[i], y[i])} with an optional lower/upper
 * bound per point ({@code yLow[i]}, {@code yHigh[i]}), e.g. a confidence interval or a
 * mean&nbsp;&plusmn;&nbsp;one standard deviation band. The constructor stores copies of the
 * arrays, so later changes to the caller's arrays do not affect the series.
 *
 * @param name   legend label
 * @param x      x coordinates
 * @param y      y coordinates, same length as {@code x}
 * @param yLow   lower bounds, same length as {@code x}, or null (then {@code yHigh} is null too)
 * @param yHigh  upper bounds, same length as {@code x}, or null (then {@code yLow} is null too)
 * @param dashed draw the curve dashed (reference curves such as uncoded QPSK)
 */
public record Series(String name, double[] x, double[] y, double[] yLow, double[] yHigh,
                     boolean dashed) {

    /**
     * Validates and copies the arrays; none of the arguments is modified.
     *
     * @throws IllegalArgumentException if a length differs from {@code x.length} or only one of
     *                                  {@code yLow}/{@code yHigh} is given (message names the series)
     * @throws NullPointerException     if {@code name}, {@code x} or {@code y} is null
     */
    public Series {
        Objects.requireNonNull(name, "series name");
        Objects.requireNonNull(x, () -> "x of series '" + name + "'");
        Objects.requireNonNull(y, () -> "y of series '" + name + "'");
        if (y.length != x.length) {
            throw new IllegalArgumentException("series '" + name + "': y has " + y.length
                    + " values but x has " + x.length);
        }
        if ((yLow == null) != (yHigh == null)) {
            throw new IllegalArgumentException("series '" + name
                    + "': yLow and yHigh must both be given or both be null");
        }
        if (yLow != null && yLow.length != x.length) {
            throw new IllegalArgumentException("series '" + name + "': yLow has " + yLow.length
                    + " values but x has " + x.length);
        }
        if (yHigh != null && yHigh.length != x.length) {
            throw new IllegalArgumentException("series '" + name + "': yHigh has " + yHigh.length
                    + " values but x has " + x.length);
        }
        x = x.clone();
        y = y.clone();
        yLow = yLow == null ? null : yLow.clone();
        yHigh = yHigh == null ? null : yHigh.clone();
    }

    /**
     * A solid curve without bounds.
     *
     * @param name legend label
     * @param x    x coordinates; copied, not modified
     * @param y    y coordinates; copied, not modified
     * @return the series
     */
    public static Series line(String name, double[] x, double[] y) {
        return new Series(name, x, y, null, null, false);
    }

    /**
     * A dashed curve without bounds (drawn without markers, for reference curves).
     *
     * @param name legend label
     * @param x    x coordinates; copied, not modified
     * @param y    y coordinates; copied, not modified
     * @return the series
     */
    public static Series dashed(String name, double[] x, double[] y) {
        return new Series(name, x, y, null, null, true);
    }

    /**
     * A solid curve with per-point bounds (error bars or a shaded band, depending on the plot).
     *
     * @param name legend label
     * @param x    x coordinates; copied, not modified
     * @param mean y coordinates; copied, not modified
     * @param low  lower bounds; copied, not modified
     * @param high upper bounds; copied, not modified
     * @return the series
     */
    public static Series band(String name, double[] x, double[] mean, double[] low, double[] high) {
        Objects.requireNonNull(low, () -> "yLow of series '" + name + "'");
        Objects.requireNonNull(high, () -> "yHigh of series '" + name + "'");
        return new Series(name, x, mean, low, high, false);
    }
}
