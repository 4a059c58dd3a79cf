package org.grmodelfree.comm;

import java.util.random.RandomGenerator;

/**
 * SplitMix64 generator that can be reseeded in place. Trainers reseed it from (seed, iteration,
 * stream) at the start of every iteration, so a run resumed from a checkpoint draws exactly the
 * numbers the uninterrupted run would have, and nothing is allocated per iteration. Gaussian
 * draws use the JDK's ziggurat ({@link RandomGenerator#nextGaussian()}).
 */
public final class Rng implements RandomGenerator {
    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** Restarts the sequence from a seed. */
    public void reseed(long seed) {
        this.state = seed;
    }

    /** Restarts the sequence from a seed mixed with two counters (iteration, stream). */
    public void reseed(long seed, long iteration, long stream) {
        this.state = mix(mix(seed ^ 0x9E3779B97F4A7C15L * (iteration + 1)) + stream * 0xBF58476D1CE4E5B9L);
    }

    @Override
    public long nextLong() {
        return mix(state += 0x9E3779B97F4A7C15L);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
