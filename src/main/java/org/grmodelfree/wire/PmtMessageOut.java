package org.grmodelfree.wire;

import org.zeromq.SocketType;
import org.zeromq.ZContext;

/**
 * PMT messages out to a GNU Radio message port, as gr-zeromq's {@code push_msg_sink} sends
 * them: a PUSH socket, one serialised PMT ({@link PmtCodec}) per frame. Feeds a GNU Radio
 * {@code pull_msg_source}, which binds or connects as its {@code bind} argument says: this end
 * does the opposite. A send waits up to the send timeout for a peer, then throws
 * {@link PeerTimeoutException}.
 *
 * <p>Serialises into a buffer that grows only for larger messages. Not thread-safe.
 */
public final class PmtMessageOut implements AutoCloseable {

    /** Default send timeout. */
    public static final int DEFAULT_SEND_TIMEOUT_MILLIS = 5000;
    private static final int LINGER_MILLIS = 200;

    private final FrameSocket frames;
    private byte[] buf = new byte[256];

    /**
     * @param context owned by the caller, who closes it after this
     * @param address address to bind or connect; null binds {@link Endpoints#DEFAULT_BIND}
     * @param bind bind (true) or connect (false)
     * @param sendTimeoutMillis how long a send may wait for the peer
     */
    public PmtMessageOut(ZContext context, String address, boolean bind, int sendTimeoutMillis) {
        this.frames = new FrameSocket(context, SocketType.PUSH, "PMT message output", address,
                bind, sendTimeoutMillis, 0, LINGER_MILLIS);
    }

    /**
     * Sends one PMT as one frame.
     *
     * @param message not modified
     * @throws IllegalArgumentException if the PMT cannot be serialised for GNU Radio
     * @throws PeerTimeoutException if no peer takes it within the send timeout
     */
    public void send(Pmt message) {
        int len = PmtCodec.serializedSize(message);
        if (buf.length < len) {
            buf = new byte[Math.max(len, 2 * buf.length)];
        }
        PmtCodec.serialize(message, buf, 0);
        frames.send(buf, len, "a PMT message of " + len + " bytes");
    }

    /** @return the endpoint bound (with the real port) or connected to */
    public String endpoint() {
        return frames.endpoint();
    }

    /** Closes the socket, lingering briefly so a last message still goes out. Idempotent. */
    @Override
    public void close() {
        frames.close();
    }
}
