package org.grmodelfree.block;

import java.util.Map;

/**
 * A block's work, in the manner of a GNU Radio general_work: each call consumes what has arrived on
 * the block's inputs and produces what it can, through a {@link BlockIo} that hides where the ports
 * lead (ZeroMQ sockets under a {@link BlockRunner}, in-memory queues under a {@link LocalGraph}).
 * A block never touches a socket. Every block class is named {@code *Block} and declares its ports
 * and parameters once, in a {@code public static final BlockSpec SPEC}.
 */
public interface Block {

    /** What one call of {@link #work} achieved. */
    enum Status {
        /** Consumed or produced something; call again. */
        WORKED,
        /** Needs input (or time) before it can go on: see {@link #waitingFor()} and {@link #wakeAt()}. */
        IDLE,
        /** Finished: the runner stops it. */
        DONE
    }

    /** The block's declaration (its class's SPEC). */
    BlockSpec spec();

    /** Does what can be done now. May block only on a full output (backpressure). */
    Status work(BlockIo io);

    /** What the block waits for after returning IDLE, e.g. "losses of batch 17 on 'feedback'". */
    String waitingFor();

    /**
     * The {@link BlockIo#nanoTime()} at which the block wants to be called even if no input
     * arrives (a feedback timeout, a delayed message), or Long.MAX_VALUE.
     */
    default long wakeAt() {
        return Long.MAX_VALUE;
    }

    /**
     * Whether waiting longer than the peer timeout for input with nothing to do means a peer is
     * lost. A passive relay that has no schedule (the loss feedback) waits for as long as it takes;
     * the blocks that follow the schedule report a lost peer for it.
     */
    default boolean idleMeansPeerLost() {
        return true;
    }

    /**
     * Changes a run-time parameter (declared {@link ParamSpec#runtime()}) while the block runs.
     * The runner calls it on the block's thread between work calls, with the value already parsed
     * and checked against the declaration (Long, Double, String or Boolean); param is the block's own
     * declaration (one of its SPEC's parameters).
     */
    default void set(ParamSpec param, Object value) {
        throw new IllegalArgumentException(spec().name() + " has no run-time parameter '" + param.id() + "'");
    }

    /** Called once when the run ends, normally or not: last checkpoint, flush. */
    default void stop(BlockIo io) {
    }

    /** Counters for the run's report (frames, skips, messages, ...), in a stable order. */
    Map<String, Object> stats();
}
