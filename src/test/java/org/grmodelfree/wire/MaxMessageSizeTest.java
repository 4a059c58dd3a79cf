package org.grmodelfree.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.grmodelfree.wire.ControlMessage.Stop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMonitor;

/**
 * Issue 17, defect 3: memory is bounded by the receive limit. JeroMQ refuses a frame over it from
 * its length alone (ZMQ_MAXMSGSIZE), dropping the sender's connection, so the frame is never
 * buffered. Before, JeroMQ received each 50 MB frame whole and the limit was checked only after,
 * on a frame that had already taken 50 MB: such frames were counted as rejected, and the sender was
 * never disconnected. Here neither may happen.
 */
class MaxMessageSizeTest {

    private static final long PATIENCE_MILLIS = 30_000;
    private static final byte[] FIFTY_MB = new byte[50 << 20];
    private ZContext context;

    @BeforeEach
    void open() {
        context = new ZContext();
    }

    @AfterEach
    void close() {
        context.getSockets().forEach(s -> s.setLinger(0));
        context.close();
    }

    @Test
    void fiftyMegabyteMessagesToAControlLinkAreRefusedBeforeTheyAreBuffered() {
        try (ControlLink link = ControlLink.bind(context, null)) {
            ZMQ.Socket peer = context.createSocket(SocketType.DEALER);
            AtomicInteger disconnects = new AtomicInteger();
            peer.setEventHook(e -> {
                if (e.getEvent() == ZMonitor.Event.DISCONNECTED) {
                    disconnects.incrementAndGet();
                }
            }, ZMQ.EVENT_DISCONNECTED);
            peer.setSendTimeOut(100);
            peer.connect(link.endpoint());
            for (int i = 0; i < 4; i++) {
                assertTrue(peer.send(FIFTY_MB, 0), "50 MB message " + i + " queued");
            }
            // the peer reconnects after each refusal; then a good message goes through
            byte[] ok = ControlCodec.encode(new Stop("ok"));
            long deadline = System.nanoTime() + PATIENCE_MILLIS * 1_000_000L;
            ControlMessage got = null;
            while (got == null && System.nanoTime() - deadline < 0) {
                peer.send(ok, 0);
                got = link.poll();
                if (got == null && link.await(50)) {
                    got = link.poll();
                }
            }
            assertEquals(new Stop("ok"), got, "a good message after the big ones");
            assertEquals(0, link.rejectedCount(), "no 50 MB message was received whole and rejected after: "
                    + link.lastRejection());
            assertTrue(disconnects.get() >= 1, "JeroMQ dropped the sender of the 50 MB messages");
        }
    }

    @Test
    void aConnectingStreamInputSentAFiftyMegabyteMessageSaysWhyItStopped() {
        ZMQ.Socket push = context.createSocket(SocketType.PUSH);
        push.bind(Endpoints.DEFAULT_BIND);
        try (StreamIn in = StreamIn.connect(context, push.getLastEndpoint(), false)) {
            float[] dst = new float[16];
            push.send(new byte[16], 0);
            assertEquals(2, in.receive(dst, 0, 8, PATIENCE_MILLIS));
            push.send(FIFTY_MB, 0);
            AtomicReference<RuntimeException> error = new AtomicReference<>();
            long deadline = System.nanoTime() + PATIENCE_MILLIS * 1_000_000L;
            while (error.get() == null && System.nanoTime() - deadline < 0) {
                try {
                    in.poll(dst, 0, 8);
                    in.await(50);
                } catch (RuntimeException e) {
                    error.set(e);
                }
            }
            assertTrue(error.get() instanceof IllegalStateException, "got " + error.get());
            String m = error.get().getMessage();
            assertTrue(m.contains(push.getLastEndpoint()) && m.contains("longer than the limit of "
                    + StreamIn.DEFAULT_MAX_MESSAGE_BYTES + " bytes"), m);
            assertEquals(0, in.rejectedCount(), "the 50 MB message was never received whole");
        }
    }
}
