package org.grmodelfree.wire;

/**
 * A send or receive on a ZeroMQ link did not complete in time: no peer connected, the peer went
 * away, or it stopped reading (backpressure) or writing. The message names the link's role and
 * endpoint, what was being sent or awaited, and how long the call waited.
 *
 * <p>Unchecked like {@link WireFormatException}; a runner catches it to report a dead peer
 * instead of hanging. The link stays usable: a later call may succeed once the peer is back.
 */
public final class PeerTimeoutException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String endpoint;
    private final long timeoutMillis;

    /**
     * @param endpoint the link's endpoint, as bound or connected
     * @param timeoutMillis how long the call waited
     * @param message what timed out, naming the endpoint
     */
    public PeerTimeoutException(String endpoint, long timeoutMillis, String message) {
        super(message);
        this.endpoint = endpoint;
        this.timeoutMillis = timeoutMillis;
    }

    /** @return the endpoint of the link that timed out */
    public String endpoint() {
        return endpoint;
    }

    /** @return how long the call waited, in milliseconds */
    public long timeoutMillis() {
        return timeoutMillis;
    }
}
