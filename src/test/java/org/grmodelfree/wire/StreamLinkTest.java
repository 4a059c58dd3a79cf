package org.grmodelfree.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** StreamOut and StreamIn over loopback tcp, and against raw JeroMQ sockets. */
class StreamLinkTest {

    private static final int WAIT = 5000;

    private final Random rand = new Random(345);
    private ZContext context;

    @BeforeEach
    void openContext() {
        context = new ZContext();
    }

    @AfterEach
    void closeContext() {
        context.close();
    }

    private float[] samples(int items) {
        float[] x = new float[2 * items];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rand.nextGaussian();
        }
        return x;
    }

    /** Receives exactly {@code items} items in pieces of at most {@code piece}. */
    private static float[] receiveAll(StreamIn in, int items, int piece) {
        float[] got = new float[2 * items];
        int n = 0;
        while (n < items) {
            int k = in.receive(got, 2 * n, Math.min(piece, items - n), WAIT);
            assertTrue(k >= 1 && k <= piece, "receive returned " + k);
            n += k;
        }
        return got;
    }

    private ZMQ.Socket raw(SocketType type, String connectTo) {
        ZMQ.Socket s = context.createSocket(type);
        s.setLinger(0);
        s.setSendTimeOut(WAIT);
        s.setReceiveTimeOut(WAIT);
        if (connectTo == null) {
            s.bind(Endpoints.DEFAULT_BIND);
        } else {
            s.connect(connectTo);
        }
        return s;
    }

    private static byte[] frame(long offset, float... interleaved) {
        byte[] header = StreamTagHeader.encode(offset, List.of());
        byte[] b = new byte[header.length + 4 * interleaved.length];
        System.arraycopy(header, 0, b, 0, header.length);
        Complex64Codec.encode(interleaved, 0, interleaved.length / 2, b, header.length);
        return b;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void oddSizedBuffersArriveExactlyAndInOrder(boolean passTags) {
        int[] sizes = {1, 7, 8191, 20000};
        int total = 1 + 7 + 8191 + 20000;
        float[] sent = samples(total);
        try (StreamOut out = StreamOut.bind(context, null, passTags);
                StreamIn in = StreamIn.connect(context, out.endpoint(), passTags)) {
            int at = 0;
            for (int size : sizes) {
                out.send(sent, 2 * at, size);
                at += size;
            }
            assertArrayEquals(sent, receiveAll(in, total, total));
            assertEquals(total, out.itemsSent());
            assertEquals(total, in.nextOffset());
            assertEquals(0, in.droppedItems());
            assertEquals(0, in.bufferedItems());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void sendsAreSplitAtTheMaximumItemsPerMessage(boolean passTags) {
        float[] sent = samples(250);
        try (StreamOut out = new StreamOut(context, null, true, passTags, StreamIn.COMPLEX64, 100, WAIT)) {
            ZMQ.Socket pull = raw(SocketType.PULL, out.endpoint());
            out.send(sent, 0, 250);
            int header = passTags ? StreamTagHeader.BASE_LENGTH : 0;
            float[] got = new float[500];
            int[] expected = {100, 100, 50};
            for (int m = 0; m < 3; m++) {
                byte[] b = pull.recv(0);
                assertEquals(header + 8 * expected[m], b.length, "message " + m);
                if (passTags) {
                    assertEquals(100L * m, StreamTagHeader.offset(b, 0, b.length));
                }
                Complex64Codec.decode(b, header, b.length - header, got, 200 * m);
            }
            assertArrayEquals(sent, got);
            pull.close();
        }
    }

    @Test
    void smallReceivesConsumeMessagesPartlyAndLoseNothing() {
        float[] sent = samples(20000);
        try (StreamOut out = StreamOut.bind(context, null, true);
                StreamIn in = StreamIn.connect(context, out.endpoint(), true)) {
            out.send(sent, 0, 20000); // 8191 + 8191 + 3618 items
            float[] first = new float[2 * 1000];
            assertEquals(1000, in.receive(first, 0, 1000, WAIT));
            assertEquals(8191 - 1000, in.bufferedItems());
            assertEquals(1000, in.nextOffset());
            float[] rest = receiveAll(in, 19000, 999);
            float[] got = new float[40000];
            System.arraycopy(first, 0, got, 0, 2000);
            System.arraycopy(rest, 0, got, 2000, 38000);
            assertArrayEquals(sent, got);
            assertEquals(20000, in.nextOffset());
        }
    }

    @Test
    void badMessagesAreNamedAndTheNextGoodOneStillArrives() {
        ZMQ.Socket push = raw(SocketType.PUSH, null);
        String endpoint = push.getLastEndpoint();
        try (StreamIn in = StreamIn.connect(context, endpoint, false)) {
            float[] dst = new float[16];
            push.send(new byte[1003], 0);
            WireFormatException odd = assertThrows(WireFormatException.class,
                    () -> in.receive(dst, 0, 8, WAIT));
            assertTrue(odd.getMessage().contains(endpoint), odd.getMessage());
            assertTrue(odd.getMessage().contains("1003 bytes is not a multiple of 8"),
                    odd.getMessage());

            byte[] nan = new byte[16];
            Complex64Codec.encode(new float[] {1f, 2f, Float.NaN, 0f}, 0, 2, nan, 0);
            push.send(nan, 0);
            WireFormatException bad = assertThrows(WireFormatException.class,
                    () -> in.receive(dst, 0, 8, WAIT));
            assertTrue(bad.getMessage().contains("sample 1 real part is NaN"), bad.getMessage());
            assertEquals(0, in.bufferedItems(), "no sample of a bad message is handed out");

            byte[] good = new byte[16];
            Complex64Codec.encode(new float[] {0.5f, -1f, 3f, 4f}, 0, 2, good, 0);
            push.send(good, 0);
            assertEquals(2, in.receive(dst, 0, 8, WAIT));
            assertArrayEquals(new float[] {0.5f, -1f, 3f, 4f}, java.util.Arrays.copyOf(dst, 4));
            assertEquals(2, in.rejectedCount());
            assertTrue(in.lastRejection().contains("NaN"));
        } finally {
            push.close();
        }
    }

    /** Polls until items arrive, counting the bad messages thrown on the way. */
    private static int pollUntilItems(StreamIn in, float[] dst, int maxItems, int[] badSeen)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT * 1_000_000L;
        while (System.nanoTime() - deadline < 0) {
            try {
                int n = in.poll(dst, 0, maxItems);
                if (n > 0) {
                    return n;
                }
            } catch (WireFormatException e) {
                badSeen[0]++;
            }
            Thread.sleep(1);
        }
        throw new AssertionError("no items on " + in.endpoint() + " within " + WAIT + " ms");
    }

    @Test
    void pollReturnsZeroUntilItemsArriveThenHandsThemOut() throws InterruptedException {
        float[] sent = samples(10);
        try (StreamOut out = StreamOut.bind(context, null, true);
                StreamIn in = StreamIn.connect(context, out.endpoint(), true)) {
            float[] dst = new float[2 * 6];
            assertEquals(0, in.poll(dst, 0, 6));
            out.send(sent, 0, 10);
            int[] bad = {0};
            assertEquals(6, pollUntilItems(in, dst, 6, bad));
            assertArrayEquals(java.util.Arrays.copyOf(sent, 12), dst);
            assertEquals(4, in.bufferedItems());
            assertEquals(4, in.poll(dst, 2, 5)); // the rest of the message, no waiting
            assertArrayEquals(java.util.Arrays.copyOfRange(sent, 12, 20),
                    java.util.Arrays.copyOfRange(dst, 2, 10));
            assertEquals(0, in.poll(dst, 0, 6));
            assertEquals(10, in.nextOffset());
            assertEquals(0, bad[0]);
            assertThrows(IllegalArgumentException.class, () -> in.poll(dst, 0, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> in.poll(dst, 2, 6));
        }
    }

    @Test
    void pollThrowsForABadMessageThenReturnsTheGoodOneAfterIt() throws InterruptedException {
        ZMQ.Socket push = raw(SocketType.PUSH, null);
        try (StreamIn in = StreamIn.connect(context, push.getLastEndpoint(), false)) {
            float[] dst = new float[16];
            push.send(new byte[1003], 0);
            push.send(new byte[0], 0); // empty: no items, no error
            byte[] good = new byte[16];
            Complex64Codec.encode(new float[] {0.5f, -1f, 3f, 4f}, 0, 2, good, 0);
            push.send(good, 0);
            int[] bad = {0};
            assertEquals(2, pollUntilItems(in, dst, 8, bad));
            assertArrayEquals(new float[] {0.5f, -1f, 3f, 4f}, java.util.Arrays.copyOf(dst, 4));
            assertEquals(1, bad[0]);
            assertEquals(1, in.rejectedCount());
            assertTrue(in.lastRejection().contains("1003 bytes"), in.lastRejection());
            assertEquals(0, in.poll(dst, 0, 8));
        } finally {
            push.close();
        }
    }

    @Test
    void pollWithNothingArrivedAllocatesNothing() {
        try (StreamIn in = StreamIn.bind(context, null, true)) {
            float[] dst = new float[16];
            for (int i = 0; i < 20_000; i++) { // warm up past JIT compilation
                in.poll(dst, 0, 8);
            }
            long allocated = TestBytes.leastAllocatedBytes(() -> {
                for (int i = 0; i < 1000; i++) {
                    assertEquals(0, in.poll(dst, 0, 8));
                }
            }, 1024);
            assertTrue(allocated < 1024, "1000 empty polls allocated " + allocated + " bytes");
        }
    }

    @Test
    void jeromqRecvIntoShortBufferTruncatesSilently() {
        // Documents what FrameSocket guards against: recv(byte[], off, len, flags) returns
        // len, not the frame size, and the rest of the frame is gone.
        ZMQ.Socket pull = raw(SocketType.PULL, null);
        ZMQ.Socket push = raw(SocketType.PUSH, pull.getLastEndpoint());
        byte[] twenty = new byte[20];
        twenty[15] = 7;
        push.send(twenty, 0);
        push.send(new byte[] {42}, 0);
        byte[] small = new byte[10];
        assertEquals(10, pull.recv(small, 0, small.length, 0));
        assertFalse(pull.hasReceiveMore());
        assertEquals(1, pull.recv(small, 0, small.length, 0));
        assertEquals(42, small[0]);
        push.close();
        pull.close();
    }

    @Test
    void oversizeMessageIsRejectedNotTruncated() {
        ZMQ.Socket push = raw(SocketType.PUSH, null);
        try (StreamIn in = new StreamIn(context, push.getLastEndpoint(), false, false, StreamIn.COMPLEX64, 64)) {
            float[] dst = new float[32];
            push.send(new byte[80], 0);
            WireFormatException e = assertThrows(WireFormatException.class,
                    () -> in.receive(dst, 0, 16, WAIT));
            assertTrue(e.getMessage().contains("receive limit of 64 bytes"), e.getMessage());
            push.send(new byte[64], 0);
            assertEquals(8, in.receive(dst, 0, 16, WAIT));
            assertEquals(1, in.rejectedCount());
        } finally {
            push.close();
        }
    }

    @Test
    void offsetJumpsCountDroppedItems() {
        ZMQ.Socket push = raw(SocketType.PUSH, null);
        try (StreamIn in = StreamIn.connect(context, push.getLastEndpoint(), true)) {
            float[] dst = new float[16];
            push.send(frame(0, 1, 1, 2, 2, 3, 3, 4, 4), 0);
            push.send(frame(10, 5, 5, 6, 6), 0); // items 4..9 lost
            push.send(frame(12, 7, 7), 0);
            push.send(frame(0, 8, 8), 0); // sender restarted
            assertEquals(4, in.receive(dst, 0, 8, WAIT));
            assertEquals(4, in.nextOffset());
            assertEquals(0, in.droppedItems());
            assertEquals(2, in.receive(dst, 0, 8, WAIT));
            assertEquals(6, in.droppedItems());
            assertEquals(12, in.nextOffset());
            assertEquals(1, in.receive(dst, 0, 8, WAIT));
            assertEquals(6, in.droppedItems());
            assertEquals(1, in.receive(dst, 0, 8, WAIT));
            assertEquals(1, in.offsetRewinds());
            assertEquals(1, in.nextOffset());
            assertEquals(8f, dst[0]);
        } finally {
            push.close();
        }
    }

    @Test
    void inputWithNoPeerTimesOutNamingTheEndpoint() {
        try (StreamIn in = StreamIn.bind(context, null, false)) {
            float[] dst = new float[2];
            long t0 = System.nanoTime();
            PeerTimeoutException e = assertThrows(PeerTimeoutException.class,
                    () -> in.receive(dst, 0, 1, 200));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 150, "waited only " + ms + " ms"); // no upper bound: a busy machine may be late
            assertTrue(e.getMessage().contains(in.endpoint()), e.getMessage());
            assertTrue(e.getMessage().contains("200 ms"), e.getMessage());
            assertEquals(in.endpoint(), e.endpoint());
        }
    }

    @Test
    void outputWithNoPeerTimesOutNamingTheEndpoint() {
        try (StreamOut out = new StreamOut(context, null, true, false, StreamIn.COMPLEX64, 8191, 200)) {
            float[] x = samples(10);
            long t0 = System.nanoTime();
            PeerTimeoutException e = assertThrows(PeerTimeoutException.class,
                    () -> out.send(x, 0, 10));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 150, "waited only " + ms + " ms"); // no upper bound: a busy machine may be late
            assertTrue(e.getMessage().contains(out.endpoint()), e.getMessage());
            assertTrue(e.getMessage().contains("10 items"), e.getMessage());
            assertEquals(0, out.itemsSent());
        }
    }

    @Test
    void outputWhosePeerLeftTimesOut() throws InterruptedException {
        try (StreamOut out = new StreamOut(context, null, true, false, StreamIn.COMPLEX64, 8191, 200)) {
            float[] x = samples(8);
            StreamIn in = StreamIn.connect(context, out.endpoint(), false);
            out.send(x, 0, 8);
            assertEquals(8, in.receive(new float[16], 0, 8, WAIT));
            in.close();
            PeerTimeoutException e = null;
            for (int attempt = 0; attempt < 20 && e == null; attempt++) {
                try {
                    out.send(x, 0, 8); // may still be queued until the disconnect is seen
                    Thread.sleep(50);
                } catch (PeerTimeoutException t) {
                    e = t;
                }
            }
            assertTrue(e != null, "no timeout after the peer left");
            assertTrue(e.getMessage().contains(out.endpoint()), e.getMessage());
        }
    }
}
