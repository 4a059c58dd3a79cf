package org.grmodelfree.semantic.model;

import java.util.Arrays;
import java.util.Locale;

/** How the semantic system is trained. */
public enum SemanticMethod {
    /** RL-SINFONY: alternating receiver steps and policy-gradient transmitter steps, no channel model. */
    RL("rl"),
    /** SINFONY: one network, the gradient flows through a Gaussian noise layer (the channel model). */
    MODEL_AWARE("model-aware"),
    /** The same network trained and evaluated with the features sent unimpaired (no noise). */
    PERFECT("perfect");

    private final String id;

    SemanticMethod(String id) {
        this.id = id;
    }

    /** The command-line and file name of the method. */
    public String id() {
        return id;
    }

    /** The method named id (case-insensitive). */
    public static SemanticMethod parse(String id) {
        for (SemanticMethod m : values()) {
            if (m.id.equalsIgnoreCase(id)) {
                return m;
            }
        }
        throw new IllegalArgumentException("method must be one of " + Arrays.stream(values()).map(SemanticMethod::id)
                .toList() + ", not '" + id.toLowerCase(Locale.ROOT) + "'");
    }
}
