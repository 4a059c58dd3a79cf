package org.grmodelfree.wire;

/**
 * Why a CURVE server turned a client away, counted apart so that one kind never hides the other
 * in a sparse log: a client whose key its {@link CurveAuth} does not hold (the log names the key),
 * or a connection whose handshake broke (a wrong server key, a plain ZeroMQ client, garbage).
 */
public enum Refusal {
    /** The authenticator refused the client's public key. */
    KEY,
    /** The handshake failed before the authenticator saw a key. */
    HANDSHAKE
}
