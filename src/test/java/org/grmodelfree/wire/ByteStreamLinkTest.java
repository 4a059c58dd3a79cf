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

/** ByteStreamOut and ByteStreamIn over loopback tcp, and against raw JeroMQ sockets in gr-zeromq's byte format. */
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
    private static byte[] receiveAll(ByteStreamIn in, int n, int piece) {
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
        try (ByteStreamIn in = ByteStreamIn.bind(context, null, passTags);
                ByteStreamOut out = new ByteStreamOut(context, in.endpoint(), false, passTags, 4096, WAIT)) {
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
        try (ByteStreamOut out = new ByteStreamOut(context, null, true, false, 8191, WAIT)) {
            ZMQ.Socket pull = raw(SocketType.PULL, out.endpoint());
            out.send(data, 0, data.length);
            assertArrayEquals(data, pull.recv(0), "no header, one byte per item");
        }
        try (ByteStreamOut out = new ByteStreamOut(context, null, true, true, 8191, WAIT)) {
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
        try (ByteStreamIn in = ByteStreamIn.bind(context, null, true)) {
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
        try (ByteStreamIn in = ByteStreamIn.bind(context, null, true)) {
            ZMQ.Socket push = raw(SocketType.PUSH, in.endpoint());
            byte[] first = Arrays.copyOf(StreamTagHeader.encode(0, List.of()), StreamTagHeader.BASE_LENGTH + 2);
            byte[] later = Arrays.copyOf(StreamTagHeader.encode(10, List.of()), StreamTagHeader.BASE_LENGTH + 2);
            push.send(first, 0);
            push.send(later, 0);
            receiveAll(in, 4, 4);
            assertEquals(8, in.droppedItems());
        }
    }
}
