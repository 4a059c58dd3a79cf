package org.grmodelfree.wire;

import java.util.List;
import java.util.Objects;
import org.zeromq.SocketType;
import org.zeromq.ZContext;

/**
 * A stream out, in the role of gr-zeromq's {@code push_sink}: a PUSH socket that sends raw items
 * of a fixed size in bytes (gr-zeromq's {@code itemsize * vlen}), optionally behind the
 * {@code pass_tags} header ({@link StreamTagHeader}, with the absolute offset of the first item
 * and no tags). Complex64 items ({@link StreamIn#COMPLEX64}) are sent from floats with
 * {@link #send(float[], int, int)}; items of any size, such as bytes ({@link StreamIn#BYTE}), from
 * their raw bytes with {@link #send(byte[], int, int)}.
 *
 * <p>Roles (docs/gnuradio.md): a GNU Radio {@code pull_source} connects, so an output that feeds it
 * binds ({@link #bind}); {@link #connect} is for feeding a peer that binds, such as a
 * {@link StreamIn} told to bind.
 *
 * <p>PUSH never drops: when no peer is connected or the peer stops reading, a send waits, up to
 * the send timeout, then throws {@link PeerTimeoutException}. Buffers longer than
 * {@link #maxItemsPerMessage()} go out as several messages, as GNU Radio's do (8191 items by
 * default). The encode buffer is allocated at construction and grows only for longer messages;
 * JeroMQ itself copies every frame it sends. Not thread-safe: one thread sends.
 */
public final class StreamOut implements AutoCloseable {

    /** GNU Radio's default largest message, in items. */
    public static final int DEFAULT_MAX_ITEMS_PER_MESSAGE = 8191;
    /** Default send timeout. */
    public static final int DEFAULT_SEND_TIMEOUT_MILLIS = 5000;
    /** Linger on close, so the last samples still reach a connected peer. */
    private static final int LINGER_MILLIS = 200;

    private final FrameSocket frames;
    private final boolean passTags;
    private final int itemSize;
    private final int maxItemsPerMessage;
    private byte[] buf;
    private long itemsSent;

    /**
     * @param context owned by the caller, who closes it after this
     * @param address address to bind or connect; null binds {@link Endpoints#DEFAULT_BIND}
     * @param bind bind (true) or connect (false)
     * @param passTags put the gr-zeromq tag header in front of every message
     * @param itemSize bytes per item, at least 1: {@link StreamIn#COMPLEX64},
     *     {@link StreamIn#BYTE}, or another {@code itemsize * vlen}
     * @param maxItemsPerMessage at least 1; longer sends are split
     * @param sendTimeoutMillis how long one message may wait for a peer; 0 fails at once
     */
    public StreamOut(ZContext context, String address, boolean bind, boolean passTags, int itemSize,
            int maxItemsPerMessage, int sendTimeoutMillis) {
        String role = itemSize == StreamIn.BYTE ? "byte stream output" : "stream output";
        if (itemSize < 1) {
            throw new IllegalArgumentException(role + ": item size " + itemSize + " < 1");
        }
        if (maxItemsPerMessage < 1 || maxItemsPerMessage > (Integer.MAX_VALUE - 1024) / itemSize) {
            throw new IllegalArgumentException(role + ": max items per message "
                    + maxItemsPerMessage + " out of range");
        }
        this.frames = new FrameSocket(context, SocketType.PUSH, role, address, bind,
                sendTimeoutMillis, 0, LINGER_MILLIS, StreamIn.HIGH_WATER_MARK);
        this.passTags = passTags;
        this.itemSize = itemSize;
        this.maxItemsPerMessage = maxItemsPerMessage;
        this.buf = new byte[messageBytes(Math.min(maxItemsPerMessage, DEFAULT_MAX_ITEMS_PER_MESSAGE))];
    }

    /** Binds {@code address} (null: loopback, free port) for complex64 items, with the default limits. */
    public static StreamOut bind(ZContext context, String address, boolean passTags) {
        return new StreamOut(context, address, true, passTags, StreamIn.COMPLEX64,
                DEFAULT_MAX_ITEMS_PER_MESSAGE, DEFAULT_SEND_TIMEOUT_MILLIS);
    }

    /** Connects to {@code address} for complex64 items, with the default limits. */
    public static StreamOut connect(ZContext context, String address, boolean passTags) {
        return new StreamOut(context, address, false, passTags, StreamIn.COMPLEX64,
                DEFAULT_MAX_ITEMS_PER_MESSAGE, DEFAULT_SEND_TIMEOUT_MILLIS);
    }

    /**
     * Sends {@code items} complex samples, split into messages of at most
     * {@link #maxItemsPerMessage()} items. Sending 0 items sends nothing. Complex64 items only.
     *
     * @param interleaved re, im, re, im, ... from {@code off}. Not modified.
     * @throws PeerTimeoutException if a message waits longer than the send timeout; the
     *     messages before it were sent and {@link #itemsSent()} counts them
     */
    public void send(float[] interleaved, int off, int items) {
        if (items < 0) {
            throw new IllegalArgumentException("stream output: items " + items + " is negative");
        }
        if (itemSize != StreamIn.COMPLEX64) {
            throw new IllegalStateException(frames.label() + ": items of " + itemSize
                    + " bytes are not complex64; send them as bytes");
        }
        Objects.checkFromIndexSize(off, 2 * items, interleaved.length);
        for (int done = 0; done < items; ) {
            int n = Math.min(maxItemsPerMessage, items - done);
            int h = header(n);
            Complex64Codec.encode(interleaved, off + 2 * done, n, buf, h);
            sendMessage(done, n, items);
            done += n;
        }
    }

    /**
     * Sends {@code items} items from their raw bytes, {@code itemSize} per item, split into
     * messages of at most {@link #maxItemsPerMessage()} items. Sending 0 items sends nothing.
     *
     * @param src {@code itemSize * items} bytes from {@code off}. Not modified.
     * @throws PeerTimeoutException if a message waits longer than the send timeout; the
     *     messages before it were sent and {@link #itemsSent()} counts them
     */
    public void send(byte[] src, int off, int items) {
        if (items < 0) {
            throw new IllegalArgumentException(frames.label() + ": items " + items + " is negative");
        }
        Objects.checkFromIndexSize(off, itemSize * items, src.length);
        for (int done = 0; done < items; ) {
            int n = Math.min(maxItemsPerMessage, items - done);
            int h = header(n);
            System.arraycopy(src, off + itemSize * done, buf, h, itemSize * n);
            sendMessage(done, n, items);
            done += n;
        }
    }

    /** Makes room for a message of n items and writes its header; returns where its items go. */
    private int header(int n) {
        int len = messageBytes(n);
        if (buf.length < len) {
            buf = new byte[len];
        }
        return passTags ? StreamTagHeader.encode(itemsSent, List.of(), buf, 0) : 0;
    }

    /** Sends the message of n items in the buffer, the {@code done}th to the last of a send of {@code items}. */
    private void sendMessage(int done, int n, int items) {
        frames.send(buf, messageBytes(n), n + " items (stream items " + itemsSent + " to "
                + (itemsSent + n - 1) + "; " + done + " of the " + items
                + " items of this send went out)");
        itemsSent += n;
    }

    /** @return items sent so far: the absolute offset of the next item */
    public long itemsSent() {
        return itemsSent;
    }

    /** @return the largest message, in items */
    public int maxItemsPerMessage() {
        return maxItemsPerMessage;
    }

    /** @return bytes per item */
    public int itemSize() {
        return itemSize;
    }

    /** @return whether messages carry the gr-zeromq tag header */
    public boolean passTags() {
        return passTags;
    }

    /** @return the endpoint bound (with the real port) or connected to */
    public String endpoint() {
        return frames.endpoint();
    }

    /** Closes the socket, lingering briefly so queued samples still go out. Idempotent. */
    @Override
    public void close() {
        frames.close();
    }

    /**
     * Closes the socket after the samples still queued have gone out, waiting up to
     * {@code deliverMillis} for a slow reader (the end of a finite run must not lose its tail).
     * Idempotent.
     */
    public void closeDelivering(int deliverMillis) {
        frames.close(deliverMillis);
    }

    private int messageBytes(int items) {
        return (passTags ? StreamTagHeader.BASE_LENGTH : 0) + itemSize * items;
    }
}
