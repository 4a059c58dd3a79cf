package org.grmodelfree.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The range split: every index exactly once, aligned chunk boundaries, failures passed on. */
class ParallelTest {

    @Test
    void everyIndexRunsExactlyOnceInAlignedChunks() {
        for (int n : new int[] {1, 7, 64, 1000, 1003, 4096}) {
            for (int align : new int[] {1, 4, 64}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                Parallel.run((from, to) -> {
                    assertEquals(0, from % align, "chunk start " + from + " not a multiple of " + align);
                    assertTrue(to == n || to % align == 0, "chunk end " + to);
                    for (int i = from; i < to; i++) {
                        hits.incrementAndGet(i);
                    }
                }, n, align, true);
                for (int i = 0; i < n; i++) {
                    assertEquals(1, hits.get(i), "index " + i + " of " + n + " (align " + align + ")");
                }
            }
        }
    }

    @Test
    void theFirstFailureIsRethrownAndTheNextDispatchStillWorks() {
        IllegalStateException boom = new IllegalStateException("boom");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.run((from, to) -> {
            throw boom;
        }, 4096, 4, true));
        assertSame(boom, e);
        assertEveryIndexRuns(4096, 4, 200);
    }

    /** The spin setting changes at run time, and the pool still runs every chunk with none at all. */
    @Test
    void spinSettingChangesAndWorkStillRuns() {
        int before = Parallel.spins(0);
        try {
            assertEquals(0, Parallel.spins(0));
            assertEveryIndexRuns(1000, 1, 50);
            assertThrows(IllegalArgumentException.class, () -> Parallel.spins(-1));
        } finally {
            Parallel.spins(before);
        }
    }

    /** Runs [0, n) in chunks aligned to align, rounds times, and checks each index ran every time. */
    private static void assertEveryIndexRuns(int n, int align, int rounds) {
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        for (int round = 0; round < rounds; round++) {
            Parallel.run((from, to) -> {
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                }
            }, n, align, true);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(rounds, hits.get(i), "index " + i + " of " + n);
        }
    }
}
