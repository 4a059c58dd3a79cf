package org.grmodelfree.store;

/** A model file that cannot be used: not msgpack, not ours, truncated, or not fitting the model. */
public final class ModelFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
