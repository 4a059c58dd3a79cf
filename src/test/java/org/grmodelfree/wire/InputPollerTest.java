package org.grmodelfree.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.grmodelfree.wire.ControlMessage.Lost;
import org.grmodelfree.wire.ControlMessage.Stop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** InputPoller over loopback tcp, with stream inputs and control links. */
class InputPollerTest {

    private static final int WAIT = 5000;
    private ZContext context;

    @BeforeEach
    void openContext() {
        context = new ZContext();
    }

    @AfterEach
    void closeContext() {
        context.close();
    }

    private static float[] ramp(int items) {
        float[] x = new float[2 * items];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        return x;
    }

    @Test
    void nothingSentMeansFalse() {
        try (StreamIn in = StreamIn.bind(context, null, false);
                ControlLink link = ControlLink.bind(context, null);
                InputPoller poller = new InputPoller(context)) {
            poller.add(in);
            poller.add(link);
            assertFalse(poller.await(0));
            assertFalse(poller.await(100));
            assertThrows(IllegalArgumentException.class, () -> poller.await(-1));
        }
    }

    @Test
    void withNoInputItWaitsOutTheTimeout() {
        try (InputPoller poller = new InputPoller(context)) {
            assertFalse(poller.await(0));
            long t0 = System.nanoTime();
            assertFalse(poller.await(100));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 90, "waited only " + ms + " ms"); // no upper bound: a busy machine may be late
        }
    }

    @Test
    void aMessageOnAControlLinkWakesIt() {
        try (ControlLink a = ControlLink.bind(context, null);
                ControlLink b = ControlLink.connect(context, a.endpoint());
                StreamIn idle = StreamIn.bind(context, null, false);
                InputPoller poller = new InputPoller(context)) {
            poller.add(idle);
            poller.add(b);
            assertFalse(poller.await(0));
            a.send(new Lost(3, 1, "crc"));
            assertTrue(poller.await(WAIT));
            assertTrue(poller.await(0), "still ready until taken");
            assertEquals(new Lost(3, 1, "crc"), b.poll());
            assertFalse(poller.await(0));
            assertNull(b.poll());
        }
    }

    @Test
    void samplesOnAStreamInputWakeIt() {
        float[] sent = ramp(10);
        try (StreamOut out = StreamOut.bind(context, null, true);
                StreamIn in = StreamIn.connect(context, out.endpoint(), true);
                ControlLink idle = ControlLink.bind(context, null);
                InputPoller poller = new InputPoller(context)) {
            poller.add(idle);
            poller.add(in);
            assertFalse(poller.await(0));
            out.send(sent, 0, 10);
            assertTrue(poller.await(WAIT));
            float[] got = new float[20];
            assertEquals(10, in.poll(got, 0, 10));
            assertArrayEquals(sent, got);
            assertFalse(poller.await(0));
        }
    }

    @Test
    void aSendWhileItWaitsWakesIt() throws InterruptedException {
        try (ControlLink a = ControlLink.bind(context, null);
                ControlLink b = ControlLink.connect(context, a.endpoint());
                StreamOut out = StreamOut.bind(context, null, false);
                StreamIn in = StreamIn.connect(context, out.endpoint(), false);
                InputPoller poller = new InputPoller(context)) {
            poller.add(b);
            poller.add(in);
            // each peer is used by its sender thread only, once that thread has started
            Thread control = new Thread(() -> {
                sleep(100);
                a.send(new Stop("late"));
            });
            control.start();
            // true, not a timeout: the message woke it (nothing else could), and it is there to take
            assertTrue(poller.await(WAIT));
            control.join();
            assertEquals(new Stop("late"), b.poll());

            Thread stream = new Thread(() -> {
                sleep(100);
                out.send(ramp(3), 0, 3);
            });
            stream.start();
            assertTrue(poller.await(WAIT));
            stream.join();
            assertEquals(3, in.poll(new float[6], 0, 3));
            assertFalse(poller.await(0));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void bufferedItemsMakeItReadyAtOnce() {
        float[] sent = ramp(10);
        try (StreamOut out = StreamOut.bind(context, null, false);
                StreamIn in = StreamIn.connect(context, out.endpoint(), false);
                InputPoller poller = new InputPoller(context)) {
            poller.add(in);
            out.send(sent, 0, 10);
            float[] got = new float[20];
            assertEquals(3, in.receive(got, 0, 3, WAIT));
            assertEquals(7, in.bufferedItems());
            assertTrue(poller.await(0), "7 items are buffered, no frame waits");
            // no frame will come: only the buffered items can make it ready rather than time out
            assertTrue(poller.await(WAIT));
            assertEquals(7, in.bufferedItems(), "nothing taken by waiting");
            assertEquals(7, in.poll(got, 6, 7));
            assertArrayEquals(sent, got);
            assertFalse(poller.await(0));
        }
    }

    @Test
    void readyAwaitAllocatesNothing() {
        float[] sent = ramp(100);
        try (StreamOut out = StreamOut.bind(context, null, false);
                StreamIn in = StreamIn.connect(context, out.endpoint(), false);
                ControlLink link = ControlLink.bind(context, null);
                ControlLink peer = ControlLink.connect(context, link.endpoint());
                InputPoller poller = new InputPoller(context)) {
            poller.add(in);
            poller.add(link);
            peer.send(new Stop("x")); // a frame waits on the link, never taken
            assertTrue(poller.await(WAIT));
            out.send(sent, 0, 100);
            assertEquals(1, in.receive(new float[2], 0, 1, WAIT)); // 99 items buffered
            for (int i = 0; i < 20_000; i++) { // warm up past JIT compilation
                poller.await(0);
            }
            Runnable awaits = () -> {
                for (int i = 0; i < 1000; i++) {
                    assertTrue(poller.await(0));
                }
            };
            long allocated = TestBytes.leastAllocatedBytes(awaits, 1024);
            assertTrue(allocated < 1024, "1000 ready awaits allocated " + allocated + " bytes");

            in.poll(new float[2 * 99], 0, 99); // now only the link's frame is ready
            for (int i = 0; i < 20_000; i++) {
                poller.await(0);
            }
            allocated = TestBytes.leastAllocatedBytes(awaits, 1024);
            assertTrue(allocated < 1024, "1000 awaits on a waiting frame allocated " + allocated
                    + " bytes");
        }
    }

    @Test
    void closingLeavesTheInputsOpenAndIsIdempotent() {
        float[] sent = ramp(4);
        try (StreamOut out = StreamOut.bind(context, null, false);
                StreamIn in = StreamIn.connect(context, out.endpoint(), false)) {
            InputPoller poller = new InputPoller(context);
            poller.add(in);
            poller.close();
            poller.close();
            assertThrows(IllegalStateException.class, () -> poller.await(0));
            assertThrows(IllegalStateException.class, () -> poller.add(in));
            out.send(sent, 0, 4);
            float[] got = new float[8];
            assertEquals(4, in.receive(got, 0, 4, WAIT));
            assertArrayEquals(sent, got);
        }
    }

    @Test
    void refusesDuplicatesAndClosedInputs() {
        try (ControlLink link = ControlLink.bind(context, null);
                InputPoller poller = new InputPoller(context)) {
            StreamIn in = StreamIn.bind(context, null, false);
            poller.add(link);
            poller.add(in);
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                    () -> poller.add(link));
            assertTrue(twice.getMessage().contains(link.endpoint()), twice.getMessage());
            in.close();
            IllegalStateException closed = assertThrows(IllegalStateException.class,
                    () -> poller.await(0));
            assertTrue(closed.getMessage().contains(in.endpoint()), closed.getMessage());
            try (InputPoller other = new InputPoller(context)) {
                assertThrows(IllegalStateException.class, () -> other.add(in));
            }
        }
    }

    @Test
    void oneOfSeveralInputsIsEnough() {
        try (ControlLink a = ControlLink.bind(context, null);
                ControlLink b = ControlLink.bind(context, null);
                ControlLink c = ControlLink.bind(context, null);
                ControlLink peerOfC = ControlLink.connect(context, c.endpoint());
                InputPoller poller = new InputPoller(context)) {
            poller.add(a);
            poller.add(b);
            poller.add(c);
            assertFalse(poller.await(50));
            peerOfC.send(new Stop("bye"));
            assertTrue(poller.await(WAIT));
            assertNull(a.poll());
            assertNull(b.poll());
            assertEquals(new Stop("bye"), c.poll());
            assertNull(c.poll());
            assertFalse(poller.await(0));
        }
    }

    @Test
    void aSingleStreamInputWaitsInItsOwnReceiveAndKeepsTheMessageForPoll() {
        float[] sent = ramp(10);
        try (StreamOut out = StreamOut.bind(context, null, false);
                StreamIn in = StreamIn.connect(context, out.endpoint(), false);
                InputPoller poller = new InputPoller(context)) {
            poller.add(in);
            assertFalse(poller.await(50));
            out.send(sent, 0, 10);
            assertTrue(poller.await(WAIT));
            assertEquals(10, in.bufferedItems(), "the message was taken off the socket and kept");
            assertTrue(poller.await(0));
            float[] got = new float[20];
            assertEquals(10, in.poll(got, 0, 10));
            assertArrayEquals(sent, got);
            assertFalse(poller.await(0));
        }
    }

    @Test
    void aBadMessageMetWhileWaitingIsReportedByTheNextPoll() {
        ZMQ.Socket push = context.createSocket(SocketType.PUSH);
        push.setLinger(0);
        push.bind("tcp://127.0.0.1:*");
        try (StreamIn in = StreamIn.connect(context, push.getLastEndpoint(), false);
                InputPoller poller = new InputPoller(context)) {
            poller.add(in);
            push.send(new byte[1003], 0);
            assertTrue(poller.await(WAIT), "something arrived");
            assertEquals(1, in.rejectedCount());
            float[] dst = new float[16];
            WireFormatException e = assertThrows(WireFormatException.class, () -> in.poll(dst, 0, 8));
            assertTrue(e.getMessage().contains("1003 bytes is not a multiple of 8"), e.getMessage());
            assertEquals(0, in.poll(dst, 0, 8), "reported once");
            byte[] good = new byte[16];
            Complex64Codec.encode(new float[] {0.5f, -1f, 3f, 4f}, 0, 2, good, 0);
            push.send(good, 0);
            assertTrue(poller.await(WAIT));
            assertEquals(2, in.poll(dst, 0, 8));
        } finally {
            push.close();
        }
    }

    @Test
    void aSingleControlLinkKeepsTheMessageItWaitedForSkippingGarbage() {
        try (ControlLink a = ControlLink.bind(context, null);
                ControlLink b = ControlLink.connect(context, a.endpoint());
                InputPoller poller = new InputPoller(context)) {
            poller.add(b);
            assertFalse(poller.await(50));
            a.send(new Lost(4, 2, "crc"));
            assertTrue(poller.await(WAIT));
            assertTrue(poller.await(0), "still ready until taken");
            assertEquals(new Lost(4, 2, "crc"), b.poll());
            assertNull(b.poll());
            a.send(new Stop("now"));
            assertTrue(poller.await(WAIT));
            assertEquals(new Stop("now"), b.receive(0), "receive hands out the kept message too");
            assertFalse(poller.await(0));
        }
    }

    @Test
    void aSingleInputClosedWhileAddedIsNamed() {
        try (InputPoller poller = new InputPoller(context)) {
            ControlLink link = ControlLink.bind(context, null);
            poller.add(link);
            link.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> poller.await(0));
            assertTrue(e.getMessage().contains(link.endpoint()), e.getMessage());
        }
    }
}
