package org.grmodelfree.train;

import java.util.Locale;

/** What is subtracted from the fed-back losses before the policy gradient (variance reduction). */
public enum Baseline {
    /** The plain estimator of the paper. */
    NONE,
    /** The mean loss of the batch. */
    MEAN;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Baseline parse(String s) {
        for (Baseline b : values()) {
            if (b.id().equalsIgnoreCase(s)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown baseline '" + s + "', expected none or mean");
    }
}
