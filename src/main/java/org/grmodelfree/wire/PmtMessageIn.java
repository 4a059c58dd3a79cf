package org.grmodelfree.wire;

import org.zeromq.SocketType;
import org.zeromq.ZContext;

/**
 * PMT messages in from a GNU Radio message port, as gr-zeromq's {@code pull_msg_source}
 * receives them: a PULL socket, one serialised PMT ({@link PmtCodec}) per frame. Fed by a GNU
 * Radio {@code push_msg_sink}, which binds or connects as its {@code bind} argument says: this
 * end does the opposite.
 *
 * <p>Like GNU Radio, a garbage frame is skipped: {@link #rejectedCount()} goes up,
 * {@link #lastRejection()} says why (the caller logs it), and {@link #receive} keeps waiting for
 * a good frame until its timeout, then throws {@link PeerTimeoutException}.
 *
 * <p>Receives into a buffer allocated at construction; the decoded PMT is new. Not thread-safe.
 */
public final class PmtMessageIn implements AutoCloseable {

    /** Default receive limit per message. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;
    private static final FrameSocket.Decoder<Pmt> DECODER = PmtCodec::deserialize;

    private final FrameSocket frames;

    /**
     * @param context owned by the caller, who closes it after this
     * @param address address to bind or connect; null binds {@link Endpoints#DEFAULT_BIND}
     * @param bind bind (true) or connect (false)
     * @param maxMessageBytes longest message received; longer ones are skipped and counted
     */
    public PmtMessageIn(ZContext context, String address, boolean bind, int maxMessageBytes) {
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("PMT message input: max message bytes "
                    + maxMessageBytes + " < 1");
        }
        this.frames = new FrameSocket(context, SocketType.PULL, "PMT message input", address,
                bind, 0, maxMessageBytes, 0);
    }

    /**
     * Returns the next valid PMT, skipping and counting garbage frames.
     *
     * @param timeoutMillis how long to wait in all; 0 takes only what has arrived
     * @throws PeerTimeoutException if no valid message arrives in time
     */
    public Pmt receive(long timeoutMillis) {
        return frames.receiveValid(timeoutMillis, DECODER, "PMT message");
    }

    /** @return garbage frames skipped so far */
    public long rejectedCount() {
        return frames.rejectedCount();
    }

    /** @return why the last garbage frame was skipped, naming the endpoint, or "" if none was */
    public String lastRejection() {
        return frames.lastRejection();
    }

    /** @return the endpoint bound (with the real port) or connected to */
    public String endpoint() {
        return frames.endpoint();
    }

    /** Closes the socket at once (linger 0). Idempotent. */
    @Override
    public void close() {
        frames.close();
    }
}
