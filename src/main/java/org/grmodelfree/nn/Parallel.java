package org.grmodelfree.nn;

import java.util.concurrent.locks.LockSupport;

/**
 * Splits a range of rows over the caller and a fixed set of daemon worker threads, without
 * allocating: the task object is supplied by the caller (usually a field of a layer) and the
 * hand-off is a volatile write plus an unpark.
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
    private static final Worker[] WORKERS = new Worker[THREADS - 1];
    /**
     * Spin-wait iterations of an idle worker before it parks ({@code -Dmodelfree.spins=N}); the
     * caller spins 2/5 of it waiting for a chunk. Spinning saves the wake-up latency between the
     * back-to-back dispatches of one step; where other processes share the cores (the block
     * processes) a low value gives them the cores instead.
     */
    private static final int SPINS = Math.max(0, Integer.getInteger("modelfree.spins", 50_000));

    static {
        for (int i = 0; i < WORKERS.length; i++) {
            WORKERS[i] = new Worker("modelfree-worker-" + i);
            WORKERS[i].start();
        }
    }

    private Parallel() {
    }

    /** The ids of the worker threads (the caller's part runs on the caller), e.g. to meter them. */
    static long[] workerIds() {
        long[] ids = new long[WORKERS.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = WORKERS[i].getId();
        }
        return ids;
    }

    /**
     * CPU time, in nanoseconds, used so far by the calling thread and the worker threads: the work
     * of a computation run on this thread, whatever else shares the cores. -1 where the JVM cannot
     * measure thread CPU time.
     */
    public static long cpuNanos() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long total = mx.getCurrentThreadCpuTime();
        if (total < 0) {
            return -1;
        }
        for (Worker w : WORKERS) {
            long t = mx.getThreadCpuTime(w.getId());
            if (t > 0) {
                total += t;
            }
        }
        return total;
    }

    /** The number of threads a dispatch uses, the caller included. */
    public static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code task} over {@code [0, n)}, split into at most {@link #threads()} chunks whose
     * boundaries are multiples of {@code align}; runs inline when {@code parallel} is false or the
     * range is too small to split. Rethrows the first failure of any chunk.
     */
    public static void run(RangeTask task, int n, int align, boolean parallel) {
        int parts = parallel ? Math.min(THREADS, n / Math.max(1, align)) : 1;
        if (parts <= 1) {
            task.run(0, n);
            return;
        }
        synchronized (Parallel.class) {
            int chunk = ((n + parts - 1) / parts + align - 1) / align * align;
            int used = 0;
            for (int w = 1; w < parts; w++) {
                int from = w * chunk;
                int to = Math.min(n, from + chunk);
                if (from >= to) {
                    break;
                }
                WORKERS[w - 1].submit(task, from, to);
                used++;
            }
            Throwable failure = null;
            try {
                task.run(0, Math.min(n, chunk));
            } catch (Throwable t) {
                failure = t;
            }
            for (int w = 0; w < used; w++) {
                Throwable t = WORKERS[w].await();
                if (failure == null) {
                    failure = t;
                }
            }
            if (failure instanceof RuntimeException) {
                throw (RuntimeException) failure;
            }
            if (failure instanceof Error) {
                throw (Error) failure;
            }
        }
    }

    private static final class Worker extends Thread {
        private volatile RangeTask task;
        private volatile boolean done = true;
        private volatile Thread waiter;
        private int from;
        private int to;
        private Throwable failure;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        void submit(RangeTask t, int f, int e) {
            from = f;
            to = e;
            failure = null;
            done = false;
            task = t;
            LockSupport.unpark(this);
        }

        Throwable await() {
            int spins = 0;
            while (!done) {
                if (++spins < SPINS * 2 / 5) {
                    Thread.onSpinWait();
                } else {
                    waiter = Thread.currentThread();
                    if (!done) {
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
                RangeTask t = task;
                if (t == null) {
                    if (++idle < SPINS) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(this);
                    }
                    continue;
                }
                idle = 0;
                try {
                    t.run(from, to);
                } catch (Throwable e) {
                    failure = e;
                }
                task = null;
                done = true;
                Thread w = waiter;
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
        }
    }
}
