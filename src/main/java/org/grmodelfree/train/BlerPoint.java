package org.grmodelfree.train;

/**
 * One Monte Carlo BLER measurement with its exact (Clopper-Pearson) 95% confidence interval.
 */
public record BlerPoint(double snrDb, long errors, long messages, double bler, double ciLow, double ciHigh) {
    public static BlerPoint of(double snrDb, long errors, long messages) {
        double[] ci = ClopperPearson.interval(errors, messages, 0.95);
        return new BlerPoint(snrDb, errors, messages, (double) errors / messages, ci[0], ci[1]);
    }
}
