package org.grmodelfree.fuzz;

import static org.grmodelfree.fuzz.Fuzz.concat;
import static org.grmodelfree.fuzz.Fuzz.hex;
import static org.grmodelfree.fuzz.Fuzz.repeat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.grmodelfree.wire.ControlCodec;
import org.grmodelfree.wire.ControlMessage;
import org.grmodelfree.wire.ControlMessage.Hello;
import org.grmodelfree.wire.ControlMessage.Losses;
import org.grmodelfree.wire.ControlMessage.Lost;
import org.grmodelfree.wire.ControlMessage.Phase;
import org.grmodelfree.wire.ControlMessage.Sent;
import org.grmodelfree.wire.ControlMessage.Stop;
import org.grmodelfree.wire.WireFormatException;
import org.junit.jupiter.api.Test;

/**
 * msgpack control messages ({@link ControlCodec#decode}) under 100 000 generated inputs: each
 * decodes to a message that encodes and decodes back to itself, or is refused with a
 * {@link WireFormatException} whose message starts "control message: "; no msgpack exception
 * leaks, and nesting or declared lengths cannot exhaust the stack or the heap.
 */
class ControlCodecFuzzTest {

    private static final long SEED = 17_0002L;
    /** The start of a valid 'stop' message, up to its "reason" value: {type: stop, version: 1, reason: */
    private static final byte[] STOP_UP_TO_REASON = hex("83 a4 74797065 a4 73746f70 a7 76657273696f6e 01"
            + " a6 726561736f6e");

    static List<ControlMessage> samples() {
        return List.of(new Hello("receiver", 1), new Hello("tx-µ", Integer.MAX_VALUE),
                new Phase(0, Phase.RECEIVER, 1000, 0), new Phase(Long.MAX_VALUE, Phase.TRANSMITTER, 1, 1L << 40),
                new Losses(3, 7, new float[] {0.5f, 1.25f, 0f, -0.0f, Float.MAX_VALUE}),
                new Losses(0, 0, new float[0]),
                new Sent(300, 9, new float[] {1.0f, -2.0f, Float.MIN_VALUE, -Float.MAX_VALUE}),
                new Sent(2, 1, new float[] {0.25f, 0.5f}, 0.125), new Sent(0, 0, new float[0]),
                new Lost(5, 1L << 32, "crc"), new Stop("done"), new Stop(""));
    }

    /** 200 KB of nesting in every form msgpack has, and lengths far beyond the input. */
    static List<byte[]> hostile() {
        List<byte[]> h = new ArrayList<>();
        byte[] none = new byte[0];
        h.add(repeat(STOP_UP_TO_REASON, hex("91"), 200_000, hex("c0"))); // [[[...nil...]]]
        h.add(repeat(STOP_UP_TO_REASON, hex("81 c0"), 100_000, hex("c0"))); // {nil: {nil: ...}}
        h.add(repeat(STOP_UP_TO_REASON, hex("dc 0001"), 66_000, hex("c0"))); // array16 of one
        h.add(repeat(STOP_UP_TO_REASON, hex("dd 00000001"), 40_000, hex("c0"))); // array32 of one
        h.add(repeat(none, hex("91"), 200_000, hex("c0")));
        h.add(repeat(none, hex("81 a1 61"), 66_000, hex("c0")));
        // counts and lengths far beyond the input
        h.add(hex("df ffffffff"));
        h.add(hex("df 7fffffff a1 61 c0"));
        h.add(concat(STOP_UP_TO_REASON, hex("df 7fffffff c0 c0")));
        h.add(concat(STOP_UP_TO_REASON, hex("df 40000000 c0 c0"), hex("a1 78 c0")));
        h.add(concat(STOP_UP_TO_REASON, hex("dd ffffffff c0")));
        h.add(concat(STOP_UP_TO_REASON, hex("dd 7fffffff c0")));
        h.add(concat(STOP_UP_TO_REASON, hex("db 7fffffff 61")));
        h.add(concat(STOP_UP_TO_REASON, hex("db ffffffff 61")));
        h.add(concat(STOP_UP_TO_REASON, hex("c6 ffffffff 00")));
        h.add(concat(STOP_UP_TO_REASON, hex("c6 7fffffff 00")));
        h.add(concat(STOP_UP_TO_REASON, hex("c9 7fffffff 01 00")));
        h.add(concat(STOP_UP_TO_REASON, hex("c9 ffffffff 01 00")));
        return h;
    }

    @Test
    void everyInputDecodesToARoundTrippingMessageOrIsRefused() {
        List<byte[]> valid = new ArrayList<>();
        for (ControlMessage m : samples()) {
            valid.add(ControlCodec.encode(m));
        }
        assertEquals(new Stop("done"), ControlCodec.decode(concat(STOP_UP_TO_REASON, hex("a4 646f6e65"))));
        Fuzz.Stats s = Fuzz.run("msgpack control message", SEED, Fuzz.INPUTS, valid, hostile(),
                (byte[] b) -> {
                    try {
                        return ControlCodec.decode(b);
                    } catch (WireFormatException e) {
                        assertTrue(e.getMessage().startsWith("control message: "), e.getMessage());
                        throw e;
                    }
                },
                WireFormatException.class,
                (input, m) -> assertEquals(m, ControlCodec.decode(ControlCodec.encode(m))));
        assertTrue(s.accepted() > 100 && s.rejected() > 1000, s.line());
    }

    @Test
    void twoHundredKilobytesOfNestedMsgpackAreRefusedNamingTheNesting() {
        for (byte[] unit : List.of(hex("91"), hex("81 c0"))) {
            byte[] nested = repeat(STOP_UP_TO_REASON, unit, 200_000 / unit.length, hex("c0"));
            WireFormatException e = assertThrows(WireFormatException.class, () -> ControlCodec.decode(nested));
            assertTrue(e.getMessage().equals("control message: key 'reason' nests deeper than 32 levels"),
                    e.getMessage());
        }
    }

    @Test
    void aContainerCountBeyondTheInputIsRefusedAsSuch() {
        // 0x40000000 map entries are 0x80000000 values, beyond an int: msgpack's own skip lost count
        // of them and went on reading the next key as if the map had ended
        byte[] b = concat(STOP_UP_TO_REASON, hex("df 40000000 c0 c0"), hex("a1 78 c0"));
        WireFormatException e = Fuzz.refusedWithoutAllocating(WireFormatException.class, () -> ControlCodec.decode(b));
        assertEquals("control message: key 'reason' holds a map of 1073741824 entries but only 5 bytes follow",
                e.getMessage());
    }

    @Test
    void lengthsClaimingGigabytesAreRefusedBeforeAllocation() {
        for (byte[] huge : List.of(concat(STOP_UP_TO_REASON, hex("c6 7fffffff 00")),
                concat(STOP_UP_TO_REASON, hex("db 7fffffff 61")), concat(STOP_UP_TO_REASON, hex("c6 ffffffff 00")))) {
            WireFormatException e = Fuzz.refusedWithoutAllocating(WireFormatException.class, () -> ControlCodec.decode(huge));
            assertTrue(e.getMessage().startsWith("control message: "), e.getMessage());
        }
    }
}
