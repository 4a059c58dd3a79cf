package org.grmodelfree.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Waits on several inputs at once, for a block runner that serves many ports from one thread:
 * {@link #await} returns as soon as any registered {@link StreamIn} or {@link ControlLink} has
 * something to read, and the runner then takes it with {@link StreamIn#poll} and
 * {@link ControlLink#poll}, which never wait and never throw for "nothing yet".
 *
 * <p>Ready means a frame is waiting on the input's socket, or a stream input still holds items
 * of its current message ({@link StreamIn#bufferedItems()}), which no socket poll would show. A
 * waiting frame may still turn out bad or empty, so a poll after {@code await} returned true
 * may find nothing: the runner just awaits again.
 *
 * <p>With several inputs, one JeroMQ poller ({@link ZMQ.Poller}, {@link ZMQ.Poller#POLLIN})
 * does the waiting; it owns a {@link java.nio.channels.Selector}, so create one per runner, not
 * per wait. Before waiting, {@code await} asks each socket for its events directly, so a call
 * that finds an input ready allocates nothing; a call that has to wait allocates a little inside
 * JeroMQ, which builds its item array and a map of selection keys per poll. With a single input,
 * {@code await} waits in that input's own receive instead ({@link StreamIn#await},
 * {@link ControlLink#await}), which takes the next message off the socket and keeps it for the
 * input's next poll: measured here, a JeroMQ poll per message costs about half as much CPU again
 * as a blocking receive, and most blocks have one input. The sockets stay owned by their inputs:
 * close the inputs as usual, and this poller before them or after, but do not {@code await} once
 * one of them is closed. Not thread-safe: the runner's thread uses it.
 */
public final class InputPoller implements AutoCloseable {

    /** An input that can wait for its own next message (see the class comment). */
    interface Input {
        /** Waits up to timeoutMillis for something to read; true if there is. */
        boolean await(long timeoutMillis);
    }

    /** Longest single wait, as in the inputs' own receive timeouts (about 24.8 days). */
    private static final long MAX_WAIT_MILLIS = Integer.MAX_VALUE;

    private final ZMQ.Poller poller;
    private final List<FrameSocket> sockets = new ArrayList<>();
    private final List<StreamIn> streams = new ArrayList<>();
    private final List<Input> inputs = new ArrayList<>();
    private boolean closed;

    /**
     * @param context owned by the caller, who closes it after this; the inputs added must
     *     belong to it
     */
    public InputPoller(ZContext context) {
        Objects.requireNonNull(context, "context");
        this.poller = context.createPoller(4);
    }

    /**
     * Adds a stream input, of any item size: ready when a frame waits on it or it holds buffered
     * items.
     *
     * @param in open, not added before
     * @throws IllegalArgumentException if {@code in} was already added
     * @throws IllegalStateException if this poller or {@code in} is closed
     */
    public void add(StreamIn in) {
        register(in.frames());
        streams.add(in);
        inputs.add(in);
    }

    /**
     * Adds a control link: ready when a frame waits on it.
     *
     * @param link open, not added before
     * @throws IllegalArgumentException if {@code link} was already added
     * @throws IllegalStateException if this poller or {@code link} is closed
     */
    public void add(ControlLink link) {
        register(link.frames());
        inputs.add(link);
    }

    private void register(FrameSocket frames) {
        checkOpen();
        if (frames.isClosed()) {
            throw new IllegalStateException("input poller: " + frames.label() + " is closed");
        }
        for (int i = 0; i < sockets.size(); i++) {
            if (sockets.get(i) == frames) {
                throw new IllegalArgumentException("input poller: " + frames.label()
                        + " is already added");
            }
        }
        poller.register(frames.socket(), ZMQ.Poller.POLLIN);
        sockets.add(frames);
    }

    /**
     * Waits until an added input is ready (see the class comment) or the timeout passes. Does
     * not wait at all when one is ready on entry. With no input added, just waits out the
     * timeout.
     *
     * @param timeoutMillis how long to wait; 0 only checks. Longer than
     *     {@code Integer.MAX_VALUE} ms is cut to that.
     * @return true if an input is ready, false if none became ready in time
     * @throws IllegalArgumentException if {@code timeoutMillis} is negative
     * @throws IllegalStateException if this poller or an added input is closed, or the
     *     context was closed
     */
    public boolean await(long timeoutMillis) {
        if (timeoutMillis < 0) {
            throw new IllegalArgumentException("input poller: timeout " + timeoutMillis
                    + " ms is negative");
        }
        checkOpen();
        if (inputs.size() == 1) {
            checkNotClosed(sockets.get(0));
            return inputs.get(0).await(Math.min(timeoutMillis, MAX_WAIT_MILLIS));
        }
        long deadline = System.nanoTime()
                + Math.min(timeoutMillis, MAX_WAIT_MILLIS) * 1_000_000L;
        while (true) {
            if (ready()) {
                return true;
            }
            long left = Math.max(0, (deadline - System.nanoTime() + 999_999) / 1_000_000);
            if (left == 0) {
                return false;
            }
            if (sockets.isEmpty()) {
                // JeroMQ's poll returns at once with nothing registered
                LockSupport.parkNanos(left * 1_000_000L);
                continue;
            }
            int events = poller.poll(left);
            if (events < 0) {
                throw new IllegalStateException("input poller: poll failed, the context was"
                        + " closed");
            }
            if (events > 0) {
                return true;
            }
        }
    }

    /** Whether a stream input holds items or a socket has a frame waiting; never blocks. */
    private boolean ready() {
        for (int i = 0; i < streams.size(); i++) {
            if (streams.get(i).bufferedItems() > 0) {
                return true;
            }
        }
        for (int i = 0; i < sockets.size(); i++) {
            FrameSocket frames = sockets.get(i);
            checkNotClosed(frames);
            ZMQ.Socket socket = frames.socket();
            int events = socket.getEvents(); // -1 with the context closed: not a POLLIN bit
            if (events < 0) {
                throw new IllegalStateException("input poller: " + frames.label()
                        + ": poll failed, " + ZMQ.Error.findByCode(socket.errno()));
            }
            if ((events & ZMQ.Poller.POLLIN) != 0) {
                return true;
            }
        }
        return false;
    }

    private static void checkNotClosed(FrameSocket frames) {
        if (frames.isClosed()) {
            throw new IllegalStateException("input poller: " + frames.label()
                    + " was closed while added");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("input poller is closed");
        }
    }

    /** Closes the poller; the inputs and their sockets stay open. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            poller.close();
        }
    }
}
