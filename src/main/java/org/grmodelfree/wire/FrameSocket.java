package org.grmodelfree.wire;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The one place sockets are set up, sent on and received from (docs/architecture.md). Holds one
 * JeroMQ socket, bound or connected, with a send timeout and a preallocated receive buffer.
 * Internal; not thread-safe, like the socket it owns.
 *
 * <p>Oversize frames: JeroMQ's {@code recv(byte[], int, int, int)} copies
 * {@code min(len, frame size)} bytes and returns that count, dropping the rest of the frame
 * without telling (checked by a test). So the receive buffer has one byte more than the limit:
 * a frame that fills it is over the limit and is rejected, never handed on truncated.
 */
final class FrameSocket implements AutoCloseable {

    /**
     * Decodes one frame from {@code buf[0, len)}; never returns null, throws
     * WireFormatException if the frame is bad.
     */
    interface Decoder<T> {
        T decode(byte[] buf, int off, int len);
    }

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
        this.socket = context.createSocket(type);
        try {
            socket.setSendTimeOut(sendTimeoutMillis);
            if (highWaterMark > 0) {
                socket.setSndHWM(highWaterMark);
                socket.setRcvHWM(highWaterMark);
            }
            this.endpoint = bind ? Endpoints.bind(socket, address) : Endpoints.connect(socket, address);
        } catch (RuntimeException e) {
            socket.setLinger(0);
            socket.close();
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

    /**
     * Sends {@code b[0, len)} as one frame.
     *
     * @param what what is being sent, for the timeout message
     * @throws PeerTimeoutException if no peer takes the frame within the send timeout
     */
    void send(byte[] b, int len, String what) {
        checkOpen();
        if (!socket.send(b, 0, len, 0)) {
            throw new PeerTimeoutException(endpoint, sendTimeoutMillis, label + ": no peer took "
                    + what + " within " + sendTimeoutMillis + " ms (no peer connected, or it"
                    + " stopped reading)");
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
        if (n < 0) {
            int errno = socket.errno();
            if (errno != ZMQ.Error.EAGAIN.getCode()) {
                throw new IllegalStateException(label + ": receive failed, "
                        + ZMQ.Error.findByCode(errno));
            }
            return -1;
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
        }
    }
}
