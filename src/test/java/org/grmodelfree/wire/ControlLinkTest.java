package org.grmodelfree.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.grmodelfree.wire.ControlMessage.Hello;
import org.grmodelfree.wire.ControlMessage.Losses;
import org.grmodelfree.wire.ControlMessage.Lost;
import org.grmodelfree.wire.ControlMessage.Phase;
import org.grmodelfree.wire.ControlMessage.Sent;
import org.grmodelfree.wire.ControlMessage.Stop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

class ControlLinkTest {

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

    private static final List<ControlMessage> EVERY_TYPE = List.of(
            new Hello("receiver", 1),
            new Phase(3, Phase.TRANSMITTER, 1000, 17),
            new Phase(0, Phase.RECEIVER, 1, 0),
            new Losses(17, 3, new float[] {0.5f, 1.25f, 0f}),
            new Losses(0, 0, new float[0]),
            new Sent(17, 3, new float[] {0.5f, -0.5f, 1f, 0f}),
            new Lost(18, 3, "2 of 1000 messages missing"),
            new Stop("done"));

    @Test
    void everyMessageTypeMakesTheRoundTripBothWays() {
        try (ControlLink a = ControlLink.bind(context, null);
                ControlLink b = ControlLink.connect(context, a.endpoint())) {
            for (ControlMessage m : EVERY_TYPE) {
                a.send(m);
                assertEquals(m, b.receive(WAIT));
                b.send(m);
                assertEquals(m, a.receive(WAIT));
            }
            assertEquals(0, a.rejectedCount());
            assertEquals(0, b.rejectedCount());
        }
    }

    @Test
    void garbageIsSkippedAndCountedAndTheNextGoodMessageArrives() throws IOException {
        try (ControlLink link = ControlLink.bind(context, null)) {
            ZMQ.Socket peer = context.createSocket(SocketType.DEALER);
            peer.setLinger(0);
            peer.connect(link.endpoint());
            byte[] garbage = TestBytes.garbage(new Random(345), 40);
            peer.send(garbage.length == 0 ? new byte[] {(byte) 0xc1} : garbage, 0);
            peer.send(unknownType(), 0);
            peer.send(ControlCodec.encode(new Stop("x")), ZMQ.SNDMORE);
            peer.send(ControlCodec.encode(new Stop("y")), 0); // two frames: not one message
            peer.send(ControlCodec.encode(new Hello("tx", 1)), 0);

            assertEquals(new Hello("tx", 1), link.receive(WAIT));
            assertEquals(3, link.rejectedCount());
            assertTrue(link.lastRejection().contains(link.endpoint()), link.lastRejection());
            assertTrue(link.lastRejection().contains("2 frames"), link.lastRejection());
            peer.close();
        }
    }

    @Test
    void onlyGarbageEndsInATimeoutThatReportsIt() throws IOException {
        try (ControlLink link = ControlLink.bind(context, null)) {
            ZMQ.Socket peer = context.createSocket(SocketType.DEALER);
            peer.setLinger(0);
            peer.connect(link.endpoint());
            peer.send(unknownType(), 0);
            PeerTimeoutException e = assertThrows(PeerTimeoutException.class,
                    () -> link.receive(300));
            assertTrue(e.getMessage().contains(link.endpoint()), e.getMessage());
            assertTrue(e.getMessage().contains("1 bad frames skipped"), e.getMessage());
            assertTrue(link.lastRejection().contains("bogus"), link.lastRejection());
            peer.close();
        }
    }

    /** Polls until a message arrives; fails after {@link #WAIT} ms. */
    static ControlMessage pollUntilReceived(ControlLink link) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT * 1_000_000L;
        while (System.nanoTime() - deadline < 0) {
            ControlMessage m = link.poll();
            if (m != null) {
                return m;
            }
            Thread.sleep(1);
        }
        throw new AssertionError("nothing arrived on " + link.endpoint() + " within " + WAIT
                + " ms");
    }

    @Test
    void pollReturnsNullUntilAMessageHasArrived() throws InterruptedException {
        try (ControlLink a = ControlLink.bind(context, null);
                ControlLink b = ControlLink.connect(context, a.endpoint())) {
            assertNull(b.poll());
            assertNull(a.poll());
            Sent sent = new Sent(4, 2, new float[] {1f, 2f});
            a.send(sent);
            assertEquals(sent, pollUntilReceived(b));
            assertNull(b.poll());
            b.send(new Lost(4, 2, "timeout"));
            assertEquals(new Lost(4, 2, "timeout"), pollUntilReceived(a));
            assertEquals(0, a.rejectedCount());
            assertEquals(0, b.rejectedCount());
        }
    }

    @Test
    void pollSkipsAndCountsGarbageBeforeAGoodMessage() throws Exception {
        try (ControlLink link = ControlLink.bind(context, null)) {
            ZMQ.Socket peer = context.createSocket(SocketType.DEALER);
            peer.setLinger(0);
            peer.connect(link.endpoint());
            peer.send(new byte[] {(byte) 0xc1}, 0); // never used in msgpack
            peer.send(unknownType(), 0);
            peer.send(ControlCodec.encode(new Hello("tx", 1)), 0);

            assertEquals(new Hello("tx", 1), pollUntilReceived(link));
            assertEquals(2, link.rejectedCount());
            assertTrue(link.lastRejection().contains("bogus"), link.lastRejection());
            assertNull(link.poll());

            peer.send(unknownType(), 0); // only garbage: skipped, never thrown
            long deadline = System.nanoTime() + WAIT * 1_000_000L;
            while (link.rejectedCount() < 3 && System.nanoTime() - deadline < 0) {
                assertNull(link.poll());
                Thread.sleep(1);
            }
            assertEquals(3, link.rejectedCount());
            peer.close();
        }
    }

    @Test
    void pollWithNothingArrivedAllocatesNothing() {
        try (ControlLink link = ControlLink.bind(context, null)) {
            for (int i = 0; i < 20_000; i++) { // warm up past JIT compilation
                link.poll();
            }
            long allocated = TestBytes.leastAllocatedBytes(() -> {
                for (int i = 0; i < 1000; i++) {
                    assertNull(link.poll());
                }
            }, 1024);
            assertTrue(allocated < 1024, "1000 empty polls allocated " + allocated + " bytes");
        }
    }

    @Test
    void sendWithNoPeerTimesOut() {
        try (ControlLink link = new ControlLink(context, null, true, 200, 1024)) {
            PeerTimeoutException e = assertThrows(PeerTimeoutException.class,
                    () -> link.send(new Stop("nobody")));
            assertTrue(e.getMessage().contains(link.endpoint()), e.getMessage());
        }
    }

    private static byte[] unknownType() throws IOException {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(2);
            p.packString("type").packString("bogus");
            p.packString("version").packInt(1);
            return p.toByteArray();
        }
    }
}
