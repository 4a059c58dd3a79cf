package org.grmodelfree.wire;

import java.util.List;
import java.util.Objects;
import org.zeromq.SocketType;
import org.zeromq.ZContext;

/**
 * A byte stream out, in the role of gr-zeromq's {@code push_sink} with item size 1
 * ({@code gr.sizeof_char}): a PUSH socket sending raw bytes, one item per byte, optionally behind
 * the {@code pass_tags} header (the absolute offset of the first item, no tags), as
 * {@link StreamOut} sends complex64.
 *
 * <p>PUSH never drops: a send waits up to the send timeout for a peer, then throws
 * {@link PeerTimeoutException}. Longer sends go out as several messages of at most
 * {@link #maxItemsPerMessage()} bytes. The message buffer is allocated at construction; JeroMQ
 * itself copies every frame it sends. Not thread-safe: one thread sends.
 */
public final class ByteStreamOut implements AutoCloseable {

    /** Linger on close, so the last bytes still reach a connected peer. */
    private static final int LINGER_MILLIS = 200;

    private final FrameSocket frames;
    private final boolean passTags;
    private final int maxItemsPerMessage;
    private final byte[] buf;
    private long itemsSent;

    /**
     * @param context owned by the caller, who closes it after this
     * @param address address to bind or connect; null binds {@link Endpoints#DEFAULT_BIND}
     * @param bind bind (true) or connect (false)
     * @param passTags put the gr-zeromq tag header in front of every message
     * @param maxItemsPerMessage at least 1; longer sends are split
     * @param sendTimeoutMillis how long one message may wait for a peer; 0 fails at once
     */
    public ByteStreamOut(ZContext context, String address, boolean bind, boolean passTags, int maxItemsPerMessage,
            int sendTimeoutMillis) {
        if (maxItemsPerMessage < 1 || maxItemsPerMessage > Integer.MAX_VALUE - 1024) {
            throw new IllegalArgumentException("byte stream output: max items per message " + maxItemsPerMessage
                    + " out of range");
        }
        this.frames = new FrameSocket(context, SocketType.PUSH, "byte stream output", address, bind,
                sendTimeoutMillis, 0, LINGER_MILLIS);
        this.passTags = passTags;
        this.maxItemsPerMessage = maxItemsPerMessage;
        this.buf = new byte[(passTags ? StreamTagHeader.BASE_LENGTH : 0) + maxItemsPerMessage];
    }

    /**
     * Sends {@code src[off, off + n)}, split into messages of at most {@link #maxItemsPerMessage()}
     * bytes. Sending 0 bytes sends nothing.
     *
     * @param src the items. Not modified.
     * @throws PeerTimeoutException if a message waits longer than the send timeout
     */
    public void send(byte[] src, int off, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("byte stream output: n " + n + " is negative");
        }
        Objects.checkFromIndexSize(off, n, src.length);
        for (int done = 0; done < n; ) {
            int k = Math.min(maxItemsPerMessage, n - done);
            int h = passTags ? StreamTagHeader.encode(itemsSent, List.of(), buf, 0) : 0;
            System.arraycopy(src, off + done, buf, h, k);
            frames.send(buf, h + k, k + " bytes (stream items " + itemsSent + " to " + (itemsSent + k - 1) + ")");
            itemsSent += k;
            done += k;
        }
    }

    /** @return items sent so far: the absolute offset of the next item */
    public long itemsSent() {
        return itemsSent;
    }

    /** @return the largest message, in items */
    public int maxItemsPerMessage() {
        return maxItemsPerMessage;
    }

    /** @return the endpoint bound (with the real port) or connected to */
    public String endpoint() {
        return frames.endpoint();
    }

    /** Closes the socket, lingering briefly so queued bytes still go out. Idempotent. */
    @Override
    public void close() {
        frames.close();
    }

    /** Closes the socket after the bytes still queued have gone out, waiting up to deliverMillis. */
    public void closeDelivering(int deliverMillis) {
        frames.close(deliverMillis);
    }
}
