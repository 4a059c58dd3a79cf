package org.grmodelfree.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
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

/** StreamOut and StreamIn with byte items over loopback tcp, and against raw JeroMQ sockets in gr-zeromq's byte format. */
class ByteStreamLinkTest {

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

    /** Receives exactly n bytes in pieces of at most piece, waiting for each with await. */
    private static byte[] receiveAll(StreamIn in, int n, int piece) {
        byte[] got = new byte[n];
        int done = 0;
        while (done < n) {
            assertTrue(in.await(WAIT), "no bytes within " + WAIT + " ms after " + done);
            int k = in.poll(got, done, Math.min(piece, n - done));
            assertTrue(k >= 0 && k <= piece, "poll returned " + k);
            done += k;
        }
        return got;
    }

    private ZMQ.Socket raw(SocketType type, String connectTo) {
        ZMQ.Socket s = context.createSocket(type);
        s.setLinger(0);
        s.setSendTimeOut(WAIT);
        s.setReceiveTimeOut(WAIT);
        s.connect(connectTo);
        return s;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void bytesRoundTripOverPushPullInPiecesOfAnySize(boolean passTags) {
        byte[] data = new byte[10_000];
        rand.nextBytes(data);
        try (StreamIn in = StreamIn.bind(context, null, passTags, StreamIn.BYTE);
                StreamOut out = new StreamOut(context, in.endpoint(), false, passTags, StreamIn.BYTE, 4096, WAIT)) {
            out.send(data, 0, 3000);
            out.send(data, 3000, data.length - 3000); // split into messages of 4096 and 2904
            assertArrayEquals(data, receiveAll(in, data.length, 777));
            assertEquals(data.length, out.itemsSent());
            assertEquals(0, in.droppedItems());
        }
    }

    @Test
    void theWireIsRawBytesOneItemPerByteAsGrZeromqSendsThem() {
        byte[] data = {0, 1, 2, (byte) 255, 17};
        try (StreamOut out = new StreamOut(context, null, true, false, StreamIn.BYTE, 8191, WAIT)) {
            ZMQ.Socket pull = raw(SocketType.PULL, out.endpoint());
            out.send(data, 0, data.length);
            assertArrayEquals(data, pull.recv(0), "no header, one byte per item");
        }
        try (StreamOut out = new StreamOut(context, null, true, true, StreamIn.BYTE, 8191, WAIT)) {
            ZMQ.Socket pull = raw(SocketType.PULL, out.endpoint());
            out.send(data, 0, 2);
            out.send(data, 2, 3);
            pull.recv(0);
            byte[] second = pull.recv(0);
            assertEquals(StreamTagHeader.BASE_LENGTH + 3, second.length);
            assertEquals(2, StreamTagHeader.offset(second, 0, second.length), "offset of the first item");
            assertArrayEquals(Arrays.copyOfRange(data, 2, 5),
                    Arrays.copyOfRange(second, StreamTagHeader.BASE_LENGTH, second.length));
        }
    }

    @Test
    void aPushSinkOfBytesFeedsTheInputAndABadHeaderIsDroppedNamingTheEndpoint() {
        try (StreamIn in = StreamIn.bind(context, null, true, StreamIn.BYTE)) {
            ZMQ.Socket push = raw(SocketType.PUSH, in.endpoint());
            byte[] header = StreamTagHeader.encode(0, List.of());
            byte[] good = Arrays.copyOf(header, header.length + 4);
            good[header.length] = 9;
            push.send(new byte[] {1, 2, 3}, 0); // too short for a header
            push.send(good, 0);
            assertTrue(in.await(WAIT));
            WireFormatException e = assertThrows(WireFormatException.class, () -> in.poll(new byte[8], 0, 8));
            assertTrue(e.getMessage().contains(in.endpoint()), e.getMessage());
            assertEquals(1, in.rejectedCount());
            byte[] got = receiveAll(in, 4, 8);
            assertArrayEquals(new byte[] {9, 0, 0, 0}, got);
        }
    }

    @Test
    void aForwardJumpOfTheTagOffsetCountsDroppedBytes() {
        try (StreamIn in = StreamIn.bind(context, null, true, StreamIn.BYTE)) {
            ZMQ.Socket push = raw(SocketType.PUSH, in.endpoint());
            byte[] first = Arrays.copyOf(StreamTagHeader.encode(0, List.of()), StreamTagHeader.BASE_LENGTH + 2);
            byte[] later = Arrays.copyOf(StreamTagHeader.encode(10, List.of()), StreamTagHeader.BASE_LENGTH + 2);
            push.send(first, 0);
            push.send(later, 0);
            receiveAll(in, 4, 4);
            assertEquals(8, in.droppedItems());
        }
    }

    @Test
    void itemsOfOtherSizesGoAsTheirRawBytesAndOnlyComplex64IsReadAsFloats() {
        byte[] data = new byte[4 * 300];
        rand.nextBytes(data);
        try (StreamIn in = StreamIn.bind(context, null, true, 4);
                StreamOut out = new StreamOut(context, in.endpoint(), false, true, 4, 128, WAIT)) {
            out.send(data, 0, 300); // messages of 128, 128 and 44 items of 4 bytes
            byte[] got = new byte[data.length];
            int items = 0;
            while (items < 300) {
                assertTrue(in.await(WAIT));
                items += in.poll(got, 4 * items, Math.min(50, 300 - items));
            }
            assertArrayEquals(data, got);
            assertEquals(300, in.nextOffset());
            assertThrows(IllegalStateException.class, () -> in.poll(new float[8], 0, 4));
            assertThrows(IllegalStateException.class, () -> out.send(new float[8], 0, 4));
        }
        try (StreamIn in = StreamIn.bind(context, null, false, 4)) {
            ZMQ.Socket push = raw(SocketType.PUSH, in.endpoint());
            push.send(new byte[6], 0);
            push.send(new byte[] {1, 2, 3, 4}, 0);
            assertTrue(in.await(WAIT));
            WireFormatException e = assertThrows(WireFormatException.class, () -> in.poll(new byte[8], 0, 2));
            assertTrue(e.getMessage().contains("6 bytes is not a multiple of 4"), e.getMessage());
            assertTrue(in.await(WAIT));
            byte[] got = new byte[8];
            assertEquals(1, in.poll(got, 0, 2));
            assertArrayEquals(new byte[] {1, 2, 3, 4, 0, 0, 0, 0}, got);
        }
    }

    @Test
    void complex64ItemsCanBeReadAsTheirWireBytes() {
        float[] samples = {1.5f, -2f, 0.25f, 3f};
        try (StreamOut out = StreamOut.bind(context, null, false);
                StreamIn in = StreamIn.connect(context, out.endpoint(), false)) {
            out.send(samples, 0, 2);
            byte[] wire = new byte[16];
            Complex64Codec.encode(samples, 0, 2, wire, 0);
            byte[] got = new byte[16];
            assertTrue(in.await(WAIT));
            assertEquals(2, in.poll(got, 0, 2));
            assertArrayEquals(wire, got);
        }
    }
}
