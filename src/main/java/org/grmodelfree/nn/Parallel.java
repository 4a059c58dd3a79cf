package org.grmodelfree.nn;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a range of rows over the caller and a fixed set of daemon worker threads, without
 * allocating: the task object is supplied by the caller (usually a field of a layer) and the
 * hand-off is a volatile write plus an unpark.
 *
 * <p>The range is cut into chunks (aligned, {@code -Dmodelfree.chunks=K} per thread, default 2)
 * that the caller and the woken workers claim in turn, so a worker that is slow to wake or is
 * preempted mid-dispatch (other processes on the same cores, as with the block processes) leaves
 * its share to the threads that run instead of stalling them; a worker that has not started when
 * the caller runs out of chunks is called off rather than waited for. Every chunk computes its
 * rows exactly as a single call over the whole range would, so results do not depend on which
 * thread ran what.
 *
 * <p>The number of threads is {@code -Dmodelfree.threads=N} (default: available processors).
 * Dispatch is serialised, so it is safe but not concurrent when several threads use it.
 */
public final class Parallel {

    /** A unit of work over the half-open range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int from, int to);
    }

    private static final int THREADS = Math.max(1,
            Integer.getInteger("modelfree.threads", Runtime.getRuntime().availableProcessors()));
    private static final int CHUNKS_PER_THREAD = Math.max(1, Integer.getInteger("modelfree.chunks", 2));
    private static final Worker[] WORKERS = new Worker[THREADS - 1];
    /**
     * Spin-wait iterations of an idle worker before it parks ({@code -Dmodelfree.spins=N}); the
     * caller spins 2/5 of it waiting for a chunk. Spinning saves the wake-up latency between the
     * back-to-back dispatches of one step; where other processes share the cores (the block
     * processes) a low value gives them the cores instead. {@link #spins(int)} changes it.
     */
    private static volatile int spins = Math.max(0, Integer.getInteger("modelfree.spins", 50_000));

    /** Worker states: waiting for work, work handed over, work taken (running). */
    private static final int IDLE = 0;
    private static final int SUBMITTED = 1;
    private static final int RUNNING = 2;
    private static final AtomicIntegerArray STATE = new AtomicIntegerArray(Math.max(1, THREADS - 1));

    // The current dispatch, written under the class lock before any worker is handed it (the
    // volatile STATE write publishes them) and read by the threads that claim its chunks.
    private static RangeTask task;
    private static int total;
    private static int chunk;
    private static int chunks;
    private static final AtomicInteger NEXT = new AtomicInteger();

    static {
        for (int i = 0; i < WORKERS.length; i++) {
            WORKERS[i] = new Worker(i, "modelfree-worker-" + i);
            WORKERS[i].start();
        }
    }

    private Parallel() {
    }

    /** The ids of the worker threads (the caller's part runs on the caller), e.g. to meter them. */
    public static long[] workerIds() {
        long[] ids = new long[WORKERS.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = WORKERS[i].getId();
        }
        return ids;
    }

    /**
     * Sets the spin-wait iterations of the pool (the {@code modelfree.spins} property) for what
     * runs next, e.g. to time a block as its own process runs it; returns the previous value.
     */
    public static int spins(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("parallel: " + n + " spin-wait iterations");
        }
        int before = spins;
        spins = n;
        return before;
    }

    /** The number of threads a dispatch uses, the caller included. */
    public static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code task} over {@code [0, n)}, split into chunks whose boundaries are multiples of
     * {@code align}; runs inline when {@code parallel} is false or the range is too small to split.
     * Rethrows the first failure of any chunk.
     */
    public static void run(RangeTask task, int n, int align, boolean parallel) {
        int units = n / Math.max(1, align);
        int parts = parallel && THREADS > 1 ? Math.min(THREADS * CHUNKS_PER_THREAD, units) : 1;
        if (parts <= 1) {
            task.run(0, n);
            return;
        }
        synchronized (Parallel.class) {
            Parallel.task = task;
            total = n;
            chunk = ((n + parts - 1) / parts + align - 1) / align * align;
            chunks = (n + chunk - 1) / chunk;
            NEXT.set(0);
            int used = Math.min(WORKERS.length, chunks - 1);
            for (int w = 0; w < used; w++) {
                WORKERS[w].submit();
            }
            Throwable failure = claimAll();
            for (int w = 0; w < used; w++) {
                Throwable t = WORKERS[w].finish();
                if (failure == null) {
                    failure = t;
                }
            }
            Parallel.task = null;
            if (failure instanceof RuntimeException) {
                throw (RuntimeException) failure;
            }
            if (failure instanceof Error) {
                throw (Error) failure;
            }
        }
    }

    /** Runs chunks of the current dispatch until none is left; returns the first failure, or null. */
    private static Throwable claimAll() {
        Throwable failure = null;
        int c;
        while ((c = NEXT.getAndIncrement()) < chunks) {
            int from = c * chunk;
            try {
                task.run(from, Math.min(total, from + chunk));
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                }
            }
        }
        return failure;
    }

    private static final class Worker extends Thread {
        private final int index;
        private volatile Thread waiter;
        private Throwable failure;

        Worker(int index, String name) {
            super(name);
            this.index = index;
            setDaemon(true);
        }

        void submit() {
            failure = null;
            STATE.set(index, SUBMITTED);
            LockSupport.unpark(this);
        }

        /**
         * After the caller has run out of chunks: calls the work off if this worker has not taken it
         * yet, otherwise waits until it has finished. Returns its failure, or null.
         */
        Throwable finish() {
            if (STATE.compareAndSet(index, SUBMITTED, IDLE)) {
                return null;
            }
            int spun = 0;
            while (STATE.get(index) != IDLE) {
                if (++spun < spins * 2 / 5) {
                    Thread.onSpinWait();
                } else {
                    waiter = Thread.currentThread();
                    if (STATE.get(index) != IDLE) {
                        LockSupport.parkNanos(50_000);
                    }
                }
            }
            waiter = null;
            return failure;
        }

        @Override
        public void run() {
            int idle = 0;
            while (true) {
                if (STATE.get(index) != SUBMITTED || !STATE.compareAndSet(index, SUBMITTED, RUNNING)) {
                    if (++idle < spins) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(this);
                    }
                    continue;
                }
                idle = 0;
                failure = claimAll();
                STATE.set(index, IDLE);
                Thread w = waiter;
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
        }
    }
}
