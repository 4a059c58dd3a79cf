package org.grmodelfree.fuzz;

import static org.grmodelfree.fuzz.Fuzz.hex;
import static org.grmodelfree.fuzz.Fuzz.repeat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grmodelfree.wire.Pmt;
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
import org.grmodelfree.wire.Pmt.PmtSymbol;
import org.grmodelfree.wire.Pmt.PmtTuple;
import org.grmodelfree.wire.Pmt.PmtU8Vector;
import org.grmodelfree.wire.Pmt.PmtUint64;
import org.grmodelfree.wire.Pmt.PmtVector;
import org.grmodelfree.wire.PmtCodec;
import org.grmodelfree.wire.WireFormatException;
import org.junit.jupiter.api.Test;

/**
 * GNU Radio PMT deserialisation ({@link PmtCodec#deserialize}) under 100 000 generated inputs:
 * each one decodes to a value that serialises and decodes back to itself, or is refused with a
 * {@link WireFormatException}; nesting and declared counts cannot exhaust the stack or the heap.
 */
class PmtCodecFuzzTest {

    private static final long SEED = 17_0001L;

    static PmtDict dict(Object... keyValues) {
        Map<Pmt, Pmt> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(new PmtSymbol((String) keyValues[i]), (Pmt) keyValues[i + 1]);
        }
        return new PmtDict(m);
    }

    static Pmt list(Pmt... items) {
        Pmt tail = PmtNil.NIL;
        for (int i = items.length - 1; i >= 0; i--) {
            tail = new PmtPair(items[i], tail);
        }
        return tail;
    }

    /** Valid values of every kind the codec reads, nested a few levels. */
    static List<Pmt> samples() {
        Pmt vec = new PmtVector(List.of(new PmtInt(1), new PmtSymbol("x"), PmtNil.NIL));
        return List.of(PmtBool.TRUE, PmtBool.FALSE, PmtNil.NIL, new PmtSymbol("rx_time"), new PmtSymbol("µs"),
                new PmtInt(7), new PmtInt(-1L << 40), new PmtUint64(-1L), new PmtDouble(2.5),
                new PmtComplex(1, -1), new PmtPair(new PmtSymbol("a"), new PmtInt(3)),
                list(new PmtInt(1), new PmtInt(2), new PmtInt(3)),
                dict("type", new PmtSymbol("losses"), "n", new PmtInt(4), "v", vec),
                vec, new PmtTuple(List.of(new PmtDouble(1), vec)),
                new PmtU8Vector(new byte[] {1, 2, 3}), new PmtF32Vector(new float[] {1f, -2f}),
                new PmtF64Vector(new double[] {3, 4}), new PmtC32Vector(new float[] {1, 2, 3, 4}),
                new PmtPair(dict("k", new PmtU8Vector(new byte[0])), new PmtF32Vector(new float[] {0.5f})),
                new PmtVector(List.of(dict("a", list(new PmtInt(1), dict("b", PmtBool.TRUE))),
                        new PmtTuple(List.of()), new PmtVector(List.of()))));
    }

    /** Deep nesting, long lists and huge declared counts, each of which once broke a decoder. */
    static List<byte[]> hostile() {
        List<byte[]> h = new ArrayList<>();
        byte[] none = new byte[0];
        // 200 KB of nested one-item vectors, of nested pair cars, of nested dicts
        h.add(repeat(none, hex("08 00000001"), 40_000, hex("06")));
        h.add(repeat(none, hex("07"), 200_000, hex("06 06")));
        h.add(repeat(none, hex("09 07"), 100_000, hex("06 06 06")));
        h.add(repeat(none, hex("0c 00000001"), 40_000, hex("06")));
        // a list of 100 000 items (not nested on the wire), alone and as a dict key
        h.add(repeat(none, hex("07 00"), 100_000, hex("06")));
        h.add(repeat(hex("09 07"), hex("07 00"), 100_000, hex("06 00 06")));
        // declared counts far beyond the input
        h.add(hex("08 ffffffff 06"));
        h.add(hex("08 7fffffff 06"));
        h.add(hex("0c 80000000 06"));
        h.add(hex("0a 08 ffffffff 01 00 00000000"));
        h.add(hex("0a 0a 7fffffff 01 00 00000000"));
        h.add(hex("0a 00 ffffffff ff"));
        h.add(hex("02 ffff 41"));
        return h;
    }

    @Test
    void everyInputDecodesToARoundTrippingValueOrIsRefused() {
        List<byte[]> valid = new ArrayList<>();
        for (Pmt p : samples()) {
            valid.add(PmtCodec.serialize(p));
        }
        Fuzz.Stats s = Fuzz.run("PMT", SEED, Fuzz.INPUTS, valid, hostile(), PmtCodec::deserialize,
                WireFormatException.class, (input, value) -> {
                    byte[] again = PmtCodec.serialize(value);
                    assertEquals(value, PmtCodec.deserialize(again), "re-encoded value differs");
                    assertEquals(value.hashCode(), PmtCodec.deserialize(again).hashCode());
                });
        assertTrue(s.accepted() > 1000 && s.rejected() > 1000, s.line());
    }

    @Test
    void aListOfAHundredThousandItemsIsAnOrdinaryValue() {
        // the wire writes a list without nesting, so its length is not bounded by the nesting limit;
        // comparing, hashing and printing it must not recurse along it either
        byte[] wire = repeat(new byte[0], hex("07 00"), 100_000, hex("06"));
        Pmt a = PmtCodec.deserialize(wire);
        Pmt b = PmtCodec.deserialize(wire);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertTrue(a.toString().length() < 10_000, "a long list prints abbreviated");
        Pmt shorter = PmtCodec.deserialize(repeat(new byte[0], hex("07 00"), 99_999, hex("06")));
        Pmt otherLast = PmtCodec.deserialize(repeat(new byte[0], hex("07 00"), 99_999, hex("07 01 06")));
        assertNotEquals(a, shorter);
        assertNotEquals(shorter, a);
        assertNotEquals(a, otherLast);
        assertNotEquals(a, PmtNil.NIL);
        assertNotEquals(PmtNil.NIL, a);
        assertNotEquals(new PmtPair(PmtNil.NIL, PmtNil.NIL), new PmtPair(PmtNil.NIL, new PmtInt(0)));
        Pmt asKey = PmtCodec.deserialize(repeat(hex("09 07"), hex("07 00"), 100_000, hex("06 00 06")));
        assertEquals(1, ((PmtDict) asKey).entries().size());
    }

    @Test
    void nestingBeyondTheLimitIsRefusedNamingIt() {
        for (byte[] deep : List.of(repeat(new byte[0], hex("08 00000001"), 40_000, hex("06")),
                repeat(new byte[0], hex("07"), 200_000, hex("06 06")))) {
            WireFormatException e = assertThrows(WireFormatException.class, () -> PmtCodec.deserialize(deep));
            assertTrue(e.getMessage().contains("nesting deeper than " + PmtCodec.MAX_DEPTH), e.getMessage());
        }
    }

    @Test
    void countsClaimingGigabytesAreRefusedBeforeAllocation() {
        for (byte[] huge : List.of(hex("08 7fffffff 06"), hex("0a 08 ffffffff 01 00 00000000"),
                hex("0a 0a 7fffffff 01 00 00000000"))) {
            WireFormatException e = Fuzz.refusedWithoutAllocating(WireFormatException.class, () -> PmtCodec.deserialize(huge));
            assertTrue(e.getMessage().contains("declares") || e.getMessage().contains("truncated"), e.getMessage());
        }
    }
}
