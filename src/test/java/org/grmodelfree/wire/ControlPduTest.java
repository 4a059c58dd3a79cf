package org.grmodelfree.wire;

import static org.grmodelfree.wire.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.grmodelfree.wire.ControlMessage.Hello;
import org.grmodelfree.wire.ControlMessage.Losses;
import org.grmodelfree.wire.ControlMessage.Lost;
import org.grmodelfree.wire.ControlMessage.Phase;
import org.grmodelfree.wire.ControlMessage.Sent;
import org.grmodelfree.wire.ControlMessage.Stop;
import org.grmodelfree.wire.Pmt.PmtC32Vector;
import org.grmodelfree.wire.Pmt.PmtDict;
import org.grmodelfree.wire.Pmt.PmtDouble;
import org.grmodelfree.wire.Pmt.PmtF32Vector;
import org.grmodelfree.wire.Pmt.PmtF64Vector;
import org.grmodelfree.wire.Pmt.PmtInt;
import org.grmodelfree.wire.Pmt.PmtPair;
import org.grmodelfree.wire.Pmt.PmtU8Vector;
import org.grmodelfree.wire.Pmt.PmtUint64;
import org.grmodelfree.wire.Pmt.PmtUniformVector;
import org.junit.jupiter.api.Test;

/** Control messages as native GNU Radio PDUs: the layout, every type both ways, and malformed PDUs. */
class ControlPduTest {

    /** One message of every type, with and without the optional parts. */
    static List<ControlMessage> examples() {
        return List.of(
                new Hello("receiver", 1),
                new Phase(3, Phase.TRANSMITTER, 64, 7),
                new Losses(7, 3, new float[] {0.5f, 1.25f}),
                new Losses(0, 0, new float[0]),
                new Sent(7, 3, new float[] {1f, 2f, -0f, -0.5f}),
                new Sent(8, 3, new float[] {0.25f, -1f}, 0.05),
                new Lost(9, 4, "frame 2 of 3 missing"),
                new Lost(9, 4, ""),
                new Stop("done µ"));
    }

    private static PmtDict meta(Object... keyValues) {
        Map<Pmt, Pmt> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            Object v = keyValues[i + 1];
            m.put(Pmt.symbol((String) keyValues[i]), v instanceof String s ? Pmt.symbol(s) : (Pmt) v);
        }
        return new PmtDict(m);
    }

    private static byte[] pdu(PmtDict meta, PmtUniformVector data) {
        return PmtCodec.serialize(Pmt.pdu(meta, data));
    }

    private static PmtDict lossesMeta(Pmt batch) {
        return meta("type", "losses", "version", new PmtInt(1), "batch_id", batch, "iteration", new PmtUint64(3));
    }

    private static String rejection(byte[] frame) {
        return assertThrows(WireFormatException.class, () -> ControlPdu.decode(frame)).getMessage();
    }

    @Test
    void lossesAreAPduOfMetadataAndF32Vector() {
        byte[] bytes = ControlPdu.encode(new Losses(7, 3, new float[] {0.5f, 1.25f}));
        // As GNU Radio 3.10's pmt.serialize_str writes it (ControlPduGnuRadioTest compares with GNU Radio itself).
        assertArrayEquals(hex("07"
                + "09 07 020004 74797065 020006 6c6f73736573"
                + "09 07 020007 76657273696f6e 03 00000001"
                + "09 07 020008 62617463685f6964 0b 0000000000000007"
                + "09 07 020009 697465726174696f6e 0b 0000000000000003"
                + "06"
                + "0a 08 00000002 0100 3f000000 3fa00000"), bytes);
        Pmt pmt = PmtCodec.deserialize(bytes);
        assertEquals(new PmtF32Vector(new float[] {0.5f, 1.25f}), Pmt.pduData(pmt));
        assertEquals(new PmtUint64(7), Pmt.dictRef(Pmt.pduMetadata(pmt), "batch_id", null));
    }

    @Test
    void eachTypeHasItsPayloadAndMetadata() {
        Pmt sent = PmtCodec.deserialize(ControlPdu.encode(new Sent(8, 3, new float[] {0.25f, -1f}, 0.05)));
        assertEquals(new PmtC32Vector(new float[] {0.25f, -1f}), Pmt.pduData(sent));
        assertEquals(new PmtDouble(0.05), Pmt.dictRef(Pmt.pduMetadata(sent), "sigma2", null));
        Pmt noSigma = PmtCodec.deserialize(ControlPdu.encode(new Sent(8, 3, new float[] {0.25f, -1f})));
        assertEquals(null, Pmt.dictRef(Pmt.pduMetadata(noSigma), "sigma2", null));
        Pmt stop = PmtCodec.deserialize(ControlPdu.encode(new Stop("bye")));
        assertEquals(new PmtU8Vector(new byte[0]), Pmt.pduData(stop));
        assertEquals(meta("type", "stop", "version", new PmtInt(1), "reason", "bye"), Pmt.pduMetadata(stop));
        Pmt phase = PmtCodec.deserialize(ControlPdu.encode(new Phase(3, Phase.RECEIVER, 64, 7)));
        assertEquals(meta("type", "phase", "version", new PmtInt(1), "batch_id", new PmtUint64(7),
                "iteration", new PmtUint64(3), "phase", "receiver", "size", new PmtInt(64)), Pmt.pduMetadata(phase));
    }

    @Test
    void everyTypeRoundTrips() {
        for (ControlMessage m : examples()) {
            assertEquals(m, ControlPdu.decode(ControlPdu.encode(m)), m.toString());
        }
        // from an offset inside a larger buffer
        byte[] one = ControlPdu.encode(new Losses(1, 2, new float[] {3f}));
        byte[] padded = new byte[one.length + 5];
        System.arraycopy(one, 0, padded, 3, one.length);
        assertEquals(new Losses(1, 2, new float[] {3f}), ControlPdu.decode(padded, 3, one.length));
    }

    @Test
    void decodingToleratesWhatGnuRadioBlocksMayDo() {
        // keys in another order, int32/int64 instead of uint64, an extra key added by a flowgraph
        PmtDict reordered = meta("note", "from a pdu_set block", "iteration", new PmtInt(3), "batch_id",
                new PmtInt(1L << 40), "version", new PmtInt(1), "type", "losses");
        assertEquals(new Losses(1L << 40, 3, new float[] {2f}),
                ControlPdu.decode(pdu(reordered, new PmtF32Vector(new float[] {2f}))));
    }

    @Test
    void longReasonsAreCutToWhatGnuRadioReads() {
        String reason = "é".repeat(600); // 1200 UTF-8 bytes
        Stop back = (Stop) ControlPdu.decode(ControlPdu.encode(new Stop(reason)));
        assertEquals("é".repeat(512), back.reason());
    }

    @Test
    void malformedPdusAreRejectedNamingTheProblem() {
        PmtF32Vector two = new PmtF32Vector(new float[] {0.5f, 1.25f});
        byte[] good = pdu(lossesMeta(new PmtUint64(7)), two);
        assertEquals(new Losses(7, 3, new float[] {0.5f, 1.25f}), ControlPdu.decode(good));

        assertEquals("control PDU: empty frame", rejection(new byte[0]));
        assertEquals("control PDU: expected a PDU, the pair (metadata dict . uniform vector), found a symbol at byte 0",
                rejection(PmtCodec.serialize(Pmt.symbol("losses"))));
        assertTrue(rejection(PmtCodec.serialize(new PmtPair(new PmtInt(1), two)))
                .startsWith("control PDU: PDU metadata is a integer, expected a dict"));
        assertEquals("control PDU: metadata has no 'type'", rejection(pdu(meta("version", new PmtInt(1)), two)));
        assertEquals("control PDU: metadata 'type' is a integer, expected a symbol",
                rejection(pdu(meta("type", new PmtInt(4)), two)));
        assertEquals("control PDU: unsupported version 2, this build speaks version 1",
                rejection(pdu(meta("type", "losses", "version", new PmtInt(2)), two)));
        assertEquals("control PDU: unknown message type 'gains'",
                rejection(pdu(meta("type", "gains", "version", new PmtInt(1)), two)));
        assertEquals("control PDU: metadata has no 'batch_id' (needed by a 'losses' PDU)",
                rejection(pdu(meta("type", "losses", "version", new PmtInt(1), "iteration", new PmtInt(3)), two)));
        assertEquals("control PDU: metadata 'batch_id' is a double, expected an integer",
                rejection(pdu(lossesMeta(new PmtDouble(7)), two)));
        assertEquals("control PDU: metadata 'batch_id' is 18446744073709551615, beyond the signed 64-bit range",
                rejection(pdu(lossesMeta(new PmtUint64(-1)), two)));
        assertEquals("control PDU: invalid 'losses' message: batch -7 is negative",
                rejection(pdu(lossesMeta(new PmtInt(-7)), two)));
        // the wrong uniform vector, or the old msgpack-in-u8vector payload
        assertTrue(rejection(pdu(lossesMeta(new PmtUint64(7)), new PmtF64Vector(new double[] {0.5})))
                .startsWith("control PDU: 'losses' payload is a f64vector, expected a f32vector at byte "));
        assertTrue(rejection(pdu(lossesMeta(new PmtUint64(7)), new PmtU8Vector(ControlCodec.encode(
                new Losses(7, 3, new float[] {0.5f}))))).startsWith(
                        "control PDU: 'losses' payload is a u8vector, expected a f32vector"));
        assertTrue(rejection(PmtCodec.serialize(new PmtPair(lossesMeta(new PmtUint64(7)), new PmtInt(2))))
                .startsWith("control PDU: 'losses' payload is a int32, expected a f32vector"));
        assertEquals("control PDU: invalid 'losses' message: losses[1] is NaN",
                rejection(pdu(lossesMeta(new PmtUint64(7)), new PmtF32Vector(new float[] {0.5f, Float.NaN}))));
        // lengths: a vector that declares more than the frame holds, and bytes after the PDU
        byte[] cut = Arrays.copyOf(good, good.length - 1);
        assertTrue(rejection(cut).contains("f32vector declares 2 elements (8 bytes) but only 7 bytes follow"),
                rejection(cut));
        byte[] longer = Arrays.copyOf(good, good.length + 2);
        assertEquals("control PDU: 2 trailing bytes after the PDU at byte " + good.length, rejection(longer));

        PmtDict sentMeta = meta("type", "sent", "version", new PmtInt(1), "batch_id", new PmtInt(1),
                "iteration", new PmtInt(0), "sigma2", new PmtDouble(Double.NaN));
        assertEquals("control PDU: sigma2 is NaN; a 'sent' PDU leaves the key out when not given",
                rejection(pdu(sentMeta, new PmtC32Vector(new float[] {1, 2}))));
        assertTrue(rejection(pdu(meta("type", "sent", "version", new PmtInt(1), "batch_id", new PmtInt(1),
                "iteration", new PmtInt(0)), two)).startsWith("control PDU: 'sent' payload is a f32vector, expected a c32vector"));
        assertEquals("control PDU: invalid 'sent' message: sigma2 must lie in (0, 1) or be NaN (not given), got 2.0",
                rejection(pdu(meta("type", "sent", "version", new PmtInt(1), "batch_id", new PmtInt(1),
                        "iteration", new PmtInt(0), "sigma2", new PmtDouble(2)), new PmtC32Vector(new float[] {1, 2}))));
        assertTrue(rejection(pdu(meta("type", "stop", "version", new PmtInt(1), "reason", "x"),
                new PmtU8Vector(new byte[] {1}))).startsWith(
                        "control PDU: a 'stop' PDU carries no data, but its u8vector holds 1 bytes"));
        assertEquals("control PDU: metadata 'size' value 4294967296 does not fit in a 32-bit int",
                rejection(pdu(meta("type", "phase", "version", new PmtInt(1), "batch_id", new PmtInt(1),
                        "iteration", new PmtInt(0), "phase", "receiver", "size", new PmtInt(1L << 32)),
                        new PmtU8Vector(new byte[0]))));
    }

    @Test
    void garbageDecodesOrThrowsWireFormatExceptionOnly() {
        Random rand = new Random(15);
        List<byte[]> valid = examples().stream().map(ControlPdu::encode).toList();
        int rejected = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = i % 2 == 0 ? TestBytes.garbage(rand, 60)
                    : TestBytes.mutate(rand, valid.get(rand.nextInt(valid.size())));
            try {
                ControlPdu.decode(bytes);
            } catch (WireFormatException e) {
                rejected++;
                assertTrue(e.getMessage().startsWith("control PDU: "), e.getMessage());
            }
        }
        assertTrue(rejected > 10_000, rejected + " of 20000 rejected");
    }

    @Test
    void encodingRejectsLossesMadeNonFiniteAfterConstruction() {
        float[] v = {1f};
        Losses l = new Losses(1, 1, v);
        v[0] = Float.POSITIVE_INFINITY;
        assertEquals("losses[0] is Infinity",
                assertThrows(IllegalArgumentException.class, () -> ControlPdu.encode(l)).getMessage());
    }

    @Test
    void decodingLossesAllocatesLittleBeyondTheFloats() {
        float[] losses = new float[4096];
        Arrays.fill(losses, 0.25f);
        byte[] frame = ControlPdu.encode(new Losses(5, 6, losses));
        // the float[] itself (16 KiB) plus the metadata dict (about 2.5 KB): no intermediate vector or byte copy,
        // which would double the first term
        long least = TestBytes.leastAllocatedBytes(() -> ControlPdu.decode(frame), 4L * losses.length + 4096);
        assertTrue(least < 4L * losses.length + 4096, least + " bytes allocated for " + losses.length + " losses");
    }
}
