package org.grmodelfree.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZEvent;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import org.zeromq.ZMonitor;

/**
 * The one place sockets are set up, sent on and received from (docs/architecture.md). Holds one
 * JeroMQ socket, bound or connected, with a send timeout and a preallocated receive buffer.
 * Internal; not thread-safe, like the socket it owns.
 *
 * <p>Oversize frames: a receiving socket has ZeroMQ's ZMQ_MAXMSGSIZE set, so JeroMQ reads a frame's
 * length first and drops the connection of a peer that announces a longer one before buffering
 * any of it. Without it, JeroMQ received every frame whole and the limit was checked after, so a
 * peer's 100 MB frames took 100 MB each. JeroMQ's limit is the larger of the frame limit
 * plus {@value #CURVE_FRAME_OVERHEAD} bytes (over CURVE it applies to the encrypted frame) and
 * {@value #MIN_JEROMQ_LIMIT} bytes (the handshake's own frames must pass it). So frames a little
 * over the limit still arrive, and JeroMQ's {@code recv(byte[], int, int, int)} copies
 * {@code min(len, frame size)} bytes and returns that count, dropping the rest of the frame
 * without telling (checked by a test): the receive buffer has one byte more than the limit, and a
 * frame that fills it is rejected, never handed on truncated.
 *
 * <p>A dropped connection: a bound socket's peer reconnects by itself. A connecting socket does
 * not: on a protocol error (an oversize frame, a failed handshake) JeroMQ ends its session for
 * good and says nothing. So a connecting socket that receives watches its connection's events,
 * and once it has been dropped without a reconnect following, every send and receive throws,
 * naming the peer and the likely cause, instead of the block waiting in silence (over CURVE,
 * JeroMQ issue 676: a client with a wrong server key; JeroMQ 0.6.0 tries once and then never
 * again). {@link #checkConnection()} makes the same check.
 *
 * <p>CURVE ({@link Curve}): a server counts the clients it refuses ({@link #refusedCount()}):
 * those its {@link CurveAuth} turns away and those whose handshake breaks (a wrong key for this
 * server). A plain ZeroMQ client is refused too, but JeroMQ reports nothing of it to the server.
 * A CURVE socket's receive queue has no high-water mark: when it is full, JeroMQ 0.6.0 hands the
 * application the next message still encrypted and loses it (JeroMQ issue 1009, checked by a
 * test), so a CURVE link relies on its peer, an authorised block, not to flood it; each message is
 * still bounded by the size limit.
 *
 * <p>A CURVE server that would be a DEALER is a ROUTER, and its clients DEALERs that give the
 * routing id {@link #CURVE_CLIENT_ID}: JeroMQ 0.6.0 attaches a connection's pipe to the socket
 * when the connection is accepted, before the handshake, so a DEALER server deals messages to a
 * client still in its handshake, and if that client is then refused they are lost (a refused
 * stray swallowed losses meant for the transmitter). A ROUTER knows a peer only once its
 * handshake has succeeded (the routing id comes with it), so the server sends every message to
 * the authorised client under that id: mandatory routing (no such peer yet: the send waits, up
 * to its timeout), and handover (a client that reconnects, a restarted block, takes the id over
 * from its old connection). One client per CURVE output, as every output has one consumer.
 */
final class FrameSocket implements AutoCloseable {

    /**
     * Decodes one frame from {@code buf[0, len)}; never returns null, throws
     * WireFormatException if the frame is bad.
     */
    interface Decoder<T> {
        T decode(byte[] buf, int off, int len);
    }

    /**
     * Bytes a CURVE MESSAGE command adds to a frame: the command name (8), nonce (8), flags (1) and
     * the authenticator (16), rounded up.
     */
    static final int CURVE_FRAME_OVERHEAD = 64;
    /** Smallest ZMQ_MAXMSGSIZE: a CURVE handshake's commands are up to about 300 bytes. */
    static final int MIN_JEROMQ_LIMIT = 1024;
    /**
     * How long after a connecting socket's connection is dropped a reconnect must have begun: JeroMQ
     * schedules it (CONNECT_RETRIED) at once, on the same thread that reports the drop, so this is
     * a wide margin, and the longest an error waits to be reported.
     */
    private static final long RECONNECT_GRACE_NANOS = 2_000_000_000L;
    /** The routing id a CURVE client gives its server (see the class comment). */
    static final byte[] CURVE_CLIENT_ID = "gr-modelfree-curve-client".getBytes(StandardCharsets.US_ASCII);
    /** How long a routed send sleeps between attempts while its client is not there (or full). */
    private static final long ROUTED_RETRY_NANOS = 1_000_000L;
    /** What JeroMQ 0.6.0 hands on of a CURVE message it failed to decrypt (JeroMQ issue 1009). */
    private static final byte[] CURVE_MESSAGE_COMMAND = {7, 'M', 'E', 'S', 'S', 'A', 'G', 'E'};

    private final ZMQ.Socket socket;
    private final String endpoint;
    private final String label;
    private final int sendTimeoutMillis;
    private final int maxFrameBytes;
    private final byte[] buf;
    private final int lingerMillis;
    private int receiveTimeout = Integer.MIN_VALUE;
    private long rejected;
    private String lastRejection = "";
    private boolean closed;
    private final Curve curve;
    /** A CURVE server's ZAP domain, null otherwise. */
    private final String zapDomain;
    /** Clients a CURVE server refused, by {@link Refusal}, and the last reason of each kind. */
    private final AtomicLongArray refused = new AtomicLongArray(Refusal.values().length);
    private final AtomicReferenceArray<String> lastRefusalOf = new AtomicReferenceArray<>(Refusal.values().length);
    private volatile String lastRefusal = "";
    /** A connecting socket's handshake failure reported by JeroMQ ("" while none). */
    private volatile String handshakeFailure = "";
    /** When a connecting socket's connection was dropped with no reconnect (yet); 0 while connected or retrying. */
    private volatile long droppedAt;
    /** Whether a frame arrived on the current connection (set on the block's thread). */
    private volatile boolean frameSinceConnect;
    /** Whether a frame had arrived on the connection when it was dropped. */
    private volatile boolean droppedAfterFrames;
    private final boolean watchConnection;
    /** A CURVE server in place of a DEALER: a ROUTER that sends to {@link #CURVE_CLIENT_ID} (see the class comment). */
    private final boolean routed;

    /**
     * @param role what the link is, for messages, e.g. "stream output"
     * @param address the address to bind or connect; null binds {@link Endpoints#DEFAULT_BIND}
     * @param maxFrameBytes largest frame received; 0 for a send-only socket (no buffer)
     */
    FrameSocket(ZContext context, SocketType type, String role, String address, boolean bind,
            int sendTimeoutMillis, int maxFrameBytes, int lingerMillis) {
        this(context, type, role, address, bind, sendTimeoutMillis, maxFrameBytes, lingerMillis, 0);
    }

    /**
     * As above, with both high-water marks at highWaterMark messages (0: ZeroMQ's 1000). A reader
     * wakes a blocked writer only after reading about half the high-water mark, so towards a reader
     * paced in real time (a radio's) a deep queue keeps the writer blocked for seconds at a time.
     */
    FrameSocket(ZContext context, SocketType type, String role, String address, boolean bind,
            int sendTimeoutMillis, int maxFrameBytes, int lingerMillis, int highWaterMark) {
        this(context, type, role, address, bind, sendTimeoutMillis, maxFrameBytes, lingerMillis, highWaterMark,
                null);
    }

    /**
     * As above, with CURVE security (null: none, plain ZeroMQ). A CURVE server's {@link CurveAuth}
     * must serve {@code context} and be open.
     */
    FrameSocket(ZContext context, SocketType type, String role, String address, boolean bind,
            int sendTimeoutMillis, int maxFrameBytes, int lingerMillis, int highWaterMark, Curve curve) {
        if (sendTimeoutMillis < 0) {
            throw new IllegalArgumentException(role + ": send timeout " + sendTimeoutMillis
                    + " ms is negative");
        }
        if (maxFrameBytes < 0 || maxFrameBytes == Integer.MAX_VALUE) {
            throw new IllegalArgumentException(role + ": max frame bytes " + maxFrameBytes
                    + " out of range");
        }
        if (!bind && address == null) {
            throw new IllegalArgumentException(role + ": an address is needed to connect");
        }
        Endpoints.requireTcp(address == null ? Endpoints.DEFAULT_BIND : address, bind);
        if (curve != null && curve.isServer() && !curve.auth().serves(context)) {
            throw new IllegalArgumentException(role + ": its CURVE authenticator is closed or serves another"
                    + " ZeroMQ context (without one, JeroMQ would let every client in)");
        }
        this.curve = curve;
        this.watchConnection = !bind && (maxFrameBytes > 0 || curve != null);
        this.zapDomain = curve != null && curve.isServer() ? curve.auth().register(this::refuseKey) : null;
        this.routed = zapDomain != null && type == SocketType.DEALER;
        this.socket = context.createSocket(routed ? SocketType.ROUTER : type);
        try {
            socket.setSendTimeOut(sendTimeoutMillis);
            if (highWaterMark > 0) {
                socket.setSndHWM(highWaterMark);
                socket.setRcvHWM(highWaterMark);
            }
            if (maxFrameBytes > 0) {
                socket.setMaxMsgSize(Math.max(MIN_JEROMQ_LIMIT, (long) maxFrameBytes + CURVE_FRAME_OVERHEAD));
            }
            if (curve != null) {
                socket.setRcvHWM(0); // JeroMQ issue 1009, see the class comment
                curve.apply(socket, zapDomain);
                if (routed) {
                    socket.setRouterMandatory(true);
                    socket.setRouterHandover(true);
                } else if (!curve.isServer() && type == SocketType.DEALER) {
                    socket.setIdentity(CURVE_CLIENT_ID);
                }
            }
            if (watchConnection || zapDomain != null) {
                // all events: the public API names no mask for the handshake failures; they are rare
                socket.setEventHook(this::onEvent, ZMQ.EVENT_ALL);
            }
            this.endpoint = bind ? Endpoints.bind(socket, address) : Endpoints.connect(socket, address);
        } catch (RuntimeException e) {
            socket.setLinger(0);
            socket.close();
            if (zapDomain != null) {
                curve.auth().unregister(zapDomain);
            }
            throw e;
        }
        this.label = role + " " + endpoint;
        this.sendTimeoutMillis = sendTimeoutMillis;
        this.maxFrameBytes = maxFrameBytes;
        this.buf = new byte[maxFrameBytes == 0 ? 0 : maxFrameBytes + 1];
        this.lingerMillis = lingerMillis;
    }

    String endpoint() {
        return endpoint;
    }

    /** Role and endpoint, the prefix of every message, e.g. "stream input tcp://127.0.0.1:5555". */
    String label() {
        return label;
    }

    int sendTimeoutMillis() {
        return sendTimeoutMillis;
    }

    byte[] buffer() {
        return buf;
    }

    long rejectedCount() {
        return rejected;
    }

    /** The socket itself, for {@link InputPoller} to register; no one else sends or receives. */
    ZMQ.Socket socket() {
        return socket;
    }

    boolean isClosed() {
        return closed;
    }

    String lastRejection() {
        return lastRejection;
    }

    /** Clients a CURVE server refused so far (0 for other sockets); thread-safe. */
    long refusedCount() {
        long n = 0;
        for (int i = 0; i < refused.length(); i++) {
            n += refused.get(i);
        }
        return n;
    }

    /** Clients a CURVE server refused so far for this reason; thread-safe. */
    long refusedCount(Refusal kind) {
        return refused.get(kind.ordinal());
    }

    /** Why the last client refused for this reason was, naming the endpoint, or "" if none was. */
    String lastRefusal(Refusal kind) {
        String r = lastRefusalOf.get(kind.ordinal());
        return r == null ? "" : label + ": " + r;
    }

    /** Why the last client was refused, naming the endpoint, or "" if none was. */
    String lastRefusal() {
        String r = lastRefusal;
        return r.isEmpty() ? r : label + ": " + r;
    }

    /** Counts a client that the authenticator refused (from ZAP's thread). */
    private void refuseKey(String why) {
        refuse(Refusal.KEY, why);
    }

    /** Counts a refused client (from ZAP's or the I/O thread). */
    private void refuse(Refusal kind, String why) {
        lastRefusalOf.set(kind.ordinal(), why);
        lastRefusal = why;
        refused.incrementAndGet(kind.ordinal());
    }

    /**
     * Connection events, on JeroMQ's I/O thread (see the class comment). JeroMQ 0.6.0 reports no
     * HANDSHAKE_SUCCEEDED, and a CURVE server's ZAP refusals reach {@link CurveAuth}, not here.
     */
    private void onEvent(ZEvent e) {
        ZMonitor.Event type = e.getEvent();
        boolean failed = type == ZMonitor.Event.HANDSHAKE_FAILED_AUTH || type == ZMonitor.Event.HANDSHAKE_FAILED_PROTOCOL
                || type == ZMonitor.Event.HANDSHAKE_FAILED_NO_DETAIL;
        if (zapDomain != null) {
            if (failed) {
                refuse(Refusal.HANDSHAKE, "a client failed the CURVE handshake (" + e.getValue() + "): it does not have this"
                        + " block's public key");
            }
            return;
        }
        switch (type) {
            case CONNECTED -> {
                frameSinceConnect = false;
                droppedAt = 0;
            }
            case CONNECT_DELAYED, CONNECT_RETRIED -> droppedAt = 0;
            case DISCONNECTED -> {
                droppedAfterFrames = frameSinceConnect;
                droppedAt = Math.max(1, System.nanoTime());
            }
            default -> {
                if (failed && handshakeFailure.isEmpty()) {
                    handshakeFailure = type + " " + e.getValue();
                }
            }
        }
    }

    /**
     * Throws if this connecting socket has lost its connection for good (see the class comment):
     * a {@link CurveHandshakeException} when a CURVE handshake failed, naming the server and the
     * file of its key; an IllegalStateException naming the peer otherwise. Does nothing for
     * other sockets. Cheap: two volatile reads.
     */
    void checkConnection() {
        String failure = handshakeFailure;
        long dropped = droppedAt;
        boolean gone = dropped != 0 && System.nanoTime() - dropped > RECONNECT_GRACE_NANOS;
        if (failure.isEmpty() && !gone) {
            return;
        }
        if (curve != null && (!failure.isEmpty() || !droppedAfterFrames)) {
            throw new CurveHandshakeException(label + ": the server at " + endpoint + " refused this block's key,"
                    + " or its key is not the one in " + curve.serverKeySource() + " (the CURVE handshake failed: "
                    + (failure.isEmpty() ? "the server dropped the connection" : failure)
                    + "; ZeroMQ does not try again)");
        }
        if (!failure.isEmpty()) {
            throw new IllegalStateException(label + ": the ZeroMQ handshake with " + endpoint + " failed (" + failure
                    + "); does the peer use CURVE? This link is plain. ZeroMQ does not try again");
        }
        throw new IllegalStateException(label + ": the connection to " + endpoint + " was dropped for a protocol"
                + " error and ZeroMQ does not reconnect after one: most likely the peer sent a message longer than"
                + " the limit of " + maxFrameBytes + " bytes (or the peer uses CURVE and this link is plain)");
    }

    /**
     * Sends {@code b[0, len)} as one frame.
     *
     * @param what what is being sent, for the timeout message
     * @throws PeerTimeoutException if no peer takes the frame within the send timeout
     */
    void send(byte[] b, int len, String what) {
        checkOpen();
        checkConnection();
        if (!(routed ? sendRouted(b, len) : socket.send(b, 0, len, 0))) {
            checkConnection();
            throw new PeerTimeoutException(endpoint, sendTimeoutMillis, label + ": no peer took "
                    + what + " within " + sendTimeoutMillis + " ms (no peer connected, or it"
                    + " stopped reading)");
        }
    }

    /**
     * A ROUTER's send to its CURVE client: tries until the client is there and has room, up to
     * the send timeout; false if it never was.
     */
    private boolean sendRouted(byte[] b, int len) {
        long deadline = System.nanoTime() + sendTimeoutMillis * 1_000_000L;
        while (true) {
            int errno;
            try {
                if (socket.send(CURVE_CLIENT_ID, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
                    return socket.send(b, 0, len, 0);
                }
                errno = socket.errno(); // EAGAIN: the client's queue is full
            } catch (ZMQException e) {
                errno = e.getErrorCode(); // EHOSTUNREACH: no client under the id (yet)
            }
            if (errno != ZMQ.Error.EHOSTUNREACH.getCode() && errno != ZMQ.Error.EAGAIN.getCode()) {
                throw new IllegalStateException(label + ": send failed, " + ZMQ.Error.findByCode(errno));
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(ROUTED_RETRY_NANOS);
        }
    }

    /**
     * Waits up to {@code timeoutMillis} for one frame and puts it at the start of
     * {@link #buffer()}.
     *
     * @return the frame length, or -1 if none arrived in time
     * @throws WireFormatException for a frame over the limit or a multi-part message; either
     *     is dropped whole and counted by {@link #rejectedCount()}
     */
    int receive(long timeoutMillis) {
        checkOpen();
        int t = (int) Math.min(timeoutMillis, Integer.MAX_VALUE);
        if (t != receiveTimeout) {
            socket.setReceiveTimeOut(t);
            receiveTimeout = t;
        }
        int n = socket.recv(buf, 0, buf.length, 0);
        if (routed && n >= 0) {
            // the routing id of the client it came from; a message follows it at once
            if (!socket.hasReceiveMore()) {
                throw rejected(label + ": a routing id with no message after it; dropped");
            }
            n = socket.recv(buf, 0, buf.length, 0);
        }
        if (n < 0) {
            int errno = socket.errno();
            if (errno != ZMQ.Error.EAGAIN.getCode()) {
                throw new IllegalStateException(label + ": receive failed, "
                        + ZMQ.Error.findByCode(errno));
            }
            checkConnection();
            return -1;
        }
        if (watchConnection && !frameSinceConnect) {
            frameSinceConnect = true;
        }
        if (socket.hasReceiveMore()) {
            int parts = 1;
            do {
                socket.recv(buf, 0, buf.length, 0);
                parts++;
            } while (socket.hasReceiveMore());
            throw rejected(label + ": a message of " + parts
                    + " frames, expected one frame per message; dropped");
        }
        if (curve != null && n >= CURVE_MESSAGE_COMMAND.length
                && Arrays.equals(buf, 0, CURVE_MESSAGE_COMMAND.length, CURVE_MESSAGE_COMMAND, 0,
                        CURVE_MESSAGE_COMMAND.length)) {
            throw rejected(label + ": a message arrived still encrypted (JeroMQ issue 1009, a full receive"
                    + " queue); it is lost");
        }
        if (n > maxFrameBytes) {
            throw rejected(label + ": frame longer than the receive limit of "
                    + maxFrameBytes + " bytes; dropped (raise the limit)");
        }
        return n;
    }

    /**
     * Waits until a frame that {@code decoder} accepts arrives, skipping bad frames: each one
     * increments {@link #rejectedCount()} and sets {@link #lastRejection()}.
     *
     * @param what what is awaited, for the timeout message
     * @throws PeerTimeoutException if no good frame arrives within {@code timeoutMillis}
     */
    <T> T receiveValid(long timeoutMillis, Decoder<T> decoder, String what) {
        long rejectedBefore = rejected;
        T value = awaitValid(timeoutMillis, decoder);
        if (value == null) {
            long skipped = rejected - rejectedBefore;
            throw new PeerTimeoutException(endpoint, timeoutMillis, label + ": no valid "
                    + what + " within " + timeoutMillis + " ms"
                    + (skipped == 0 ? "" : " (" + skipped + " bad frames skipped, last: "
                            + lastRejection + ")"));
        }
        return value;
    }

    /**
     * As {@link #receiveValid}, but returns null instead of throwing when no good frame arrives
     * within {@code timeoutMillis}.
     */
    <T> T awaitValid(long timeoutMillis, Decoder<T> decoder) {
        checkTimeout(timeoutMillis);
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            long left = Math.max(0, (deadline - System.nanoTime() + 999_999) / 1_000_000);
            boolean timedOut = false;
            int n = -1;
            try {
                n = receive(left);
                timedOut = n < 0;
            } catch (WireFormatException e) {
                // counted by receive
            }
            if (n >= 0) {
                T value = decodeOrReject(n, decoder);
                if (value != null) {
                    return value;
                }
            }
            if (timedOut || System.nanoTime() - deadline >= 0) {
                return null;
            }
        }
    }

    /**
     * Returns the next frame that {@code decoder} accepts among those already arrived, without
     * waiting, or null if none is left; bad frames on the way are skipped and counted as by
     * {@link #receiveValid}.
     */
    <T> T pollValid(Decoder<T> decoder) {
        while (true) {
            int n;
            try {
                n = receive(0);
            } catch (WireFormatException e) {
                continue; // counted by receive
            }
            if (n < 0) {
                return null;
            }
            T value = decodeOrReject(n, decoder);
            if (value != null) {
                return value;
            }
        }
    }

    /** Decodes {@code buf[0, n)}, or counts the frame as rejected and returns null. */
    private <T> T decodeOrReject(int n, Decoder<T> decoder) {
        try {
            return decoder.decode(buf, 0, n);
        } catch (WireFormatException e) {
            reject(label + ": " + e.getMessage());
            return null;
        }
    }

    private WireFormatException rejected(String reason) {
        reject(reason);
        return new WireFormatException(reason);
    }

    /** Counts a rejected frame and keeps its reason. */
    void reject(String reason) {
        rejected++;
        lastRejection = reason;
    }

    static void checkTimeout(long timeoutMillis) {
        if (timeoutMillis < 0) {
            throw new IllegalArgumentException("timeout " + timeoutMillis + " ms is negative");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(label + " is closed");
        }
    }

    /** Closes the socket with the linger given at construction. Idempotent. */
    @Override
    public void close() {
        close(lingerMillis);
    }

    /**
     * Closes the socket; frames still queued are delivered for up to {@code lingerMillis} (the
     * context's close waits for them), then dropped. Idempotent.
     */
    void close(int lingerMillis) {
        if (!closed) {
            closed = true;
            socket.setLinger(lingerMillis);
            socket.close();
            if (zapDomain != null) {
                curve.auth().unregister(zapDomain);
            }
        }
    }
}
