package org.grmodelfree.wire;

import java.util.Objects;
import org.zeromq.SocketType;
import org.zeromq.ZContext;

/**
 * A byte stream in, in the role of gr-zeromq's {@code pull_source} with item size 1
 * ({@code gr.sizeof_char}): a PULL socket receiving raw bytes, one item per byte, optionally
 * behind the {@code pass_tags} header ({@link StreamTagHeader}), as {@link StreamIn} receives
 * complex64.
 *
 * <p>Message boundaries mean nothing: a message holds any number of items (a byte item is never
 * partial), and {@link #poll} hands them out in pieces of at most the size the caller asks for,
 * keeping the rest for later calls. A bad message (a bad header, longer than the limit) is
 * dropped whole and reported by a {@link WireFormatException} naming the endpoint. With
 * {@code pass_tags}, a header offset ahead of the items received so far counts as
 * {@link #droppedItems()}.
 *
 * <p>Items are handed out straight from the socket's receive buffer, which is allocated at
 * construction; receiving allocates nothing of its own. Not thread-safe: one thread receives.
 */
public final class ByteStreamIn implements AutoCloseable, InputPoller.Input {

    /** Default receive limit per message, in bytes. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;

    private final FrameSocket frames;
    private final StreamHeaderIn header;
    /** Current message: bytes [pos, end) of the socket's buffer are not handed out yet. */
    private int pos;
    private int end;
    /** A bad message {@link #await} met, reported by the next poll. */
    private WireFormatException deferred;

    /**
     * @param context owned by the caller, who closes it after this
     * @param address address to connect or bind; null binds {@link Endpoints#DEFAULT_BIND}
     * @param bind bind (true) or connect (false)
     * @param passTags expect the gr-zeromq tag header in front of every message
     * @param maxMessageBytes longest message accepted, header included, at least 1
     */
    public ByteStreamIn(ZContext context, String address, boolean bind, boolean passTags, int maxMessageBytes) {
        if (maxMessageBytes < 1 || maxMessageBytes > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("byte stream input: max message bytes " + maxMessageBytes
                    + " out of range");
        }
        this.frames = new FrameSocket(context, SocketType.PULL, "byte stream input", address, bind, 0,
                maxMessageBytes, 0);
        this.header = new StreamHeaderIn(frames, passTags);
    }

    /** Connects to {@code address} (e.g. a GNU Radio push_sink of bytes) with the default limit. */
    public static ByteStreamIn connect(ZContext context, String address, boolean passTags) {
        return new ByteStreamIn(context, address, false, passTags, DEFAULT_MAX_MESSAGE_BYTES);
    }

    /** Binds {@code address} (null: loopback, free port) with the default limit. */
    public static ByteStreamIn bind(ZContext context, String address, boolean passTags) {
        return new ByteStreamIn(context, address, true, passTags, DEFAULT_MAX_MESSAGE_BYTES);
    }

    /**
     * Copies up to {@code max} bytes that have arrived into {@code dst} from {@code off}; never
     * waits. Never returns items of two messages in one call.
     *
     * @param dst output. Modified.
     * @param max at least 1
     * @return the number of bytes written, from 0 to {@code max}
     * @throws WireFormatException if the next message is bad; it is dropped whole and counted
     */
    public int poll(byte[] dst, int off, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("byte stream input: max " + max + " < 1");
        }
        Objects.checkFromIndexSize(off, max, dst.length);
        if (deferred != null) {
            WireFormatException e = deferred;
            deferred = null;
            throw e;
        }
        if (pos == end && !next(0)) {
            return 0;
        }
        int n = Math.min(max, end - pos);
        System.arraycopy(frames.buffer(), pos, dst, off, n);
        pos += n;
        return n;
    }

    /**
     * Waits up to {@code timeoutMillis} until bytes are buffered, without handing any out; a bad
     * message is kept for the next {@link #poll} to report.
     */
    @Override
    public boolean await(long timeoutMillis) {
        FrameSocket.checkTimeout(timeoutMillis);
        if (pos < end || deferred != null) {
            return true;
        }
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        try {
            while (true) {
                long left = Math.max(0, (deadline - System.nanoTime() + 999_999) / 1_000_000);
                if (next(left)) {
                    return true;
                }
                if (left == 0 || System.nanoTime() - deadline >= 0) {
                    return false;
                }
            }
        } catch (WireFormatException e) {
            deferred = e;
            return true;
        }
    }

    /** Takes one message off the socket within timeoutMillis; true if it holds items. */
    private boolean next(long timeoutMillis) {
        int len = frames.receive(timeoutMillis);
        if (len < 0) {
            return false;
        }
        int start = header.itemsStart(len);
        header.accept(len - start);
        pos = start;
        end = len;
        return end > pos;
    }

    /** @return bytes of the current message not yet handed out */
    public int bufferedItems() {
        return end - pos;
    }

    /** @return items skipped by forward jumps of the pass_tags offset (0 without pass_tags) */
    public long droppedItems() {
        return header.droppedItems();
    }

    /** @return messages rejected as bad so far */
    public long rejectedCount() {
        return frames.rejectedCount();
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
