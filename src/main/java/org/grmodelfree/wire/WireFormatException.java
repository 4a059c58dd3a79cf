package org.grmodelfree.wire;

/**
 * Bytes received from a peer are not a valid frame or message of the expected format.
 *
 * <p>Unchecked on purpose: every decoder in this package throws it for bad input and nothing
 * else, so a socket loop catches exactly this type, logs {@link #getMessage()} and drops the
 * frame, while codec signatures stay plain. The message always names the format and the
 * problem, with byte positions counted from the start of the decoded region, for example
 * {@code "PMT: unknown type tag 0x42 at byte 17"}.
 *
 * <p>Values a caller tries to <em>encode</em> that cannot go on the wire (a NaN loss, a symbol
 * too long for GNU Radio) are programming errors and raise {@link IllegalArgumentException}
 * instead.
 */
public final class WireFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong and where, prefixed with the format name
     */
    public WireFormatException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong and where, prefixed with the format name
     * @param cause the lower-level failure (for example from the msgpack library)
     */
    public WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
