package org.grmodelfree.sweep;

import java.io.Serializable;
import java.util.Arrays;

/**
 * What a cell measures after training, as {@code ./modelfree train} does: the BLER at the training
 * SNR with at least {@code testMessages} messages (0 = not measured) and with minimum-distance
 * decisions on AWGN, and the BLER at each of {@code snrs}; every point stops at 100 errors once its
 * minimum is reached, or at {@code maxMessages}. The learning curve is the run's own (its
 * {@code eval_every}).
 *
 * @param snrs SNRs in dB of the BLER curve after training (may be empty)
 * @param testMessages messages at least for the final BLER at the training SNR (0 = none)
 * @param maxMessages message cap per final BLER point
 */
public record Measure(double[] snrs, long testMessages, long maxMessages) implements Serializable {
    private static final long serialVersionUID = 1L;

    public Measure {
        require(testMessages >= 0, "test messages must not be negative, got " + testMessages);
        require(maxMessages >= 1, "max messages must be positive, got " + maxMessages);
        snrs = snrs.clone();
        for (double s : snrs) {
            require(Double.isFinite(s), "SNRs must be numbers");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    @Override
    public double[] snrs() {
        return snrs.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Measure m && m.testMessages == testMessages && m.maxMessages == maxMessages
                && Arrays.equals(m.snrs, snrs);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(testMessages) * 31 + Long.hashCode(maxMessages)) * 31 + Arrays.hashCode(snrs);
    }

    /** The measurements as text (part of a cell's key). */
    @Override
    public String toString() {
        return "test_messages=" + testMessages + ", snr_db=" + Arrays.toString(snrs) + ", max_messages=" + maxMessages;
    }
}
