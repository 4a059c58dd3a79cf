package org.grmodelfree.train;

import java.util.Locale;

/** What is subtracted from the fed-back losses before the policy gradient (variance reduction). */
public enum Baseline {
    /** The plain estimator of the paper. */
    NONE,
    /** The mean loss of the batch. */
    MEAN,
    /**
     * For each example, the mean loss of the batch's other examples of the same message (leave one
     * out, so the baseline never depends on the example's own exploration noise); the mean of all
     * the other examples when the message occurs once. Not with mirrored exploration, where the
     * other copy of a message carries the same noise with its sign flipped.
     */
    MESSAGE;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The ids, as an error message lists them: "none, mean or message". */
    public static String choices() {
        Baseline[] v = values();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : i == v.length - 1 ? " or " : ", ").append(v[i].id());
        }
        return b.toString();
    }

    /** The ids in declaration order. */
    public static java.util.List<String> ids() {
        return java.util.Arrays.stream(values()).map(Baseline::id).toList();
    }

    public static Baseline parse(String s) {
        for (Baseline b : values()) {
            if (b.id().equalsIgnoreCase(s)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown baseline '" + s + "', expected " + choices());
    }
}
