package org.grmodelfree.wire;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.zeromq.SocketType;
import org.zeromq.ZContext;

/**
 * A complex64 sample stream in, in the role of gr-zeromq's {@code pull_source}: a PULL socket
 * receiving raw little-endian complex64 items, optionally behind the {@code pass_tags} header.
 *
 * <p>Roles (docs/gnuradio.md): a GNU Radio {@code push_sink} binds, so an input it feeds connects
 * ({@link #connect}); {@link #bind} is for a peer that connects, such as a {@link StreamOut}
 * told to connect. Keep the input open for the whole run: reconnecting mid-stream loses samples.
 *
 * <p>Message boundaries mean nothing (GNU Radio does not keep them): a message may hold any
 * whole number of items, and {@link #receive} hands them out in pieces of at most the size the
 * caller asks for, keeping the rest for later calls. A whole message is checked before any of
 * its samples is handed out; a bad one (length not a multiple of 8 after the header, a NaN or
 * infinite sample, a bad header, longer than the limit) is dropped whole and reported by a
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
 * allocates each incoming frame, and tags, when present, are decoded into new objects). Not
 * thread-safe: one thread receives.
 */
public final class StreamIn implements AutoCloseable, InputPoller.Input {

    /** Default receive limit per message, in bytes: 131072 items without tags. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;

    private final FrameSocket frames;
    private final StreamHeaderIn header;
    private final float[] samples;
    private final List<StreamTagHeader.Tag> tagsView;
    /** Current message: items [pos, end) of samples are not handed out yet. */
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
     * @param maxMessageBytes longest message accepted, header included, at least 8
     */
    public StreamIn(ZContext context, String address, boolean bind, boolean passTags,
            int maxMessageBytes) {
        if (maxMessageBytes < Complex64Codec.BYTES_PER_ITEM
                || maxMessageBytes > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("stream input: max message bytes "
                    + maxMessageBytes + " out of range");
        }
        this.frames = new FrameSocket(context, SocketType.PULL, "stream input", address, bind,
                0, maxMessageBytes, 0);
        this.header = new StreamHeaderIn(frames, passTags);
        this.tagsView = Collections.unmodifiableList(header.tags());
        this.samples = new float[2 * (maxMessageBytes / Complex64Codec.BYTES_PER_ITEM)];
    }

    /** Connects to {@code address} (e.g. a GNU Radio push_sink) with the default limit. */
    public static StreamIn connect(ZContext context, String address, boolean passTags) {
        return new StreamIn(context, address, false, passTags, DEFAULT_MAX_MESSAGE_BYTES);
    }

    /** Binds {@code address} (null: loopback, free port) with the default limit. */
    public static StreamIn bind(ZContext context, String address, boolean passTags) {
        return new StreamIn(context, address, true, passTags, DEFAULT_MAX_MESSAGE_BYTES);
    }

    /**
     * Receives between 1 and {@code maxItems} items: the rest of the current message if some
     * is left, otherwise from the next non-empty message, waiting up to {@code timeoutMillis}
     * for it. Never returns items of two messages in one call.
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
        checkDestination(dst, off, maxItems);
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
     * Allocates nothing when nothing has arrived.
     *
     * @param dst interleaved re, im output, {@code 2 * returned} floats from {@code off}.
     *     Modified.
     * @param maxItems at least 1
     * @return the number of items written, from 0 to {@code maxItems}
     * @throws WireFormatException if the next message is bad; it is dropped whole and counted
     */
    public int poll(float[] dst, int off, int maxItems) {
        checkDestination(dst, off, maxItems);
        throwDeferred();
        if (pos == end && next(0) <= 0) {
            return 0;
        }
        return take(dst, off, maxItems);
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

    private static void checkDestination(float[] dst, int off, int maxItems) {
        if (maxItems < 1) {
            throw new IllegalArgumentException("stream input: maxItems " + maxItems + " < 1");
        }
        Objects.checkFromIndexSize(off, 2 * maxItems, dst.length);
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

    /** Checks and decodes the frame in the buffer; returns its item count. */
    private int accept(int len) {
        int start = header.itemsStart(len);
        int items;
        try {
            items = Complex64Codec.decodeFinite(frames.buffer(), start, len - start, samples, 0);
        } catch (WireFormatException e) {
            throw header.reject(len, e);
        }
        messageOffset = header.accept(items);
        pos = 0;
        end = items;
        return items;
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
