package org.grmodelfree.wire;

import java.util.concurrent.atomic.AtomicReference;
import org.zeromq.ZContext;

/**
 * Measures {@link StreamOut} to {@link StreamIn} throughput over loopback tcp, for the bench
 * command. Not a unit test: a run of tens of millions of items takes seconds.
 */
public final class StreamThroughput {

    private static final long RECEIVE_TIMEOUT_MILLIS = 10_000;

    private StreamThroughput() {}

    /**
     * Streams {@code items} complex samples from a bound {@link StreamOut} (on its own thread,
     * in sends of {@link StreamOut#DEFAULT_MAX_ITEMS_PER_MESSAGE} items) to a connected
     * {@link StreamIn} on the calling thread, and times it from the first item received to the
     * last.
     *
     * @param context owned by the caller; two sockets are opened on it and closed again
     * @param items how many items to stream, at least 1
     * @param passTags whether to use the pass_tags header
     * @return millions of complex samples per second
     * @throws IllegalStateException if the sender failed or items were lost
     */
    public static double megaSamplesPerSecond(ZContext context, long items, boolean passTags) {
        if (items < 1) {
            throw new IllegalArgumentException("items " + items + " < 1");
        }
        int chunk = StreamOut.DEFAULT_MAX_ITEMS_PER_MESSAGE;
        float[] tx = new float[2 * chunk];
        for (int i = 0; i < tx.length; i++) {
            tx[i] = (i % 17) * 0.125f - 1f;
        }
        float[] rx = new float[2 * chunk];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (StreamOut out = StreamOut.bind(context, null, passTags);
                StreamIn in = StreamIn.connect(context, out.endpoint(), passTags)) {
            Thread sender = new Thread(() -> {
                try {
                    for (long sent = 0; sent < items; ) {
                        int n = (int) Math.min(chunk, items - sent);
                        out.send(tx, 0, n);
                        sent += n;
                    }
                } catch (RuntimeException e) {
                    failure.set(e);
                }
            }, "stream-throughput-sender");
            sender.start();
            long first;
            long received;
            long t0;
            long t1;
            try {
                first = in.receive(rx, 0, chunk, RECEIVE_TIMEOUT_MILLIS);
                received = first;
                t0 = System.nanoTime();
                while (received < items) {
                    received += in.receive(rx, 0, chunk, RECEIVE_TIMEOUT_MILLIS);
                }
                t1 = System.nanoTime();
            } finally {
                join(sender); // before the sockets close: the sender still uses its socket
            }
            if (failure.get() != null) {
                throw new IllegalStateException("throughput sender failed", failure.get());
            }
            if (in.droppedItems() != 0 || received != items) {
                throw new IllegalStateException("received " + received + " of " + items
                        + " items, " + in.droppedItems() + " dropped");
            }
            // The first message is not timed, as it includes connection set-up.
            long timed = received - first;
            double seconds = Math.max(t1 - t0, 1) / 1e9;
            return (timed > 0 ? timed : received) / seconds / 1e6;
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the sender", e);
        }
    }
}
