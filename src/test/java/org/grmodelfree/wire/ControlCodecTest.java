package org.grmodelfree.wire;

import static org.grmodelfree.wire.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
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
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;

class ControlCodecTest {

    private final Random rand = new Random(345);

    private static List<ControlMessage> samples() {
        return List.of(
                new Hello("receiver", 1),
                new Hello("tx-µ", Integer.MAX_VALUE),
                new Phase(0, Phase.RECEIVER, 1000, 0),
                new Phase(Long.MAX_VALUE, Phase.TRANSMITTER, 1, 1L << 40),
                new Losses(3, 7, new float[] {0.5f, 1.25f, 0f, -0.0f, Float.MAX_VALUE}),
                new Losses(0, 0, new float[0]),
                new Sent(300, 9, new float[] {1.0f, -2.0f, Float.MIN_VALUE, -Float.MAX_VALUE}),
                new Sent(0, 0, new float[0]),
                new Lost(5, 1L << 32, "crc"),
                new Lost(Long.MAX_VALUE, 0, ""),
                new Stop("done"),
                new Stop(""));
    }

    /** Packs a map by hand so tests can build messages the encoder would never produce. */
    private static byte[] map(Map<String, Object> entries) {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(entries.size());
            for (Map.Entry<String, Object> e : entries.entrySet()) {
                p.packString(e.getKey());
                Object v = e.getValue();
                if (v instanceof String s) {
                    p.packString(s);
                } else if (v instanceof Integer || v instanceof Long) {
                    p.packLong(((Number) v).longValue());
                } else if (v instanceof Double d) {
                    p.packDouble(d);
                } else if (v instanceof byte[] b) {
                    p.packBinaryHeader(b.length).writePayload(b);
                } else if (v instanceof List<?> list) {
                    p.packArrayHeader(list.size());
                    for (Object o : list) {
                        p.packLong(((Number) o).longValue());
                    }
                } else {
                    p.packNil();
                }
            }
            return p.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, Object> lossesMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "losses");
        m.put("version", 1);
        m.put("batch", 3);
        m.put("iteration", 7);
        m.put("count", 2);
        m.put("losses", hex("0000803f 00002040")); // 1.0f, 2.5f little-endian
        return m;
    }

    private static Map<String, Object> sentMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "sent");
        m.put("version", 1);
        m.put("batch", 300);
        m.put("iteration", 9);
        m.put("count", 2);
        m.put("samples", hex("0000803f 000000c0")); // 1.0f, -2.0f little-endian
        return m;
    }

    private static Map<String, Object> lostMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "lost");
        m.put("version", 1);
        m.put("batch", 5);
        m.put("iteration", 9);
        m.put("reason", "crc");
        return m;
    }

    /** The "sent" message for batch 300, iteration 9, samples 1.0 - 2.0i, by hand. */
    private static final String SENT_BYTES = "86" // fixmap 6
            + " a4 74797065 a4 73656e74" // "type" "sent"
            + " a7 76657273696f6e 01" // "version" 1
            + " a5 6261746368 cd 012c" // "batch" uint16 300
            + " a9 697465726174696f6e 09" // "iteration" 9
            + " a5 636f756e74 02" // "count" 2 (floats)
            + " a7 73616d706c6573 c4 08 0000803f 000000c0"; // "samples" bin8 of 8 bytes

    private static void assertRejected(String expectedMessage, byte[] bytes) {
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> ControlCodec.decode(bytes));
        assertEquals("control message: " + expectedMessage, e.getMessage());
    }

    @Test
    void everyMessageRoundTrips() {
        for (ControlMessage m : samples()) {
            byte[] bytes = ControlCodec.encode(m);
            assertEquals(m, ControlCodec.decode(bytes));
            byte[] framed = new byte[bytes.length + 4];
            System.arraycopy(bytes, 0, framed, 2, bytes.length);
            assertEquals(m, ControlCodec.decode(framed, 2, bytes.length));
        }
    }

    @Test
    void stopHasKnownBytes() {
        // fixmap 3: "type" "stop", "version" 1, "reason" "x"
        assertArrayEquals(hex("83 a4 74797065 a4 73746f70 a7 76657273696f6e 01"
                + " a6 726561736f6e a1 78"), ControlCodec.encode(new Stop("x")));
    }

    @Test
    void sentHasKnownBytes() {
        Sent sent = new Sent(300, 9, new float[] {1.0f, -2.0f});
        assertArrayEquals(hex(SENT_BYTES), ControlCodec.encode(sent));
        assertEquals(sent, ControlCodec.decode(hex(SENT_BYTES)));
        assertEquals(sent, ControlCodec.decode(map(sentMap())));
        // empty: count 0 and a bin8 of 0 bytes
        assertArrayEquals(hex("86 a4 74797065 a4 73656e74 a7 76657273696f6e 01"
                + " a5 6261746368 00 a9 697465726174696f6e 00 a5 636f756e74 00"
                + " a7 73616d706c6573 c4 00"), ControlCodec.encode(new Sent(0, 0, new float[0])));
    }

    @Test
    void sentWithItsExplorationVarianceHasKnownBytes() {
        Sent sent = new Sent(300, 9, new float[] {1.0f, -2.0f}, 0.04);
        // the bytes without sigma2, one more key in the map header, then "sigma2" float64 0.04
        byte[] expected = hex("87" + SENT_BYTES.substring(2) + " a6 7369676d6132 cb 3fa47ae147ae147b");
        assertArrayEquals(expected, ControlCodec.encode(sent));
        assertEquals(sent, ControlCodec.decode(expected));
        assertEquals(0.04, ((Sent) ControlCodec.decode(expected)).sigma2());
        assertFalse(((Sent) ControlCodec.decode(hex(SENT_BYTES))).hasSigma2(), "absent: NaN, not given");
        Map<String, Object> m = sentMap();
        m.put("sigma2", 1);
        assertRejected("key 'sigma2' is an integer, expected a float", map(m));
        m.put("sigma2", 1.5);
        assertRejected("invalid 'sent' message: sigma2 must lie in (0, 1) or be NaN (not given), got 1.5", map(m));
        for (double bad : new double[] {0, 1, -0.1, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> new Sent(0, 0, new float[0], bad), "sigma2 " + bad);
        }
        assertFalse(sent.equals(new Sent(300, 9, new float[] {1.0f, -2.0f}, 0.05)));
        assertFalse(sent.equals(new Sent(300, 9, new float[] {1.0f, -2.0f})));
        assertEquals("Sent[batchId=300, iteration=9, samples=2 values, sigma2=0.04]", sent.toString());
    }

    @Test
    void lostHasKnownBytes() {
        // fixmap 5: "type" "lost", "version" 1, "batch" 5, "iteration" uint64 2^32,
        // "reason" "crc"
        byte[] expected = hex("85 a4 74797065 a4 6c6f7374 a7 76657273696f6e 01"
                + " a5 6261746368 05 a9 697465726174696f6e cf 0000000100000000"
                + " a6 726561736f6e a3 637263");
        Lost lost = new Lost(5, 1L << 32, "crc");
        assertArrayEquals(expected, ControlCodec.encode(lost));
        assertEquals(lost, ControlCodec.decode(expected));
        assertEquals(new Lost(5, 9, "crc"), ControlCodec.decode(map(lostMap())));
    }

    @Test
    void sentAndLostCheckTheirArguments() {
        IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
                () -> new Sent(0, 0, new float[3]));
        assertEquals("samples hold interleaved complex values: odd length 3", odd.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> new Sent(0, 0, new float[] {0f, 1f, 2f, Float.NaN}));
        assertEquals("samples[3] is NaN", nan.getMessage());
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> new Sent(-1, 0, new float[2]));
        assertEquals("batch -1 is negative", batch.getMessage());
        IllegalArgumentException iteration = assertThrows(IllegalArgumentException.class,
                () -> new Lost(0, -2, "x"));
        assertEquals("iteration -2 is negative", iteration.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Lost(-1, 0, "x"));
        assertThrows(IllegalArgumentException.class, () -> new Sent(0, -1, new float[0]));
        assertThrows(NullPointerException.class, () -> new Sent(0, 0, null));
        assertThrows(NullPointerException.class, () -> new Lost(0, 0, null));

        Sent a = new Sent(1, 2, new float[] {1f, 2f});
        Sent b = new Sent(1, 2, new float[] {1f, 2f});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertFalse(a.equals(new Sent(1, 2, new float[] {1f, 3f})));
        assertFalse(a.equals(new Sent(1, 3, new float[] {1f, 2f})));
        assertEquals("Sent[batchId=1, iteration=2, samples=2 values]",
                new Sent(1, 2, new float[] {123.5f, 678.25f}).toString());
    }

    @Test
    void rejectsBadSentMessages() {
        Map<String, Object> m = sentMap();
        m.remove("samples");
        assertRejected("missing key 'samples' in a 'sent' message", map(m));

        m = sentMap();
        m.remove("count");
        assertRejected("missing key 'count' in a 'sent' message", map(m));

        m = sentMap();
        m.put("reason", "x");
        assertRejected("unexpected key 'reason' in a 'sent' message", map(m));

        m = sentMap();
        m.put("losses", hex("0000803f"));
        assertRejected("unexpected key 'losses' in a 'sent' message", map(m));

        m = sentMap();
        m.put("samples", "0000803f000000c0");
        assertRejected("key 'samples' is a string, expected a binary blob", map(m));

        m = sentMap();
        m.put("count", 2.0);
        assertRejected("key 'count' is a float, expected an integer", map(m));

        m = sentMap();
        m.put("count", 4);
        assertRejected("count is 4 but the samples blob holds 2 values", map(m));

        m = sentMap();
        m.put("samples", hex("0000803f 000000c0 00"));
        assertRejected("samples blob of 9 bytes is not a multiple of 4", map(m));

        m = sentMap();
        m.put("count", 3);
        m.put("samples", hex("0000803f 000000c0 00000000"));
        assertRejected("invalid 'sent' message: samples hold interleaved complex values:"
                + " odd length 3", map(m));

        m = sentMap();
        m.put("samples", hex("0000803f 0000807f")); // 1.0f, +Infinity
        assertRejected("invalid 'sent' message: samples[1] is Infinity", map(m));

        m = sentMap();
        m.put("iteration", -1);
        assertRejected("invalid 'sent' message: iteration -1 is negative", map(m));

        // cut inside the samples blob: 4 of its 8 bytes are there
        assertRejected("truncated at byte 61, needed 4 more",
                java.util.Arrays.copyOf(hex(SENT_BYTES), 61));
    }

    @Test
    void rejectsBadLostMessages() {
        Map<String, Object> m = lostMap();
        m.remove("reason");
        assertRejected("missing key 'reason' in a 'lost' message", map(m));

        m = lostMap();
        m.remove("iteration");
        assertRejected("missing key 'iteration' in a 'lost' message", map(m));

        m = lostMap();
        m.put("count", 0);
        assertRejected("unexpected key 'count' in a 'lost' message", map(m));

        m = lostMap();
        m.put("reason", null);
        assertRejected("key 'reason' is nil, expected a string", map(m));

        m = lostMap();
        m.put("batch", "5");
        assertRejected("key 'batch' is a string, expected an integer", map(m));

        m = lostMap();
        m.put("batch", -5);
        assertRejected("invalid 'lost' message: batch -5 is negative", map(m));

        m = lostMap();
        m.put("version", 0);
        assertRejected("unsupported version 0, this build speaks version 1", map(m));
    }

    @Test
    void lossesAreALittleEndianFloat32BlobWithCountBatchAndIteration() throws IOException {
        byte[] bytes = ControlCodec.encode(new Losses(3, 7, new float[] {1.0f, 2.5f}));
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(bytes)) {
            Map<Value, Value> m = u.unpackValue().asMapValue().map();
            Map<String, Value> byKey = new LinkedHashMap<>();
            m.forEach((k, v) -> byKey.put(k.asStringValue().asString(), v));
            assertEquals(List.of("type", "version", "batch", "iteration", "count", "losses"),
                    new ArrayList<>(byKey.keySet()));
            assertEquals("losses", byKey.get("type").asStringValue().asString());
            assertEquals(1, byKey.get("version").asIntegerValue().asInt());
            assertEquals(3, byKey.get("batch").asIntegerValue().asLong());
            assertEquals(7, byKey.get("iteration").asIntegerValue().asLong());
            assertEquals(2, byKey.get("count").asIntegerValue().asInt());
            assertArrayEquals(hex("0000803f 00002040"),
                    byKey.get("losses").asBinaryValue().asByteArray());
        }
        assertEquals(new Losses(3, 7, new float[] {1.0f, 2.5f}),
                ControlCodec.decode(map(lossesMap())));
    }

    @Test
    void rejectsStructuralProblems() {
        assertRejected("empty message", new byte[0]);
        assertRejected("expected a map, found an array", hex("92 01 02"));
        assertRejected("expected a map, found an integer", hex("05"));
        assertRejected("map key #0 is an integer, expected a string", hex("81 01 02"));
        assertRejected("map declares 15 entries but only 2 bytes follow", hex("8f a1 78"));
        byte[] stop = ControlCodec.encode(new Stop("x"));
        byte[] trailing = java.util.Arrays.copyOf(stop, stop.length + 2);
        assertRejected("2 trailing bytes after the map", trailing);

        Map<String, Object> m = lossesMap();
        m.put("extra", 1);
        assertRejected("unexpected key 'extra' in a 'losses' message", map(m));
        byte[] dup = hex("82 a4 74797065 a4 73746f70 a4 74797065 a4 73746f70");
        assertRejected("duplicate key 'type'", dup);
    }

    @Test
    void rejectsMissingKeysWrongTypesVersionsAndUnknownTypes() {
        Map<String, Object> m = lossesMap();
        m.remove("batch");
        assertRejected("missing key 'batch' in a 'losses' message", map(m));

        m = lossesMap();
        m.put("batch", "3");
        assertRejected("key 'batch' is a string, expected an integer", map(m));

        m = lossesMap();
        m.put("losses", List.of(1, 2));
        assertRejected("key 'losses' is an array, expected a binary blob", map(m));

        m = lossesMap();
        m.remove("type");
        assertRejected("missing key 'type'", map(m));

        m = lossesMap();
        m.put("type", "gradient");
        assertRejected("unknown message type 'gradient'", map(m));

        m = lossesMap();
        m.put("version", 2);
        assertRejected("unsupported version 2, this build speaks version 1", map(m));

        m = lossesMap();
        m.put("version", 1.0);
        assertRejected("key 'version' is a float, expected an integer", map(m));
    }

    @Test
    void rejectsBadLossesAndBadValues() {
        Map<String, Object> m = lossesMap();
        m.put("losses", hex("0000803f 0000c07f")); // 1.0f, NaN
        assertRejected("invalid 'losses' message: losses[1] is NaN", map(m));

        m.put("losses", hex("0000803f 000080ff")); // 1.0f, -Infinity
        assertRejected("invalid 'losses' message: losses[1] is -Infinity", map(m));

        m = lossesMap();
        m.put("count", 3);
        assertRejected("count is 3 but the losses blob holds 2 values", map(m));

        m = lossesMap();
        m.put("losses", hex("0000803f 0000"));
        assertRejected("losses blob of 6 bytes is not a multiple of 4", map(m));

        m = lossesMap();
        m.put("batch", -1);
        assertRejected("invalid 'losses' message: batch -1 is negative", map(m));

        Map<String, Object> phase = new LinkedHashMap<>();
        phase.put("type", "phase");
        phase.put("version", 1);
        phase.put("batch", 0);
        phase.put("iteration", 0);
        phase.put("phase", "sideways");
        phase.put("size", 10);
        assertRejected("invalid 'phase' message: phase 'sideways' is neither 'receiver' nor"
                + " 'transmitter'", map(phase));
        phase.put("phase", "receiver");
        phase.put("size", 1L << 32);
        assertRejected("key 'size' value 4294967296 does not fit in a 32-bit int", map(phase));

        // uint64 beyond Long.MAX_VALUE
        byte[] big = hex("83 a4 74797065 a4 73746f70 a7 76657273696f6e cf ffffffffffffffff"
                + " a6 726561736f6e a1 78");
        assertRejected("key 'version' holds an integer beyond the signed 64-bit range", big);
        // a string that is not UTF-8
        assertRejected("string at byte 1 is not valid UTF-8", hex("81 a2 c328 01"));
    }

    @Test
    void encodeRefusesLossesMadeNonFiniteAfterConstruction() {
        float[] losses = {1f, 2f};
        Losses message = new Losses(0, 0, losses);
        losses[1] = Float.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ControlCodec.encode(message));
        assertEquals("losses[1] is NaN", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Losses(0, 0, new float[] {Float.POSITIVE_INFINITY}));

        float[] samples = {1f, 2f};
        Sent sent = new Sent(0, 0, samples);
        samples[0] = Float.NEGATIVE_INFINITY;
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
                () -> ControlCodec.encode(sent));
        assertEquals("samples[0] is -Infinity", s.getMessage());
    }

    @Test
    void everyCutPointIsRejected() {
        for (ControlMessage m : samples()) {
            byte[] bytes = ControlCodec.encode(m);
            for (int cut = 0; cut < bytes.length; cut++) {
                int len = cut;
                WireFormatException e = assertThrows(WireFormatException.class,
                        () -> ControlCodec.decode(bytes, 0, len), () -> m + " cut at " + len);
                assertTrue(e.getMessage().startsWith("control message: "), e.getMessage());
            }
        }
        byte[] stop = ControlCodec.encode(new Stop("done"));
        assertRejected("truncated at byte 25, needed 2 more", // inside the "reason" key
                java.util.Arrays.copyOf(stop, 25));
    }

    @Test
    void garbageDecodesOrThrowsWireFormatExceptionOnly() {
        List<byte[]> valid = new ArrayList<>();
        for (ControlMessage m : samples()) {
            valid.add(ControlCodec.encode(m));
        }
        for (int i = 0; i < 40_000; i++) {
            byte[] bytes = i % 2 == 0 ? TestBytes.garbage(rand, 40)
                    : TestBytes.mutate(rand, valid.get(rand.nextInt(valid.size())));
            if (i % 4 == 1 && bytes.length > 0) {
                bytes[0] = (byte) (0x80 | rand.nextInt(16)); // a fixmap header
            }
            try {
                ControlCodec.decode(bytes);
            } catch (WireFormatException expected) {
                assertTrue(expected.getMessage().startsWith("control message: "),
                        expected.getMessage());
            }
        }
    }
}
