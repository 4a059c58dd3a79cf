package org.grmodelfree.block;

import org.grmodelfree.wire.ControlMessage;

/**
 * A block's view of its ports, named by the {@link PortSpec} constants its {@link BlockSpec} lists.
 * Reads and receives never block: they return what has already arrived. Writes and sends may block
 * while a peer applies backpressure. Every method throws IllegalArgumentException, naming the block
 * and the port, for a port the running block does not declare (see {@link BlockSpec#declared}).
 */
public interface BlockIo {

    /**
     * Copies up to maxItems complex samples that have arrived on a stream input into dst (interleaved,
     * from float index 2 * off) and returns their number, 0 when none has arrived. Throws
     * IllegalArgumentException, naming the port and its item type, if the port is not a complex
     * stream input.
     */
    int read(PortSpec port, float[] dst, int off, int maxItems);

    /**
     * Writes items complex samples (interleaved, from float index 2 * off) to a stream output. src
     * not modified. Throws IllegalArgumentException, naming the port and its item type, if the port
     * is not a complex stream output.
     */
    void write(PortSpec port, float[] src, int off, int items);

    /**
     * Copies up to max bytes that have arrived on a byte stream input into dst from off and returns
     * their number, 0 when none has arrived. Throws IllegalArgumentException, naming the port and its
     * item type, if the port is not a byte stream input.
     */
    int readBytes(PortSpec port, byte[] dst, int off, int max);

    /**
     * Writes src[off, off + n) to a byte stream output. src not modified. Throws
     * IllegalArgumentException, naming the port and its item type, if the port is not a byte stream
     * output.
     */
    void writeBytes(PortSpec port, byte[] src, int off, int n);

    /** The next message that has arrived on a message input, or null. */
    ControlMessage receive(PortSpec port);

    /** Sends a message on a message output. The message's arrays must not be modified afterwards. */
    void send(PortSpec port, ControlMessage message);

    /** Whether an optional port is connected to anything. */
    boolean connected(PortSpec port);

    /** The clock timeouts are measured on (nanoseconds, arbitrary origin). */
    long nanoTime();

    /** One line for the block's log, e.g. progress or a rejected message. */
    void log(String line);

    /**
     * Whether a repeated event (a rejected message, an underflow) is worth a log line when its count
     * goes from before to count: the first ten times, then each time the count passes a power of two,
     * so a flood of them gives a few dozen lines, not one each.
     */
    static boolean worthLogging(long before, long count) {
        return count > before && (count <= 10 || Long.numberOfLeadingZeros(count) < Long.numberOfLeadingZeros(before));
    }
}
