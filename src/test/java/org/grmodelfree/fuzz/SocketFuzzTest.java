package org.grmodelfree.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.grmodelfree.wire.Complex64Codec;
import org.grmodelfree.wire.ControlCodec;
import org.grmodelfree.wire.ControlLink;
import org.grmodelfree.wire.ControlMessage;
import org.grmodelfree.wire.ControlMessage.Stop;
import org.grmodelfree.wire.ControlPdu;
import org.grmodelfree.wire.StreamIn;
import org.grmodelfree.wire.StreamTagHeader;
import org.grmodelfree.wire.WireFormatException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * "The process that received it keeps working": a stream input and the two kinds of control link
 * each take 3 000 fuzzed frames from a raw JeroMQ socket over loopback tcp, then one valid frame.
 * Every frame the decoder refuses (classified beforehand by decoding it in the test) is dropped
 * and counted, and exactly those: the rejected count equals the bad frames sent, every good frame
 * arrives intact and in order, and the final valid frame is received correctly.
 */
class SocketFuzzTest {

    private static final long SEED = 17_0007L;
    private static final int FRAMES = 3_000;
    private static final int WAIT = 10_000;
    /** Fuzzed frames longer than this are left out: the sockets' limits are tested elsewhere. */
    private static final int MAX_FRAME = 64 << 10;

    private ZContext context;

    @BeforeEach
    void openContext() {
        context = new ZContext();
    }

    @AfterEach
    void closeContext() {
        context.close();
    }

    /** Sends the frames from a raw socket of {@code type} connected to {@code endpoint}, on another thread. */
    private CompletableFuture<Void> sendAll(SocketType type, String endpoint, List<byte[]> frames) {
        return CompletableFuture.runAsync(() -> {
            try (ZMQ.Socket s = context.createSocket(type)) {
                s.setLinger(WAIT);
                s.setSendTimeOut(WAIT);
                s.connect(endpoint);
                for (byte[] f : frames) {
                    if (!s.send(f, 0)) {
                        throw new IllegalStateException("send timed out");
                    }
                }
            }
        });
    }

    private static List<byte[]> fuzzed(Fuzz.Generator gen) {
        List<byte[]> frames = new ArrayList<>();
        while (frames.size() < FRAMES) {
            byte[] f = gen.next();
            if (f.length <= MAX_FRAME) {
                frames.add(f);
            }
        }
        return frames;
    }

    @Test
    void aStreamInputDropsEveryBadMessageAndKeepsReceiving() {
        Random rand = new Random(SEED);
        List<byte[]> frames = fuzzed(new Fuzz.Generator(rand, StreamFrameFuzzTest.validTagged(rand), List.of()));
        float[] last = StreamFrameFuzzTest.gaussian(rand, 100);
        frames.add(StreamFrameFuzzTest.frame(0, List.of(), last));
        // what the input must hand out: the samples of each good message, in order
        float[] expected = new float[0];
        int bad = 0;
        float[] samples = new float[2 * MAX_FRAME / 8];
        List<StreamTagHeader.Tag> tags = new ArrayList<>();
        for (byte[] f : frames) {
            try {
                int start = StreamTagHeader.decode(f, 0, f.length, tags);
                int items = Complex64Codec.decodeFinite(f, start, f.length - start, samples, 0);
                expected = Arrays.copyOf(expected, expected.length + 2 * items);
                System.arraycopy(samples, 0, expected, expected.length - 2 * items, 2 * items);
            } catch (WireFormatException e) {
                bad++;
            }
        }
        long start = System.nanoTime();
        try (StreamIn in = StreamIn.bind(context, null, true)) {
            CompletableFuture<Void> sent = sendAll(SocketType.PUSH, in.endpoint(), frames);
            float[] got = new float[expected.length];
            int n = 0;
            int thrown = 0;
            while (n < got.length) {
                try {
                    n += 2 * in.receive(got, n, (got.length - n) / 2, WAIT);
                } catch (WireFormatException e) {
                    assertTrue(e.getMessage().contains(in.endpoint()), e.getMessage());
                    thrown++;
                }
            }
            sent.join();
            assertArrayEquals(expected, got, "the good messages' samples, in order");
            assertArrayEquals(last, Arrays.copyOfRange(got, got.length - last.length, got.length),
                    "the final valid message");
            assertTrue(bad > 100, bad + " bad frames");
            assertEquals(bad, thrown, "one exception per bad message");
            assertEquals(bad, in.rejectedCount(), "rejected count");
            System.out.printf(java.util.Locale.ROOT, "fuzz over a socket, stream input: %d frames, %d rejected, %.1f s%n",
                    frames.size(), in.rejectedCount(), (System.nanoTime() - start) / 1e9);
        }
    }

    @Test
    void aControlLinkSkipsEveryBadFrameAndKeepsReceiving() {
        checkLink("control link (msgpack)", ControlCodec::encode, ControlCodec::decode,
                context -> ControlLink.bind(context, null), SocketType.DEALER);
    }

    @Test
    void aPduControlLinkSkipsEveryBadFrameAndKeepsReceiving() {
        checkLink("control link (PDU)", ControlPdu::encode, ControlPdu::decode,
                context -> ControlLink.pdu(context, null, false, true, WAIT, ControlLink.DEFAULT_MAX_MESSAGE_BYTES),
                SocketType.PUSH);
    }

    private void checkLink(String name, Function<ControlMessage, byte[]> encode, Fuzz.Decoder<ControlMessage> decode,
            Function<ZContext, ControlLink> open, SocketType peer) {
        Random rand = new Random(SEED + name.hashCode());
        List<byte[]> valid = new ArrayList<>();
        ControlCodecFuzzTest.samples().forEach(m -> valid.add(encode.apply(m)));
        List<byte[]> frames = fuzzed(new Fuzz.Generator(rand, valid, List.of()));
        Stop last = new Stop("end of the fuzzed frames");
        frames.add(encode.apply(last));
        List<ControlMessage> expected = new ArrayList<>();
        int bad = 0;
        for (byte[] f : frames) {
            try {
                expected.add(decode.decode(f));
            } catch (WireFormatException e) {
                bad++;
            }
        }
        long start = System.nanoTime();
        try (ControlLink link = open.apply(context)) {
            CompletableFuture<Void> sent = sendAll(peer, link.endpoint(), frames);
            List<ControlMessage> got = new ArrayList<>();
            while (got.size() < expected.size()) {
                got.add(link.receive(WAIT));
            }
            sent.join();
            assertEquals(expected, got, "the good frames' messages, in order");
            assertEquals(last, got.get(got.size() - 1), "the final valid message");
            assertTrue(bad > 100, bad + " bad frames");
            assertEquals(bad, link.rejectedCount(), "rejected count");
            assertTrue(!link.lastRejection().isEmpty());
            System.out.printf(java.util.Locale.ROOT, "fuzz over a socket, %s: %d frames, %d rejected, %.1f s%n",
                    name, frames.size(), link.rejectedCount(), (System.nanoTime() - start) / 1e9);
        }
    }
}
