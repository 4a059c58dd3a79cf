package org.grmodelfree.wire;

import static org.grmodelfree.wire.TestBytes.hex;
import static org.grmodelfree.wire.TestBytes.toHex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.grmodelfree.wire.Pmt.PmtBool;
import org.grmodelfree.wire.Pmt.PmtC32Vector;
import org.grmodelfree.wire.Pmt.PmtComplex;
import org.grmodelfree.wire.Pmt.PmtDict;
import org.grmodelfree.wire.Pmt.PmtDouble;
import org.grmodelfree.wire.Pmt.PmtF32Vector;
import org.grmodelfree.wire.Pmt.PmtF64Vector;
import org.grmodelfree.wire.Pmt.PmtInt;
import org.grmodelfree.wire.Pmt.PmtNil;
import org.grmodelfree.wire.Pmt.PmtPair;
import org.grmodelfree.wire.Pmt.PmtTuple;
import org.grmodelfree.wire.Pmt.PmtU8Vector;
import org.grmodelfree.wire.Pmt.PmtUint64;
import org.grmodelfree.wire.Pmt.PmtVector;
import org.junit.jupiter.api.Test;

class PmtCodecTest {

    private final Random rand = new Random(345);

    private static PmtDict dict(Object... keyValues) {
        Map<Pmt, Pmt> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(Pmt.symbol((String) keyValues[i]), (Pmt) keyValues[i + 1]);
        }
        return new PmtDict(m);
    }

    private static Pmt list(Pmt... items) {
        Pmt tail = PmtNil.NIL;
        for (int i = items.length - 1; i >= 0; i--) {
            tail = new PmtPair(items[i], tail);
        }
        return tail;
    }

    /** One value of every kind, including empty and nested containers. */
    static List<Pmt> samples() {
        List<Pmt> s = new ArrayList<>(List.of(
                PmtBool.TRUE, PmtBool.FALSE, PmtNil.NIL,
                Pmt.symbol("a"), Pmt.symbol(""), Pmt.symbol("rx_time µs"),
                new PmtInt(0), new PmtInt(-1), new PmtInt(Integer.MAX_VALUE),
                new PmtInt(Integer.MIN_VALUE), new PmtInt(1L << 40), new PmtInt(Long.MIN_VALUE),
                new PmtUint64(0), new PmtUint64(-1L),
                new PmtDouble(2.5), new PmtDouble(-0.0), new PmtDouble(Double.NaN),
                new PmtComplex(1.5, -3.25),
                new PmtPair(Pmt.symbol("a"), new PmtInt(1)),
                list(new PmtInt(1), Pmt.symbol("b"), new PmtDouble(3)),
                new PmtPair(new PmtPair(PmtBool.TRUE, PmtBool.FALSE), PmtNil.NIL),
                dict("a", new PmtInt(1)),
                dict("freq", new PmtDouble(2.4e9), "burst", dict("len", new PmtInt(64)),
                        "list", list(new PmtInt(1), new PmtInt(2)),
                        "pair", new PmtPair(PmtBool.TRUE, new PmtInt(3))),
                new PmtVector(List.of()),
                new PmtVector(List.of(new PmtInt(7), Pmt.symbol("x"), new PmtVector(List.of()))),
                new PmtTuple(List.of()),
                new PmtTuple(List.of(Pmt.symbol("t"), new PmtComplex(0, 1))),
                new PmtU8Vector(new byte[0]),
                new PmtU8Vector(new byte[] {9, -1, 0}),
                new PmtF32Vector(new float[] {1f, -2.5f, Float.MIN_VALUE}),
                new PmtF64Vector(new double[] {Math.PI, -1e300}),
                new PmtC32Vector(new float[] {1f, -1f, 0.5f, 2f}),
                Pmt.pdu(PmtDict.EMPTY, new PmtU8Vector(new byte[] {9})),
                Pmt.pdu(dict("snr", new PmtDouble(10)),
                        new PmtC32Vector(new float[] {0.25f, -0.75f}))));
        return s;
    }

    private static void assertSerialises(String expectedHex, Pmt value) {
        assertEquals(expectedHex.replace(" ", ""), toHex(PmtCodec.serialize(value)));
        assertEquals(value, PmtCodec.deserialize(hex(expectedHex)));
    }

    @Test
    void knownBytesFromGnuRadio() {
        assertSerialises("0a 08 00000002 01 00 3f800000 c0200000",
                new PmtF32Vector(new float[] {1f, -2.5f}));
        assertSerialises("07 02 0001 61 03 00000001", new PmtPair(Pmt.symbol("a"), new PmtInt(1)));

        byte[] pdu = PmtCodec.serialize(Pmt.pdu(PmtDict.EMPTY, new PmtU8Vector(new byte[] {9})));
        assertArrayEquals(hex("07 06 0a 00 00000001 01 00 09"), pdu);
        // An empty dict is nil on the wire, so the PDU reads back with nil metadata.
        Pmt back = PmtCodec.deserialize(pdu);
        assertEquals(new PmtPair(PmtNil.NIL, new PmtU8Vector(new byte[] {9})), back);
        assertEquals(PmtDict.EMPTY, Pmt.pduMetadata(back));
        assertEquals(new PmtU8Vector(new byte[] {9}), Pmt.pduData(back));
    }

    @Test
    void knownBytesForScalarsAndContainers() {
        assertSerialises("00", PmtBool.TRUE);
        assertSerialises("01", PmtBool.FALSE);
        assertSerialises("06", PmtNil.NIL);
        assertSerialises("03 ffffffff", new PmtInt(-1));
        assertSerialises("03 80000000", new PmtInt(Integer.MIN_VALUE));
        assertSerialises("0d 0000000080000000", new PmtInt(1L << 31));
        assertSerialises("0d 0000010000000000", new PmtInt(1L << 40));
        assertSerialises("0b ffffffffffffffff", new PmtUint64(-1L));
        assertSerialises("04 4004000000000000", new PmtDouble(2.5));
        assertSerialises("05 3ff0000000000000 c000000000000000", new PmtComplex(1, -2));
        assertSerialises("07 02 0001 61 07 02 0001 62 06", list(Pmt.symbol("a"), Pmt.symbol("b")));
        assertSerialises("09 07 02 0001 61 03 00000001 09 07 02 0001 62 00 06",
                dict("a", new PmtInt(1), "b", PmtBool.TRUE));
        assertSerialises("08 00000002 00 01", new PmtVector(List.of(PmtBool.TRUE, PmtBool.FALSE)));
        assertSerialises("0c 00000001 06", new PmtTuple(List.of(PmtNil.NIL)));
        assertSerialises("0a 09 00000001 01 00 3ff0000000000000",
                new PmtF64Vector(new double[] {1}));
        assertSerialises("0a 0a 00000001 01 00 3f800000 c0000000",
                new PmtC32Vector(new float[] {1f, -2f}));
        // An empty dict is written as nil, as GNU Radio's make_dict() is PMT_NIL.
        assertEquals("06", toHex(PmtCodec.serialize(PmtDict.EMPTY)));
        // An int64 that fits is read back as the same integer.
        assertEquals(new PmtInt(5), PmtCodec.deserialize(hex("0d 0000000000000005")));
    }

    @Test
    void everySampleRoundTripsAndSerialisesAtAnOffset() {
        for (Pmt value : samples()) {
            byte[] bytes = PmtCodec.serialize(value);
            assertEquals(bytes.length, PmtCodec.serializedSize(value));
            Pmt back = PmtCodec.deserialize(bytes);
            Pmt expected = value.equals(PmtDict.EMPTY) ? PmtNil.NIL : value;
            if (value instanceof PmtPair p && p.car().equals(PmtDict.EMPTY)) {
                expected = new PmtPair(PmtNil.NIL, p.cdr());
            }
            assertEquals(expected, back, () -> "round trip of " + value);

            byte[] framed = new byte[bytes.length + 7];
            assertEquals(3 + bytes.length, PmtCodec.serialize(value, framed, 3));
            assertEquals(expected, PmtCodec.deserialize(framed, 3, bytes.length));
        }
    }

    @Test
    void everyCutPointIsRejectedAsTruncated() {
        for (Pmt value : samples()) {
            byte[] bytes = PmtCodec.serialize(value);
            for (int cut = 0; cut < bytes.length; cut++) {
                int len = cut;
                WireFormatException e = assertThrows(WireFormatException.class,
                        () -> PmtCodec.deserialize(bytes, 0, len), () -> value + " cut at " + len);
                assertTrue(e.getMessage().startsWith("PMT: "), e.getMessage());
            }
        }
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> PmtCodec.deserialize(hex("0a 08 00000002 01 00 3f800000 c020")));
        assertEquals("PMT: truncated at byte 14, needed 2 more", e.getMessage());
        e = assertThrows(WireFormatException.class, () -> PmtCodec.deserialize(new byte[0]));
        assertEquals("PMT: empty input", e.getMessage());
    }

    @Test
    void rejectsTrailingBytes() {
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> PmtCodec.deserialize(hex("07 02 0001 61 03 00000001 00 00")));
        assertEquals("PMT: 2 trailing bytes after the value at byte 10", e.getMessage());
    }

    @Test
    void rejectsUnknownTagsNamingTheByte() {
        // vector of 2: a double (bytes 5..13), then a bad tag at byte 14
        byte[] bytes = hex("08 00000002 04 4004000000000000 42");
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> PmtCodec.deserialize(bytes));
        assertEquals("PMT: unknown type tag 0x42 at byte 14", e.getMessage());

        e = assertThrows(WireFormatException.class,
                () -> PmtCodec.deserialize(hex("0a 05 00000001 01 00 00000001")));
        assertEquals("PMT: uniform vector type 0x05 (s32vector) is not supported at byte 0",
                e.getMessage());
    }

    @Test
    void acceptsAnyPaddingLikeGnuRadio() {
        PmtU8Vector nine = new PmtU8Vector(new byte[] {9});
        assertEquals(nine, PmtCodec.deserialize(hex("0a 00 00000001 00 09")));
        assertEquals(nine, PmtCodec.deserialize(hex("0a 00 00000001 03 000000 09")));
    }

    @Test
    void hostileCountsFailWithoutAllocating() {
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> PmtCodec.deserialize(hex("08 ffffffff 00")));
        assertEquals("PMT: vector declares 4294967295 items but only 1 bytes follow at byte 0",
                e.getMessage());
        e = assertThrows(WireFormatException.class,
                () -> PmtCodec.deserialize(hex("0a 0a ffffffff 01 00 00")));
        assertEquals("PMT: truncated at byte 9, needed 34359738359 more", e.getMessage());
    }

    @Test
    void rejectsDeepNestingBadSymbolsAndMalformedDicts() {
        byte[] nested = new byte[5 * 100 + 1];
        for (int i = 0; i < 100; i++) {
            System.arraycopy(hex("08 00000001"), 0, nested, 5 * i, 5);
        }
        nested[500] = 0x06;
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> PmtCodec.deserialize(nested));
        assertEquals("PMT: nesting deeper than 64 levels at byte 325", e.getMessage());

        e = assertThrows(WireFormatException.class,
                () -> PmtCodec.deserialize(hex("02 0002 c328")));
        assertEquals("PMT: symbol is not valid UTF-8 at byte 0", e.getMessage());

        e = assertThrows(WireFormatException.class,
                () -> PmtCodec.deserialize(hex("02 0401")));
        assertEquals("PMT: symbol of 1025 bytes exceeds GNU Radio's limit of 1024 at byte 0",
                e.getMessage());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> PmtCodec.serialize(Pmt.symbol("x".repeat(1025))));
        assertTrue(tooLong.getMessage().contains("1025"));

        e = assertThrows(WireFormatException.class,
                () -> PmtCodec.deserialize(hex("09 07 02 0001 61 00 09 07 02 0001 61 01 06")));
        assertEquals("PMT: duplicate dict key PmtSymbol[name=a] at byte 8", e.getMessage());
        e = assertThrows(WireFormatException.class,
                () -> PmtCodec.deserialize(hex("09 00 06")));
        assertEquals("PMT: dict entry is a PmtBool, expected a key/value pair at byte 1",
                e.getMessage());
        e = assertThrows(WireFormatException.class,
                () -> PmtCodec.deserialize(hex("09 07 02 0001 61 00 00")));
        assertEquals("PMT: dict continues with tag 0x00, expected 0x09 or 0x06 at byte 7",
                e.getMessage());
    }

    @Test
    void pduAndDictHelpers() {
        PmtDict meta = dict("snr", new PmtDouble(10), "id", new PmtInt(3));
        Pmt pdu = PmtCodec.deserialize(PmtCodec.serialize(
                Pmt.pdu(meta, new PmtF32Vector(new float[] {0.5f}))));
        assertEquals(meta, Pmt.pduMetadata(pdu));
        assertEquals(new PmtF32Vector(new float[] {0.5f}), Pmt.pduData(pdu));
        assertEquals(new PmtInt(3), Pmt.dictRef(Pmt.pduMetadata(pdu), "id", PmtNil.NIL));
        assertSame(PmtBool.FALSE, Pmt.dictRef(meta, "missing", PmtBool.FALSE));
        assertSame(PmtBool.FALSE, Pmt.dictRef(PmtNil.NIL, "id", PmtBool.FALSE));

        WireFormatException e = assertThrows(WireFormatException.class,
                () -> Pmt.pduData(new PmtPair(PmtNil.NIL, new PmtInt(1))));
        assertEquals("PDU: data is a PmtInt, expected a uniform vector", e.getMessage());
        e = assertThrows(WireFormatException.class, () -> Pmt.pduMetadata(Pmt.symbol("x")));
        assertEquals("PDU: expected a pair, found PmtSymbol", e.getMessage());
        e = assertThrows(WireFormatException.class,
                () -> Pmt.dictRef(new PmtInt(1), "id", PmtNil.NIL));
        assertEquals("PMT: expected a dict, found PmtInt", e.getMessage());
    }

    @Test
    void garbageDecodesOrThrowsWireFormatExceptionOnly() {
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            decoded += tryDecode(TestBytes.garbage(rand, 48));
        }
        List<byte[]> valid = new ArrayList<>();
        for (Pmt value : samples()) {
            valid.add(PmtCodec.serialize(value));
        }
        for (int i = 0; i < 20_000; i++) {
            decoded += tryDecode(TestBytes.mutate(rand, valid.get(rand.nextInt(valid.size()))));
        }
        assertTrue(decoded > 100, "only " + decoded + " inputs decoded; generator too weak?");
    }

    /** @return 1 if the bytes decoded (and then re-decode identically), 0 if rejected */
    private static int tryDecode(byte[] bytes) {
        Pmt value;
        try {
            value = PmtCodec.deserialize(bytes);
        } catch (WireFormatException expected) {
            assertTrue(expected.getMessage().startsWith("PMT: "), expected.getMessage());
            return 0;
        }
        Pmt again = PmtCodec.deserialize(PmtCodec.serialize(value));
        assertEquals(value, again, "decoded garbage must round-trip");
        return 1;
    }
}
