package org.grmodelfree.run;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.grmodelfree.nn.Parallel;

/**
 * What a run measures about itself, through the JVM's management beans: the CPU time and the heap
 * bytes of the threads that do its work (the calling thread and the {@link Parallel} workers, not
 * the JIT's or the collector's), and the machine's load. The layers below the run policies and the
 * bench measure nothing; they return their figures and counts.
 */
public final class Meters {
    private static final long[] WORKERS = Parallel.workerIds();

    private Meters() {
    }

    /**
     * CPU time, in nanoseconds, used so far by the calling thread and the compute workers: the work
     * of a computation run on this thread, whatever else shares the cores. -1 where the JVM cannot
     * measure thread CPU time.
     */
    public static long cpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long total = mx.isThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : -1;
        if (total < 0) {
            return -1;
        }
        for (long id : WORKERS) {
            total += Math.max(0, mx.getThreadCpuTime(id));
        }
        return total;
    }

    /**
     * Heap bytes allocated so far by the calling thread and the compute workers (HotSpot's counters;
     * 0 where unsupported). The meter itself allocates under a kilobyte.
     */
    public static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx
                && mx.isThreadAllocatedMemorySupported()) {
            long total = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (long b : mx.getThreadAllocatedBytes(WORKERS)) {
                total += Math.max(0, b);
            }
            return total;
        }
        return 0;
    }

    /** The one-minute load average of the machine (negative when unknown). */
    public static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
