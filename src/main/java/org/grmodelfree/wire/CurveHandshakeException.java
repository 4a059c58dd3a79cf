package org.grmodelfree.wire;

/**
 * A CURVE client gave up: its handshakes with the server failed several times in a row, because
 * the server does not allow this client's key, or the server's key is not the one this client was
 * given. The message names the server and the file the server's key came from.
 */
public final class CurveHandshakeException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public CurveHandshakeException(String message) {
        super(message);
    }
}
