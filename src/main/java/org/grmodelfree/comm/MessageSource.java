package org.grmodelfree.comm;

/**
 * Uniform training messages from a seed. Two ends built with the same seed draw the same messages
 * for the same (iteration, stream), which is how a receiver knows the labels of training batches
 * without their being sent.
 */
public final class MessageSource {
    private final int messages;
    private final long seed;
    private final Rng rng;

    public MessageSource(int messages, long seed) {
        this.messages = messages;
        this.seed = seed;
        this.rng = new Rng(seed);
    }

    /** Positions the source at the start of a batch: (iteration, stream) identify it. */
    public void position(long iteration, long stream) {
        rng.reseed(seed, iteration, stream);
    }

    /** Fills out[0..count) with the next messages. out modified. */
    public void next(int[] out, int count) {
        for (int i = 0; i < count; i++) {
            out[i] = rng.nextInt(messages);
        }
    }
}
