package org.grmodelfree.wire;

import static org.grmodelfree.wire.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.grmodelfree.wire.ControlMessage.Phase;
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
