package org.grmodelfree.train;

import java.util.Locale;

/** How the transmitter learns. */
public enum Method {
    /** Model-free: supervised receiver phase, policy-gradient transmitter phase. */
    ALTERNATING,
    /** Model-aware baseline: one network through a differentiable channel model. */
    SUPERVISED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Method parse(String s) {
        for (Method m : values()) {
            if (m.id().equalsIgnoreCase(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown method '" + s + "', expected alternating or supervised");
    }
}
