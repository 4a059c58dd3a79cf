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
        AtomicIntegerArray hits = new AtomicIntegerArray(4096);
        for (int round = 0; round < 200; round++) {
            Parallel.run((from, to) -> {
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                }
            }, 4096, 4, true);
        }
        for (int i = 0; i < 4096; i++) {
            assertEquals(200, hits.get(i));
        }
    }

    /** The spin setting changes at run time, and the pool still runs every chunk with none at all. */
    @Test
    void spinSettingChangesAndWorkStillRuns() {
        int before = Parallel.spins(0);
        try {
            assertEquals(0, Parallel.spins(0));
            AtomicIntegerArray hits = new AtomicIntegerArray(1000);
            for (int round = 0; round < 50; round++) {
                Parallel.run((from, to) -> {
                    for (int i = from; i < to; i++) {
                        hits.incrementAndGet(i);
                    }
                }, 1000, 1, true);
            }
            for (int i = 0; i < 1000; i++) {
                assertEquals(50, hits.get(i));
            }
            assertThrows(IllegalArgumentException.class, () -> Parallel.spins(-1));
        } finally {
            Parallel.spins(before);
        }
    }
}
