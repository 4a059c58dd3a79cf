package org.grmodelfree.wire;

import static org.grmodelfree.wire.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.grmodelfree.wire.Pmt.PmtBool;
import org.grmodelfree.wire.Pmt.PmtDict;
import org.grmodelfree.wire.Pmt.PmtDouble;
import org.grmodelfree.wire.Pmt.PmtInt;
import org.grmodelfree.wire.Pmt.PmtNil;
import org.grmodelfree.wire.Pmt.PmtUint64;
import org.grmodelfree.wire.StreamTagHeader.Decoded;
import org.grmodelfree.wire.StreamTagHeader.Tag;
import org.junit.jupiter.api.Test;

class StreamTagHeaderTest {

    private final Random rand = new Random(345);

    private static final String ONE_TAG_HEX = "f05f01 6400000000000000 0100000000000000"
            + " 6900000000000000 0200016b 0300000007 01";
    private static final Tag ONE_TAG =
            new Tag(105, Pmt.symbol("k"), new PmtInt(7), PmtBool.FALSE);

    @Test
    void headerWithoutTagsIs19KnownBytes() {
        byte[] header = StreamTagHeader.encode(0x0102030405060708L, List.of());
        assertArrayEquals(hex("f05f 01 0807060504030201 0000000000000000"), header);
        assertEquals(StreamTagHeader.BASE_LENGTH, header.length);

        Decoded d = StreamTagHeader.decode(header, 0, header.length);
        assertEquals(new Decoded(0x0102030405060708L, List.of(), 19), d);
    }

    @Test
    void headerWithOneTagHasKnownBytes() {
        byte[] header = StreamTagHeader.encode(100, List.of(ONE_TAG));
        assertArrayEquals(hex(ONE_TAG_HEX), header);
        assertEquals(new Decoded(100, List.of(ONE_TAG), 37),
                StreamTagHeader.decode(header, 0, header.length));
    }

    @Test
    void samplesFollowTheHeaderInTheSameFrame() {
        float[] samples = {1f, -2f, 0.5f, 0.25f};
        List<Tag> tags = List.of(ONE_TAG,
                new Tag(101, Pmt.symbol("rx_time"), new PmtDouble(1.5), Pmt.symbol("src")));
        int headerLength = StreamTagHeader.encodedLength(tags);
        byte[] frame = new byte[5 + headerLength + 16];
        assertEquals(headerLength, StreamTagHeader.encode(100, tags, frame, 5));
        Complex64Codec.encode(samples, 0, 2, frame, 5 + headerLength);

        List<Tag> tagsOut = new ArrayList<>(List.of(ONE_TAG)); // stale content is cleared
        int length = StreamTagHeader.decode(frame, 5, frame.length - 5, tagsOut);
        assertEquals(headerLength, length);
        assertEquals(tags, tagsOut);
        assertEquals(100, StreamTagHeader.offset(frame, 5, frame.length - 5));
        float[] back = new float[4];
        assertEquals(2, Complex64Codec.decode(frame, 5 + length, frame.length - 5 - length, back, 0));
        assertArrayEquals(samples, back);
    }

    @Test
    void tagsOfEveryPmtKindRoundTrip() {
        List<Tag> tags = new ArrayList<>();
        long offset = -2; // unsigned 2^64 - 2 on the wire
        for (Pmt value : PmtCodecTest.samples()) {
            tags.add(new Tag(offset++, Pmt.symbol("key"), value, new PmtUint64(offset)));
        }
        byte[] header = StreamTagHeader.encode(-3, tags);
        Decoded d = StreamTagHeader.decode(header, 0, header.length);
        assertEquals(-3, d.offset());
        assertEquals(header.length, d.length());
        assertEquals(tags.size(), d.tags().size());
        for (int i = 0; i < tags.size(); i++) {
            Tag t = tags.get(i);
            Pmt value = t.value().equals(PmtDict.EMPTY) ? PmtNil.NIL : t.value();
            if (value instanceof Pmt.PmtPair p && p.car().equals(PmtDict.EMPTY)) {
                value = new Pmt.PmtPair(PmtNil.NIL, p.cdr());
            }
            assertEquals(new Tag(t.offset(), t.key(), value, t.srcid()), d.tags().get(i));
        }
    }

    @Test
    void rejectsWrongMagicAndVersion() {
        byte[] header = StreamTagHeader.encode(0, List.of());
        header[0] = 0x34;
        header[1] = 0x12;
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> StreamTagHeader.decode(header, 0, header.length));
        assertEquals("gr-zeromq header: magic 0x1234, expected 0x5FF0", e.getMessage());

        byte[] v2 = StreamTagHeader.encode(0, List.of());
        v2[2] = 2;
        e = assertThrows(WireFormatException.class, () -> StreamTagHeader.offset(v2, 0, 19));
        assertEquals("gr-zeromq header: version 2, expected 1", e.getMessage());
    }

    @Test
    void everyCutPointIsRejected() {
        List<byte[]> headers = List.of(StreamTagHeader.encode(7, List.of()),
                StreamTagHeader.encode(100, List.of(ONE_TAG)),
                StreamTagHeader.encode(1, List.of(ONE_TAG, new Tag(2, Pmt.symbol("d"),
                        new PmtDict(Map.of(Pmt.symbol("x"), new PmtInt(1 << 20))),
                        PmtBool.FALSE))));
        for (byte[] header : headers) {
            for (int cut = 0; cut < header.length; cut++) {
                int len = cut;
                WireFormatException e = assertThrows(WireFormatException.class,
                        () -> StreamTagHeader.decode(header, 0, len), () -> "cut at " + len);
                assertTrue(e.getMessage().startsWith("gr-zeromq header: "), e.getMessage());
            }
        }
        byte[] one = hex(ONE_TAG_HEX);
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> StreamTagHeader.decode(one, 0, 10));
        assertEquals("gr-zeromq header: truncated at byte 10, needed 9 more", e.getMessage());
        e = assertThrows(WireFormatException.class,
                () -> StreamTagHeader.decode(one, 0, 33));
        assertEquals("gr-zeromq header: truncated at byte 33, needed 3 more"
                + " (in the PMT value of tag 0)", e.getMessage());
    }

    @Test
    void rejectsHostileTagCountsAndBadTagPmts() {
        byte[] huge = hex("f05f01 0000000000000000 ffffffffffffffff 00");
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> StreamTagHeader.decode(huge, 0, huge.length));
        assertEquals("gr-zeromq header: 18446744073709551615 tags declared but only 1 bytes"
                + " follow the fixed part", e.getMessage());

        byte[] badKey = hex(ONE_TAG_HEX);
        badKey[27] = 0x42;
        e = assertThrows(WireFormatException.class,
                () -> StreamTagHeader.decode(badKey, 0, badKey.length));
        assertEquals("gr-zeromq header: unknown type tag 0x42 at byte 27"
                + " (in the PMT key of tag 0)", e.getMessage());
    }

    @Test
    void garbageDecodesOrThrowsWireFormatExceptionOnly() {
        byte[] valid = StreamTagHeader.encode(100, List.of(ONE_TAG, ONE_TAG));
        List<Tag> tags = new ArrayList<>();
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes;
            if (i % 2 == 0) {
                bytes = TestBytes.mutate(rand, valid);
            } else { // plausible fixed part, random tag count and body
                bytes = TestBytes.garbage(rand, 60);
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length, 19));
                bytes[0] = (byte) 0xf0;
                bytes[1] = 0x5f;
                bytes[2] = 1;
                for (int j = 12; j < 19; j++) {
                    bytes[j] = 0;
                }
                bytes[11] = (byte) rand.nextInt(4);
            }
            try {
                int length = StreamTagHeader.decode(bytes, 0, bytes.length, tags);
                assertTrue(length >= 19 && length <= bytes.length);
                decoded++;
            } catch (WireFormatException expected) {
                assertTrue(expected.getMessage().startsWith("gr-zeromq header: "),
                        expected.getMessage());
            }
        }
        assertTrue(decoded > 100, "only " + decoded + " inputs decoded");
    }

    @Test
    void untaggedHeadersEncodeAndDecodeWithoutAllocating() {
        byte[] frame = new byte[19 + 8 * 64];
        List<Tag> tags = new ArrayList<>();
        List<Tag> none = List.of();
        long sum = 0;
        for (int i = 0; i < 20_000; i++) { // warm up past JIT compilation
            sum += cycle(frame, none, tags, i);
        }
        long before = TestBytes.allocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            sum += cycle(frame, none, tags, i);
        }
        long allocated = TestBytes.allocatedBytes() - before;
        assertTrue(sum > 0);
        assertTrue(allocated < 1024, "10000 header cycles allocated " + allocated + " bytes");
    }

    private static long cycle(byte[] frame, List<Tag> none, List<Tag> tags, long offset) {
        StreamTagHeader.encode(offset, none, frame, 0);
        int length = StreamTagHeader.decode(frame, 0, frame.length, tags);
        return length + StreamTagHeader.offset(frame, 0, frame.length);
    }
}
