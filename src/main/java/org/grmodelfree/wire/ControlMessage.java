package org.grmodelfree.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * Control and feedback messages between the project's JVM blocks, carried as msgpack maps by
 * {@link ControlCodec}, or as GNU Radio PDUs by {@link ControlPdu} where they cross a flowgraph. Constructors check their arguments and throw
 * {@link IllegalArgumentException}, so a message that exists can always be encoded.
 */
public sealed interface ControlMessage {

    /** A message about one batch: its id and the iteration it belongs to. */
    sealed interface AboutBatch extends ControlMessage {
        /** @return the batch's id */
        long batchId();

        /** @return the iteration the batch belongs to */
        long iteration();
    }

    /**
     * Sent once by a block when it connects.
     *
     * @param block the sender's block id, not empty
     * @param protocolVersion the sender's block protocol version, at least 1
     */
    record Hello(String block, int protocolVersion) implements ControlMessage {
        /** Checks the arguments. */
        public Hello {
            Objects.requireNonNull(block, "block");
            if (block.isEmpty()) {
                throw new IllegalArgumentException("block id is empty");
            }
            if (protocolVersion < 1) {
                throw new IllegalArgumentException("protocol version " + protocolVersion + " < 1");
            }
        }
    }

    /**
     * Announces the next training phase and its batch.
     *
     * @param iteration training iteration, from 0
     * @param phase {@link #RECEIVER} or {@link #TRANSMITTER}
     * @param batchSize messages in the batch, at least 1
     * @param batchId the batch's id, from 0
     */
    record Phase(long iteration, String phase, int batchSize, long batchId)
            implements AboutBatch {
        /** The receiver phase of an iteration. */
        public static final String RECEIVER = "receiver";
        /** The transmitter phase of an iteration. */
        public static final String TRANSMITTER = "transmitter";

        /** Checks the arguments. */
        public Phase {
            checkNonNegative("iteration", iteration);
            Objects.requireNonNull(phase, "phase");
            if (!phase.equals(RECEIVER) && !phase.equals(TRANSMITTER)) {
                throw new IllegalArgumentException(
                        "phase '" + phase + "' is neither 'receiver' nor 'transmitter'");
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size " + batchSize + " < 1");
            }
            checkNonNegative("batch", batchId);
        }
    }

    /**
     * Per-example losses of one transmitter-phase batch, fed back to the transmitter.
     *
     * @param batchId the batch the losses belong to, from 0
     * @param iteration training iteration, from 0
     * @param losses one finite loss per example; not copied, so do not modify it afterwards
     */
    record Losses(long batchId, long iteration, float[] losses) implements AboutBatch {
        /** Checks the arguments, including that every loss is finite. */
        public Losses {
            checkNonNegative("batch", batchId);
            checkNonNegative("iteration", iteration);
            Objects.requireNonNull(losses, "losses");
            for (int i = 0; i < losses.length; i++) {
                if (!Float.isFinite(losses[i])) {
                    throw new IllegalArgumentException("losses[" + i + "] is " + losses[i]);
                }
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Losses l && l.batchId == batchId && l.iteration == iteration
                    && Arrays.equals(l.losses, losses);
        }

        @Override
        public int hashCode() {
            return Objects.hash(batchId, iteration, Arrays.hashCode(losses));
        }

        @Override
        public String toString() {
            return "Losses[batchId=" + batchId + ", iteration=" + iteration + ", losses="
                    + losses.length + " values]";
        }
    }

    /**
     * What the policy sampler actually sent for one transmitter-phase batch, so the peer can
     * pair the batch's losses with the exact perturbed symbols.
     *
     * @param batchId the batch the samples belong to, from 0
     * @param iteration training iteration, from 0
     * @param samples interleaved re, im of the complex values sent: even length, every value
     *     finite; not copied, so do not modify it afterwards
     * @param sigma2 the exploration variance s^2 the sampler used for these samples, in (0, 1),
     *     or NaN when not given (then the transmitter assumes its own schedule's)
     */
    record Sent(long batchId, long iteration, float[] samples, double sigma2) implements AboutBatch {
        /** Checks the arguments, including that every value is finite and the length even. */
        public Sent {
            if (!Double.isNaN(sigma2) && !(sigma2 > 0 && sigma2 < 1)) {
                throw new IllegalArgumentException("sigma2 must lie in (0, 1) or be NaN (not given), got " + sigma2);
            }
            checkNonNegative("batch", batchId);
            checkNonNegative("iteration", iteration);
            Objects.requireNonNull(samples, "samples");
            if (samples.length % 2 != 0) {
                throw new IllegalArgumentException(
                        "samples hold interleaved complex values: odd length " + samples.length);
            }
            for (int i = 0; i < samples.length; i++) {
                if (!Float.isFinite(samples[i])) {
                    throw new IllegalArgumentException("samples[" + i + "] is " + samples[i]);
                }
            }
        }

        /** Samples without the exploration variance (NaN: the receiver assumes its schedule's). */
        public Sent(long batchId, long iteration, float[] samples) {
            this(batchId, iteration, samples, Double.NaN);
        }

        /** Whether the message says which exploration variance the samples were drawn with. */
        public boolean hasSigma2() {
            return !Double.isNaN(sigma2);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Sent s && s.batchId == batchId && s.iteration == iteration
                    && Double.compare(s.sigma2, sigma2) == 0 && Arrays.equals(s.samples, samples);
        }

        @Override
        public int hashCode() {
            return Objects.hash(batchId, iteration, sigma2, Arrays.hashCode(samples));
        }

        @Override
        public String toString() {
            return "Sent[batchId=" + batchId + ", iteration=" + iteration + ", samples="
                    + samples.length + " values" + (hasSigma2() ? ", sigma2=" + sigma2 : "") + "]";
        }
    }

    /**
     * Tells the transmitter that a batch never arrived whole at the receiver, so it gets no
     * losses for it.
     *
     * @param batchId the batch that was lost, from 0
     * @param iteration training iteration, from 0
     * @param reason human-readable reason, possibly empty
     */
    record Lost(long batchId, long iteration, String reason) implements AboutBatch {
        /** Checks the arguments. */
        public Lost {
            checkNonNegative("batch", batchId);
            checkNonNegative("iteration", iteration);
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Asks the peer to stop.
     *
     * @param reason human-readable reason, possibly empty
     */
    record Stop(String reason) implements ControlMessage {
        /** Checks for null. */
        public Stop {
            Objects.requireNonNull(reason, "reason");
        }
    }

    private static void checkNonNegative(String what, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " " + value + " is negative");
        }
    }
}
