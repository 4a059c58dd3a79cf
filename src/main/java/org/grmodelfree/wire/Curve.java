package org.grmodelfree.wire;

import java.util.Objects;

/**
 * CURVE security of one socket (RFC 26, CurveZMQ): the socket's own key pair and its role. A
 * server (a bound message output) lets in only the clients its {@link CurveAuth} allows; a
 * client (a connected message input) must know the server's public key. Messages on a CURVE
 * link are encrypted and authenticated; a peer that fails the handshake never gets a message
 * through. Immutable.
 */
public final class Curve {

    private final CurveKeys.Pair own;
    private final CurveAuth auth;
    private final byte[] serverKey;
    private final String serverKeySource;

    private Curve(CurveKeys.Pair own, CurveAuth auth, byte[] serverKey, String serverKeySource) {
        this.own = Objects.requireNonNull(own, "own key pair");
        this.auth = auth;
        this.serverKey = serverKey;
        this.serverKeySource = serverKeySource;
    }

    /**
     * A CURVE server: its clients are checked by {@code auth}, which must serve the context the
     * socket is made in.
     */
    public static Curve server(CurveKeys.Pair own, CurveAuth auth) {
        return new Curve(own, Objects.requireNonNull(auth, "auth"), null, null);
    }

    /**
     * A CURVE client of the server whose public key is {@code serverKey}.
     *
     * @param serverKeySource where the server's key came from (a file), for the message when the
     *     server refuses this client or its key is another
     */
    public static Curve client(CurveKeys.Pair own, byte[] serverKey, String serverKeySource) {
        if (serverKey == null || serverKey.length != 32) {
            throw new IllegalArgumentException("a CURVE server key has 32 bytes");
        }
        return new Curve(own, null, serverKey.clone(), Objects.requireNonNull(serverKeySource, "serverKeySource"));
    }

    public boolean isServer() {
        return auth != null;
    }

    CurveAuth auth() {
        return auth;
    }

    String serverKeySource() {
        return serverKeySource;
    }

    /**
     * Sets the socket's CURVE options, before it binds or connects.
     *
     * @param socket modified
     * @param zapDomain the server's ZAP domain from {@link CurveAuth#register}; ignored for a client
     */
    void apply(org.zeromq.ZMQ.Socket socket, String zapDomain) {
        if (isServer()) {
            socket.setZapDomain(zapDomain);
            socket.setCurveServer(true);
            socket.setCurveSecretKey(own.secretKey());
        } else {
            socket.setCurvePublicKey(own.publicKey());
            socket.setCurveSecretKey(own.secretKey());
            socket.setCurveServerKey(serverKey);
        }
    }

    @Override
    public String toString() {
        return isServer() ? "CURVE server (" + own + ", clients in " + auth.clients() + ")"
                : "CURVE client (" + own + ", server key from " + serverKeySource + ")";
    }
}
