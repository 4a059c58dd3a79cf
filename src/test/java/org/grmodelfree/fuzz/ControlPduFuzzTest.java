package org.grmodelfree.fuzz;

import static org.grmodelfree.fuzz.Fuzz.concat;
import static org.grmodelfree.fuzz.Fuzz.hex;
import static org.grmodelfree.fuzz.Fuzz.repeat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.grmodelfree.wire.ControlMessage;
import org.grmodelfree.wire.ControlPdu;
import org.grmodelfree.wire.WireFormatException;
import org.junit.jupiter.api.Test;

/**
 * Control messages as GNU Radio PDUs ({@link ControlPdu#decode}) under 100 000 generated inputs:
 * each decodes to a message that encodes and decodes back to itself, or is refused with a
 * {@link WireFormatException} whose message starts "control PDU: ".
 */
class ControlPduFuzzTest {

    private static final long SEED = 17_0003L;

    /** PDUs whose metadata or payload nest deeply, run long or declare gigabytes. */
    static List<byte[]> hostile() {
        List<byte[]> h = new ArrayList<>();
        byte[] emptyU8 = hex("0a 00 00000000 01 00");
        byte[] pair = hex("07");
        h.add(repeat(pair, hex("08 00000001"), 40_000, concat(hex("06"), emptyU8)));
        h.add(repeat(pair, hex("09 07"), 100_000, concat(hex("06 06"), emptyU8)));
        h.add(repeat(pair, hex("07 00"), 100_000, concat(hex("06"), emptyU8)));
        // metadata {type: losses, version: 1, batch_id: 0, iteration: 0} and an f32vector of 2^32 - 1
        byte[] lossesMeta = ControlPdu.encode(new ControlMessage.Losses(0, 0, new float[0]));
        byte[] head = java.util.Arrays.copyOf(lossesMeta, lossesMeta.length - 8);
        h.add(concat(head, hex("0a 08 ffffffff 01 00 00000000")));
        h.add(concat(head, hex("0a 08 7fffffff 01 00 00000000")));
        h.add(concat(head, hex("0a 08 00000001 ff 00 00000000")));
        return h;
    }

    @Test
    void everyInputDecodesToARoundTrippingMessageOrIsRefused() {
        List<byte[]> valid = new ArrayList<>();
        for (ControlMessage m : ControlCodecFuzzTest.samples()) {
            valid.add(ControlPdu.encode(m));
        }
        Fuzz.Stats s = Fuzz.run("control PDU", SEED, Fuzz.INPUTS, valid, hostile(),
                (byte[] b) -> {
                    try {
                        return ControlPdu.decode(b);
                    } catch (WireFormatException e) {
                        assertTrue(e.getMessage().startsWith("control PDU: "), e.getMessage());
                        throw e;
                    }
                },
                WireFormatException.class,
                (input, m) -> assertEquals(m, ControlPdu.decode(ControlPdu.encode(m))));
        assertTrue(s.accepted() > 100 && s.rejected() > 1000, s.line());
    }

    @Test
    void aPayloadClaimingGigabytesIsRefusedBeforeAllocation() {
        byte[] lossesMeta = ControlPdu.encode(new ControlMessage.Losses(0, 0, new float[0]));
        byte[] huge = concat(java.util.Arrays.copyOf(lossesMeta, lossesMeta.length - 8),
                hex("0a 08 7fffffff 01 00 00000000"));
        WireFormatException e = Fuzz.refusedWithoutAllocating(WireFormatException.class, () -> ControlPdu.decode(huge));
        assertTrue(e.getMessage().contains("f32vector declares 2147483647 elements (8589934588 bytes) but only 4 bytes"),
                e.getMessage());
    }
}
