package org.grmodelfree.semantic.data;

/** A data file that cannot be used: wrong magic number, truncated, or not matching its partner file. */
public final class DatasetFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatasetFormatException(String message) {
        super(message);
    }

    public DatasetFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
