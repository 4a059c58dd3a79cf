package org.grmodelfree.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.ZContext;

/**
 * A stream writer towards a reader that takes one message at a time at a fixed pace, as Radio TX
 * takes the link's frames at a radio's rate: the writer runs ahead until the queue is full and is
 * then woken every few messages the reader takes. With ZeroMQ's default high-water mark (1000
 * messages each way) it was woken only after the reader had taken some hundreds, longer than its
 * send timeout here (the test failed so); a stream transmitter in front of Radio TX failed that way
 * (no peer took its items within 10 s). Every message arrives, in order.
 */
class PacedReaderTest {
    private static final int MESSAGES = 2600;
    private static final int ITEMS = 1000;
    /** The reader's pace, and the writer's send timeout: 400 times the pace. */
    private static final long PACE_MILLIS = 2;
    private static final int SEND_TIMEOUT_MILLIS = 800;

    private ZContext context;

    @BeforeEach
    void context() {
        context = new ZContext();
    }

    @AfterEach
    void close() {
        context.close();
    }

    @Test
    void a_writer_ahead_of_a_paced_reader_is_never_blocked_for_long() throws Exception {
        try (StreamIn in = StreamIn.bind(context, null, false)) {
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try (StreamOut out = new StreamOut(context, in.endpoint(), false, false, StreamIn.COMPLEX64, ITEMS,
                        SEND_TIMEOUT_MILLIS)) {
                    float[] m = new float[2 * ITEMS];
                    for (int k = 0; k < MESSAGES; k++) {
                        m[0] = k;
                        out.send(m, 0, ITEMS);
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            writer.start();
            float[] got = new float[2 * ITEMS];
            for (int k = 0; k < MESSAGES; k++) {
                int n = 0;
                while (n < ITEMS) {
                    n += in.receive(got, n, ITEMS - n, 10_000);
                }
                assertEquals(k, got[0], 0f, "message " + k + " in order");
                Thread.sleep(PACE_MILLIS);
            }
            writer.join();
            assertEquals(null, failed.get(), "the writer: " + failed.get());
        }
    }
}
