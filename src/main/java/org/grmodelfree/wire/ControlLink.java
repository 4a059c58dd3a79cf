package org.grmodelfree.wire;

import org.zeromq.SocketType;
import org.zeromq.ZContext;

/**
 * A two-way link for {@link ControlMessage}s between two of the project's JVM blocks: one
 * msgpack map ({@link ControlCodec}) per ZeroMQ frame. One end binds, the other connects.
 *
 * <p>Socket type: DEALER at both ends. Both ends may send at any time, each frame is exactly one
 * message (no routing envelope, unlike ROUTER, whose sender must first learn the peer's
 * identity), and DEALER reconnects after the peer restarts, which ZeroMQ's PAIR is not built
 * to do over tcp. A send with no peer connected waits up to the send timeout, then throws
 * {@link PeerTimeoutException}. The link is meant for exactly one peer: with several connected,
 * DEALER would deal messages among them in turn. Over CURVE the bound end is a ROUTER instead, so
 * that a client still in its handshake takes nothing (see {@link FrameSocket}); the link behaves
 * the same otherwise.
 *
 * <p>Receive contract: {@link #receive} returns the next valid message. A malformed, unknown or
 * oversize frame never escapes as an exception: it is skipped, {@link #rejectedCount()} goes
 * up and {@link #lastRejection()} says why (the caller logs it), and the call keeps waiting for
 * a good message until its timeout, after which it throws {@link PeerTimeoutException}, whose
 * message also reports the frames skipped meanwhile. {@link #poll} is the same without waiting
 * and without exceptions: it returns null when no valid message has arrived, for a runner that
 * waits on several inputs with an {@link InputPoller}.
 *
 * <p>Security: with a {@link Curve}, the link is encrypted and authenticated (CurveZMQ); the bound
 * end is the CURVE server and lets in only the clients its {@link CurveAuth} allows, counting the
 * others ({@link #refusedCount()}, {@link #lastRefusal()}); the connecting end is the client and
 * fails with a {@link CurveHandshakeException} once its handshake has failed
 * ({@link #checkConnection()}), since ZeroMQ would not try again and the link would stay silent. Without one, it is plain ZeroMQ, as GNU Radio's blocks speak.
 *
 * <p>{@link #pdu} makes the variant a GNU Radio flowgraph can sit in: the same messages as native
 * PDUs ({@link ControlPdu}) over PUSH/PULL, so they travel through ordinary message ports.
 *
 * <p>Sending encodes a new byte array per message (control messages are rare); receiving
 * decodes from a buffer allocated at construction. Not thread-safe: one thread uses the link.
 */
public final class ControlLink implements AutoCloseable, InputPoller.Input {

    /** Default receive limit per message: room for about 260 000 losses. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;
    /** Default send timeout. */
    public static final int DEFAULT_SEND_TIMEOUT_MILLIS = 5000;
    private static final int LINGER_MILLIS = 200;
    private static final FrameSocket.Decoder<ControlMessage> DECODER = ControlCodec::decode;
    private static final FrameSocket.Decoder<ControlMessage> PDU_DECODER = ControlPdu::decode;

    private final FrameSocket frames;
    private final java.util.function.Function<ControlMessage, byte[]> encoder;
    private final FrameSocket.Decoder<ControlMessage> decoder;
    /** A message {@link #await} took off the socket, handed out first by the next receive or poll. */
    private ControlMessage ahead;

    /**
     * @param context owned by the caller, who closes it after this
     * @param address address to bind or connect; null binds {@link Endpoints#DEFAULT_BIND}
     * @param bind bind (true) or connect (false)
     * @param sendTimeoutMillis how long a send may wait for the peer
     * @param maxMessageBytes longest message received; longer ones are rejected
     */
    public ControlLink(ZContext context, String address, boolean bind, int sendTimeoutMillis,
            int maxMessageBytes) {
        this(context, address, bind, sendTimeoutMillis, maxMessageBytes, null);
    }

    /**
     * As above, with CURVE security (null: plain): a server when binding, a client when
     * connecting.
     *
     * @throws IllegalArgumentException if curve's role does not match {@code bind}
     */
    public ControlLink(ZContext context, String address, boolean bind, int sendTimeoutMillis,
            int maxMessageBytes, Curve curve) {
        this(context, SocketType.DEALER, curve == null ? "control link" : "CURVE control link", false, address, bind,
                sendTimeoutMillis, maxMessageBytes, curve);
    }

    private ControlLink(ZContext context, SocketType type, String label, boolean pdu, String address, boolean bind,
                        int sendTimeoutMillis, int maxMessageBytes, Curve curve) {
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException(label + ": max message bytes " + maxMessageBytes + " < 1");
        }
        if (curve != null && curve.isServer() != bind) {
            throw new IllegalArgumentException(label + ": the end that binds is the CURVE server, the one that"
                    + " connects the client; got a " + (curve.isServer() ? "server" : "client") + " that "
                    + (bind ? "binds" : "connects"));
        }
        this.frames = new FrameSocket(context, type, label, address, bind, sendTimeoutMillis, maxMessageBytes,
                LINGER_MILLIS, 0, curve);
        this.encoder = pdu ? ControlPdu::encode : ControlCodec::encode;
        this.decoder = pdu ? PDU_DECODER : DECODER;
    }

    /**
     * A one-way link that a GNU Radio message port can carry: messages as PDUs ({@link ControlPdu})
     * over PUSH (output) or PULL (input), the sockets of gr-zeromq's {@code push_msg_sink} and
     * {@code pull_msg_source}.
     *
     * @param output true for a PUSH socket that sends, false for a PULL socket that receives
     * @param bind bind (true) or connect (false)
     */
    public static ControlLink pdu(ZContext context, String address, boolean output, boolean bind,
                                  int sendTimeoutMillis, int maxMessageBytes) {
        return new ControlLink(context, output ? SocketType.PUSH : SocketType.PULL,
                output ? "PDU message output" : "PDU message input", true, address, bind, sendTimeoutMillis,
                maxMessageBytes, null);
    }

    /** Binds {@code address} (null: loopback, free port) with the default limits. */
    public static ControlLink bind(ZContext context, String address) {
        return new ControlLink(context, address, true, DEFAULT_SEND_TIMEOUT_MILLIS,
                DEFAULT_MAX_MESSAGE_BYTES);
    }

    /** Connects to {@code address} with the default limits. */
    public static ControlLink connect(ZContext context, String address) {
        return new ControlLink(context, address, false, DEFAULT_SEND_TIMEOUT_MILLIS,
                DEFAULT_MAX_MESSAGE_BYTES);
    }

    /**
     * Sends one message.
     *
     * @param message not modified
     * @throws PeerTimeoutException if the peer does not take it within the send timeout
     */
    public void send(ControlMessage message) {
        byte[] bytes = encoder.apply(message);
        frames.send(bytes, bytes.length, "control message " + message);
    }

    /**
     * Returns the next valid message, skipping and counting bad frames (see the class comment).
     *
     * @param timeoutMillis how long to wait in all; 0 takes only what has arrived
     * @throws PeerTimeoutException if no valid message arrives in time
     */
    public ControlMessage receive(long timeoutMillis) {
        if (ahead != null) {
            return take();
        }
        return frames.receiveValid(timeoutMillis, decoder, "control message");
    }

    /**
     * Returns the next valid message that has already arrived, or null if there is none, never
     * waiting. Bad frames that arrived before it are skipped and counted as by
     * {@link #receive}, never thrown. Allocates nothing when nothing has arrived.
     *
     * @return the message, or null
     */
    public ControlMessage poll() {
        if (ahead != null) {
            return take();
        }
        return frames.pollValid(decoder);
    }

    /**
     * Waits up to {@code timeoutMillis} for a valid message without handing it out: the next
     * {@link #poll} or {@link #receive} returns it. Bad frames on the way are skipped and counted
     * as by {@link #receive}. For a runner that waits on this link alone; cheaper than an
     * {@link InputPoller} poll.
     *
     * @return whether a valid message is ready
     */
    @Override
    public boolean await(long timeoutMillis) {
        if (ahead == null) {
            ahead = frames.awaitValid(timeoutMillis, decoder);
        }
        return ahead != null;
    }

    private ControlMessage take() {
        ControlMessage m = ahead;
        ahead = null;
        return m;
    }

    /** @return bad frames skipped so far */
    public long rejectedCount() {
        return frames.rejectedCount();
    }

    /** @return why the last bad frame was skipped, naming the endpoint, or "" if none was */
    public String lastRejection() {
        return frames.lastRejection();
    }

    /** @return clients this CURVE server refused so far (0 for a client or a plain link); thread-safe */
    public long refusedCount() {
        return frames.refusedCount();
    }

    /** @return why the last client was refused, naming the endpoint, or "" if none was */
    public String lastRefusal() {
        return frames.lastRefusal();
    }

    /** @return clients this CURVE server refused so far for this reason; thread-safe */
    public long refusedCount(Refusal kind) {
        return frames.refusedCount(kind);
    }

    /** @return why the last client refused for this reason was, naming the endpoint, or "" if none was */
    public String lastRefusal(Refusal kind) {
        return frames.lastRefusal(kind);
    }

    /**
     * Throws if the connecting end has lost its connection for good: its CURVE handshake failed
     * ({@link CurveHandshakeException}, naming the server and the file of its key), or the peer
     * sent a message over the limit (IllegalStateException), after which ZeroMQ does not
     * reconnect. Nothing otherwise. Receiving and sending check it too; a runner that waits calls
     * it to fail promptly.
     */
    public void checkConnection() {
        frames.checkConnection();
    }

    /** @return the endpoint bound (with the real port) or connected to */
    public String endpoint() {
        return frames.endpoint();
    }

    /** The link's socket, for {@link InputPoller}. */
    FrameSocket frames() {
        return frames;
    }

    /** Closes the socket, lingering briefly so a last message still goes out. Idempotent. */
    @Override
    public void close() {
        frames.close();
    }

    /**
     * Closes the socket after the messages still queued have gone out, waiting up to
     * {@code deliverMillis} for a slow reader (the end of a finite run must not lose its tail).
     * Idempotent.
     */
    public void closeDelivering(int deliverMillis) {
        frames.close(deliverMillis);
    }
}
