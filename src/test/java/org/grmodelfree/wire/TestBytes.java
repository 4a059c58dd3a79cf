package org.grmodelfree.wire;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

/** Test helpers: hex literals, garbage generators and an allocation meter. */
final class TestBytes {

    private TestBytes() {}

    /** Parses hex with optional spaces, e.g. {@code "0a 08 00000002"}. */
    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static String toHex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** Random bytes, half of them drawn from the small values that are PMT and msgpack tags. */
    static byte[] garbage(Random rand, int maxLen) {
        byte[] b = new byte[rand.nextInt(maxLen + 1)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (rand.nextBoolean() ? rand.nextInt(16) : rand.nextInt(256));
        }
        return b;
    }

    /** A copy of {@code valid} with one to three bytes overwritten at random. */
    static byte[] mutate(Random rand, byte[] valid) {
        byte[] b = Arrays.copyOf(valid, valid.length);
        int flips = 1 + rand.nextInt(3);
        for (int i = 0; i < flips && b.length > 0; i++) {
            b[rand.nextInt(b.length)] = (byte) rand.nextInt(256);
        }
        return b;
    }

    /** Bytes allocated by the current thread so far (HotSpot's thread allocation counter). */
    static long allocatedBytes() {
        com.sun.management.ThreadMXBean bean =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return bean.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /**
     * Bytes the current thread allocates in one run of {@code round} once the JIT has settled: the
     * least over up to 30 runs, stopping at the first under {@code limit}. How soon escape analysis
     * removes a temporary depends on how busy the compiler threads are, so one fixed warm-up can
     * measure before it has; code that really allocates does so in every run.
     */
    static long leastAllocatedBytes(Runnable round, long limit) {
        long least = Long.MAX_VALUE;
        for (int run = 0; run < 30 && least >= limit; run++) {
            long before = allocatedBytes();
            round.run();
            least = Math.min(least, allocatedBytes() - before);
        }
        return least;
    }
}
