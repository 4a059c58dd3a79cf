package org.grmodelfree.wire;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.zeromq.SocketType;
import org.zeromq.ZContext;

/**
 * A stream in, in the role of gr-zeromq's {@code pull_source}: a PULL socket receiving raw items
 * of a fixed size in bytes (gr-zeromq's {@code itemsize * vlen}), optionally behind the
 * {@code pass_tags} header. Two item sizes have a meaning here: {@link #COMPLEX64} (8 bytes,
 * {@code gr_complex}: little-endian float32 re, then im), read as floats with {@link #receive}
 * and {@link #poll(float[], int, int)}, and {@link #BYTE} ({@code gr.sizeof_char}), read with
 * {@link #poll(byte[], int, int)}, which hands out the raw bytes of items of any size.
 *
 * <p>Roles (docs/gnuradio.md): a GNU Radio {@code push_sink} binds, so an input it feeds connects
 * ({@link #connect}); {@link #bind} is for a peer that connects, such as a {@link StreamOut}
 * told to connect. Keep the input open for the whole run: reconnecting mid-stream loses samples.
 *
 * <p>Message boundaries mean nothing (GNU Radio does not keep them): a message may hold any
 * whole number of items, and {@link #receive} and the polls hand them out in pieces of at most the size the
 * caller asks for, keeping the rest for later calls. A whole message is checked before any of
 * its items is handed out; a bad one (length not a multiple of the item size after the header,
 * with complex64 items a NaN or infinite sample, a bad header, longer than the limit) is dropped whole and reported by a
 * {@link WireFormatException} naming the endpoint, and the next call goes on with the next
 * message. Unlike the message inputs, the stream input throws rather than skips: losing samples
 * matters to the caller, whose framing must resynchronise. {@link #poll} takes only what has
 * arrived and returns 0 instead of timing out, for a runner that waits on several inputs with
 * an {@link InputPoller}; a bad message still throws.
 *
 * <p>With {@code pass_tags}, each header's offset is checked against the offset expected from
 * the items received so far, starting at 0: a jump forward counts as {@link #droppedItems()}; a
 * jump back (the sender restarted) is accepted and counted by {@link #offsetRewinds()}.
 * Without it, offsets simply count the items received.
 *
 * <p>Buffers are allocated at construction; receiving allocates nothing of its own (JeroMQ
 * allocates each incoming frame, and tags, when present, are decoded into new objects). Complex64
 * items are checked and decoded into a float buffer once per message, when it is taken off the
 * socket, and handed out from there; other items are handed out straight from the socket's
 * receive buffer. Not thread-safe: one thread receives.
 */
public final class StreamIn implements AutoCloseable, InputPoller.Input {
    /**
     * Messages a stream socket queues each way (both ends'): enough to keep a stream moving (a
     * message holds up to {@link StreamOut}'s limit of items), few enough that a writer towards a
     * reader paced in real time (Radio TX takes the link's frames at the radio's rate) is woken
     * every few messages instead of after some 500, which blocked a stream transmitter for longer
     * than its peer timeout.
     */
    public static final int HIGH_WATER_MARK = 16;

    /** Item size of a {@code gr_complex} stream, read as floats. */
    public static final int COMPLEX64 = Complex64Codec.BYTES_PER_ITEM;
    /** Item size of a byte stream ({@code gr.sizeof_char}). */
    public static final int BYTE = 1;
    /** Default receive limit per message, in bytes: 131072 complex64 items without tags. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;

    private final FrameSocket frames;
    private final StreamHeaderIn header;
    private final int itemSize;
    /** The current message's decoded samples, for complex64 items; null for other sizes. */
    private final float[] samples;
    private final List<StreamTagHeader.Tag> tagsView;
    /** Where the current message's items start in the socket's buffer. */
    private int itemsStart;
    /** Current message: items [pos, end) are not handed out yet. */
    private int pos;
    private int end;
    private long messageOffset;
    /** A bad message {@link #await} met, reported by the next receive or poll. */
    private WireFormatException deferred;

    /**
     * @param context owned by the caller, who closes it after this
     * @param address address to connect or bind; null binds {@link Endpoints#DEFAULT_BIND}
     * @param bind bind (true) or connect (false)
     * @param passTags expect the gr-zeromq tag header in front of every message
     * @param itemSize bytes per item, at least 1: {@link #COMPLEX64}, {@link #BYTE}, or another
     *     {@code itemsize * vlen}
     * @param maxMessageBytes longest message accepted, header included, at least itemSize
     */
    public StreamIn(ZContext context, String address, boolean bind, boolean passTags, int itemSize,
            int maxMessageBytes) {
        String role = itemSize == BYTE ? "byte stream input" : "stream input";
        if (itemSize < 1) {
            throw new IllegalArgumentException(role + ": item size " + itemSize + " < 1");
        }
        if (maxMessageBytes < itemSize || maxMessageBytes > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException(role + ": max message bytes "
                    + maxMessageBytes + " out of range");
        }
        this.frames = new FrameSocket(context, SocketType.PULL, role, address, bind,
                0, maxMessageBytes, 0, HIGH_WATER_MARK);
        this.header = new StreamHeaderIn(frames, passTags);
        this.tagsView = Collections.unmodifiableList(header.tags());
        this.itemSize = itemSize;
        this.samples = itemSize == COMPLEX64
                ? new float[2 * (maxMessageBytes / Complex64Codec.BYTES_PER_ITEM)] : null;
    }

    /** Connects to {@code address} (e.g. a GNU Radio push_sink) for complex64 items, with the default limit. */
    public static StreamIn connect(ZContext context, String address, boolean passTags) {
        return connect(context, address, passTags, COMPLEX64);
    }

    /** Connects to {@code address} for items of {@code itemSize} bytes, with the default limit. */
    public static StreamIn connect(ZContext context, String address, boolean passTags, int itemSize) {
        return new StreamIn(context, address, false, passTags, itemSize, DEFAULT_MAX_MESSAGE_BYTES);
    }

    /** Binds {@code address} (null: loopback, free port) for complex64 items, with the default limit. */
    public static StreamIn bind(ZContext context, String address, boolean passTags) {
        return bind(context, address, passTags, COMPLEX64);
    }

    /** Binds {@code address} (null: loopback, free port) for items of {@code itemSize} bytes, with the default limit. */
    public static StreamIn bind(ZContext context, String address, boolean passTags, int itemSize) {
        return new StreamIn(context, address, true, passTags, itemSize, DEFAULT_MAX_MESSAGE_BYTES);
    }

    /**
     * Receives between 1 and {@code maxItems} items: the rest of the current message if some
     * is left, otherwise from the next non-empty message, waiting up to {@code timeoutMillis}
     * for it. Never returns items of two messages in one call. Complex64 items only.
     *
     * @param dst interleaved re, im output, {@code 2 * returned} floats from {@code off}.
     *     Modified.
     * @param maxItems at least 1
     * @param timeoutMillis how long to wait for a message; 0 takes only what has arrived
     * @return the number of items written, at least 1
     * @throws PeerTimeoutException if no message arrives in time
     * @throws WireFormatException if the next message is bad; it is dropped whole
     */
    public int receive(float[] dst, int off, int maxItems, long timeoutMillis) {
        checkDestination(dst.length, off, 2, maxItems);
        FrameSocket.checkTimeout(timeoutMillis);
        throwDeferred();
        if (pos == end) {
            int got = next(timeoutMillis);
            if (got < 0) {
                throw new PeerTimeoutException(frames.endpoint(), timeoutMillis, frames.label()
                        + ": no samples within " + timeoutMillis + " ms");
            }
            if (got == 0) {
                throw new PeerTimeoutException(frames.endpoint(), timeoutMillis, frames.label()
                        + ": only empty messages within " + timeoutMillis + " ms");
            }
        }
        return take(dst, off, maxItems);
    }

    /**
     * As {@link #receive} with timeout 0, but returns 0 instead of throwing
     * {@link PeerTimeoutException} when no message with items has arrived. Never waits; an
     * empty message counts as this call's look, so the next call sees what follows it.
     * Allocates nothing when nothing has arrived. Complex64 items only.
     *
     * @param dst interleaved re, im output, {@code 2 * returned} floats from {@code off}.
     *     Modified.
     * @param maxItems at least 1
     * @return the number of items written, from 0 to {@code maxItems}
     * @throws WireFormatException if the next message is bad; it is dropped whole and counted
     */
    public int poll(float[] dst, int off, int maxItems) {
        checkDestination(dst.length, off, 2, maxItems);
        throwDeferred();
        if (pos == end && next(0) <= 0) {
            return 0;
        }
        return take(dst, off, maxItems);
    }

    /**
     * As {@link #poll(float[], int, int)}, but hands out the items' raw bytes, {@code itemSize}
     * per item, whatever their size: a byte stream's bytes, or complex64 items as they came.
     *
     * @param dst output, {@code itemSize * returned} bytes from {@code off}. Modified.
     * @param maxItems at least 1
     * @return the number of items written, from 0 to {@code maxItems}
     * @throws WireFormatException if the next message is bad; it is dropped whole and counted
     */
    public int poll(byte[] dst, int off, int maxItems) {
        checkDestination(dst.length, off, itemSize, maxItems);
        throwDeferred();
        if (pos == end && next(0) <= 0) {
            return 0;
        }
        int n = Math.min(maxItems, end - pos);
        System.arraycopy(frames.buffer(), itemsStart + itemSize * pos, dst, off, itemSize * n);
        pos += n;
        return n;
    }

    /**
     * Waits up to {@code timeoutMillis} until items are buffered, taking the next message with
     * items off the socket if none are, without handing any out. Never throws for a bad
     * message: it is dropped and counted, and the next {@link #poll} or {@link #receive} throws
     * its {@link WireFormatException}. For a runner that waits on this input alone; cheaper than
     * an {@link InputPoller} poll.
     *
     * @return whether items are buffered, or a bad message is waiting to be reported
     */
    @Override
    public boolean await(long timeoutMillis) {
        FrameSocket.checkTimeout(timeoutMillis);
        if (pos < end || deferred != null) {
            return true;
        }
        try {
            return next(timeoutMillis) > 0;
        } catch (WireFormatException e) {
            deferred = e;
            return true;
        }
    }

    private void throwDeferred() {
        if (deferred != null) {
            WireFormatException e = deferred;
            deferred = null;
            throw e;
        }
    }

    /** Checks room for maxItems of {@code per} array elements each; float reads need complex64 items. */
    private void checkDestination(int length, int off, int per, int maxItems) {
        if (maxItems < 1) {
            throw new IllegalArgumentException(frames.label() + ": maxItems " + maxItems + " < 1");
        }
        if (per == 2 && samples == null) {
            throw new IllegalStateException(frames.label() + ": items of " + itemSize
                    + " bytes are not complex64; read them as bytes");
        }
        Objects.checkFromIndexSize(off, per * maxItems, length);
    }

    /** Hands out up to {@code maxItems} items of the current message, which has some left. */
    private int take(float[] dst, int off, int maxItems) {
        int n = Math.min(maxItems, end - pos);
        System.arraycopy(samples, 2 * pos, dst, off, 2 * n);
        pos += n;
        return n;
    }

    /**
     * Waits up to {@code timeoutMillis} for the next message with at least one item and makes
     * it current.
     *
     * @return its item count; 0 if only empty messages arrived in time, -1 if none did
     */
    private int next(long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            long left = Math.max(0, (deadline - System.nanoTime() + 999_999) / 1_000_000);
            int len = frames.receive(left);
            if (len < 0) {
                return -1;
            }
            int items = accept(len);
            if (items > 0 || System.nanoTime() - deadline >= 0) {
                return items;
            }
        }
    }

    /** Checks (and for complex64 decodes) the frame in the buffer; returns its item count. */
    private int accept(int len) {
        int start = header.itemsStart(len);
        int items;
        try {
            items = samples != null
                    ? Complex64Codec.decodeFinite(frames.buffer(), start, len - start, samples, 0)
                    : itemCount(len - start);
        } catch (WireFormatException e) {
            throw header.reject(len, e);
        }
        messageOffset = header.accept(items);
        itemsStart = start;
        pos = 0;
        end = items;
        return items;
    }

    private int itemCount(int bytes) {
        if (bytes % itemSize != 0) {
            throw new WireFormatException("stream frame: " + bytes + " bytes is not a multiple of "
                    + itemSize);
        }
        return bytes / itemSize;
    }

    /**
     * @return the absolute offset of the next item {@link #receive} returns, if no items are
     *     dropped before it
     */
    public long nextOffset() {
        return pos < end ? messageOffset + pos : header.expectedOffset();
    }

    /** @return items skipped by forward jumps of the pass_tags offset (0 without pass_tags) */
    public long droppedItems() {
        return header.droppedItems();
    }

    /** @return how often the pass_tags offset went backwards (sender restarts) */
    public long offsetRewinds() {
        return header.offsetRewinds();
    }

    /** @return messages rejected as bad so far */
    public long rejectedCount() {
        return frames.rejectedCount();
    }

    /** @return why the last bad message was rejected, or "" if none was */
    public String lastRejection() {
        return frames.lastRejection();
    }

    /**
     * @return the tags of the message the last returned items came from (pass_tags only), with
     *     absolute offsets; a read-only view that changes when the next message is taken
     */
    public List<StreamTagHeader.Tag> tags() {
        return tagsView;
    }

    /** @return bytes per item */
    public int itemSize() {
        return itemSize;
    }

    /** @return items of the current message not yet handed out */
    public int bufferedItems() {
        return end - pos;
    }

    /** @return the endpoint connected to or bound (with the real port) */
    public String endpoint() {
        return frames.endpoint();
    }

    /** The input's socket, for {@link InputPoller}. */
    FrameSocket frames() {
        return frames;
    }

    /** Closes the socket at once (linger 0). Idempotent. */
    @Override
    public void close() {
        frames.close();
    }
}
