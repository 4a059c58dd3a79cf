package org.grmodelfree.wire;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.grmodelfree.wire.ControlMessage.Hello;
import org.grmodelfree.wire.ControlMessage.Losses;
import org.grmodelfree.wire.ControlMessage.Lost;
import org.grmodelfree.wire.ControlMessage.Phase;
import org.grmodelfree.wire.ControlMessage.Sent;
import org.grmodelfree.wire.ControlMessage.Stop;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageInsufficientBufferException;
import org.msgpack.core.MessageIntegerOverflowException;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * msgpack encoding of {@link ControlMessage}s, format version {@value #VERSION}
 * (docs/design.md, "Wire formats"). Every message is one msgpack map with string keys:
 * <pre>
 * every message  "type" str, "version" int (= 1)
 * "hello"        "block" str, "protocol" int
 * "phase"        "batch" int, "iteration" int, "phase" str ("receiver" | "transmitter"),
 *                "size" int (batch size)
 * "losses"       "batch" int, "iteration" int, "count" int,
 *                "losses" bin: count little-endian float32 values (4 * count bytes)
 * "sent"         "batch" int, "iteration" int, "count" int (floats, even),
 *                "samples" bin: count little-endian float32 values, interleaved re, im,
 *                optionally "sigma2" float64: the exploration variance they were drawn with
 * "lost"         "batch" int, "iteration" int, "reason" str
 * "stop"         "reason" str
 * </pre>
 * Losses and sent samples travel as one binary blob of little-endian float32, the samples'
 * byte order, so both ends copy them straight to and from a {@code float[]}; "count" repeats
 * the number of floats (not complex values) so a short or padded blob is caught. Hello and
 * stop concern no batch, so they carry no "batch" or "iteration" key.
 *
 * <p>Decoding is strict: the top level must be a single map with no trailing bytes, keys must
 * be unique strings, every key the type needs must be present with the right msgpack type, no
 * other key may appear, the version must be {@value #VERSION}, and the values must satisfy the
 * {@link ControlMessage} constructors (non-negative ids, finite losses and samples, an even
 * number of sample floats, ...). An array or map, never a valid value, is skipped without
 * recursion to report its key, and refused at once when it nests deeper than
 * {@value #MAX_NESTING} levels or declares more values than bytes follow. Anything else raises
 * {@link WireFormatException} with a message starting {@code "control message: "}.
 */
public final class ControlCodec {

    /** The format version this build writes and accepts. */
    public static final int VERSION = 1;

    private static final String LABEL = "control message: ";
    private static final String TYPE = "type";
    private static final String VERSION_KEY = "version";
    private static final String BATCH = "batch";
    private static final String ITERATION = "iteration";
    private static final String COUNT = "count";
    /** Optional in a 'sent' message: the exploration variance of its samples (float64). */
    private static final String SIGMA2 = "sigma2";
    /** Deepest nesting of arrays and maps a value may have (none is valid; they are skipped). */
    static final int MAX_NESTING = 32;

    private ControlCodec() {}

    /** A decoded map value: its msgpack type and, for scalars, strings and blobs, its value. */
    private record Field(ValueType type, Object value) {}

    /** @return the "type" value a message is encoded with */
    static String typeName(ControlMessage message) {
        if (message instanceof Hello) {
            return "hello";
        } else if (message instanceof Phase) {
            return "phase";
        } else if (message instanceof Losses) {
            return "losses";
        } else if (message instanceof Sent) {
            return "sent";
        } else if (message instanceof Lost) {
            return "lost";
        }
        return "stop";
    }

    /**
     * @return the msgpack map for {@code message}
     * @throws IllegalArgumentException if a loss or sent sample was made non-finite after
     *     construction
     */
    public static byte[] encode(ControlMessage message) {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            if (message instanceof Hello h) {
                start(p, typeName(message), 2);
                p.packString("block").packString(h.block());
                p.packString("protocol").packInt(h.protocolVersion());
            } else if (message instanceof Phase ph) {
                start(p, typeName(message), 4);
                p.packString(BATCH).packLong(ph.batchId());
                p.packString(ITERATION).packLong(ph.iteration());
                p.packString("phase").packString(ph.phase());
                p.packString("size").packInt(ph.batchSize());
            } else if (message instanceof Losses l) {
                start(p, typeName(message), 4);
                p.packString(BATCH).packLong(l.batchId());
                p.packString(ITERATION).packLong(l.iteration());
                packFloats(p, "losses", l.losses());
            } else if (message instanceof Sent st) {
                start(p, typeName(message), st.hasSigma2() ? 5 : 4);
                p.packString(BATCH).packLong(st.batchId());
                p.packString(ITERATION).packLong(st.iteration());
                packFloats(p, "samples", st.samples());
                if (st.hasSigma2()) {
                    p.packString(SIGMA2).packDouble(st.sigma2());
                }
            } else if (message instanceof Lost lo) {
                start(p, typeName(message), 3);
                p.packString(BATCH).packLong(lo.batchId());
                p.packString(ITERATION).packLong(lo.iteration());
                p.packString("reason").packString(lo.reason());
            } else {
                start(p, typeName(message), 1);
                p.packString("reason").packString(((Stop) message).reason());
            }
            return p.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("msgpack buffer packer failed", e);
        }
    }

    /** As {@link #decode(byte[], int, int)} over the whole array. */
    public static ControlMessage decode(byte[] src) {
        return decode(src, 0, src.length);
    }

    /**
     * Decodes exactly one message from {@code src[off, off+len)}.
     *
     * @param src msgpack bytes. Not modified.
     * @throws WireFormatException naming the problem, for anything but a valid message
     */
    public static ControlMessage decode(byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        if (len == 0) {
            throw fail("empty message");
        }
        Map<String, Field> fields;
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(src, off, len)) {
            fields = readMap(u, len);
        } catch (MessageInsufficientBufferException e) {
            throw new WireFormatException(LABEL + "truncated: " + len
                    + " bytes end inside a value", e);
        } catch (IOException | MessagePackException e) {
            throw new WireFormatException(LABEL + "malformed msgpack: " + e.getMessage(), e);
        }
        return build(fields);
    }

    // ---------------------------------------------------------------- encoding

    private static void start(MessageBufferPacker p, String type, int payloadKeys)
            throws IOException {
        p.packMapHeader(2 + payloadKeys);
        p.packString(TYPE).packString(type);
        p.packString(VERSION_KEY).packInt(VERSION);
    }

    /** Packs "count" and then {@code key} as a blob of little-endian float32 values. */
    private static void packFloats(MessageBufferPacker p, String key, float[] values)
            throws IOException {
        byte[] blob = new byte[4 * values.length];
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException(key + "[" + i + "] is " + values[i]);
            }
            Bytes.LE_FLOAT.set(blob, 4 * i, values[i]);
        }
        p.packString(COUNT).packInt(values.length);
        p.packString(key).packBinaryHeader(blob.length);
        p.writePayload(blob);
    }

    // ---------------------------------------------------------------- decoding: msgpack

    private static Map<String, Field> readMap(MessageUnpacker u, int len) throws IOException {
        ValueType top = u.getNextFormat().getValueType();
        if (top != ValueType.MAP) {
            throw fail("expected a map, found " + name(top));
        }
        int entries = u.unpackMapHeader();
        long left = len - u.getTotalReadBytes();
        if (entries > left / 2) {
            throw fail("map declares " + entries + " entries but only " + left + " bytes follow");
        }
        Map<String, Field> fields = new HashMap<>();
        for (int i = 0; i < entries; i++) {
            ValueType keyType = u.getNextFormat().getValueType();
            if (keyType != ValueType.STRING) {
                throw fail("map key #" + i + " is " + name(keyType) + ", expected a string");
            }
            String key = readString(u, len);
            Field value = readValue(u, len, key);
            if (fields.putIfAbsent(key, value) != null) {
                throw fail("duplicate key '" + key + "'");
            }
        }
        if (u.hasNext()) {
            throw fail((len - u.getTotalReadBytes()) + " trailing bytes after the map");
        }
        return fields;
    }

    private static Field readValue(MessageUnpacker u, int len, String key) throws IOException {
        ValueType type = u.getNextFormat().getValueType();
        switch (type) {
            case NIL:
                u.unpackNil();
                return new Field(type, null);
            case BOOLEAN:
                return new Field(type, u.unpackBoolean());
            case INTEGER:
                try {
                    return new Field(type, u.unpackLong());
                } catch (MessageIntegerOverflowException e) {
                    throw fail("key '" + key + "' holds an integer beyond the signed 64-bit range");
                }
            case FLOAT:
                return new Field(type, u.unpackDouble());
            case STRING:
                return new Field(type, readString(u, len));
            case BINARY: {
                int n = u.unpackBinaryHeader();
                checkPayload(u, len, n);
                return new Field(type, u.readPayload(n));
            }
            case ARRAY:
            case MAP:
                skipContainer(u, len, key); // only their type matters here: no key holds one
                return new Field(type, null);
            default:
                u.skipValue(); // an extension: its payload, no nesting
                return new Field(type, null);
        }
    }

    /**
     * Skips the array or map at the cursor, in a loop rather than by recursion, with the count of
     * values still to skip kept per level as a long: a container may nest at most
     * {@value #MAX_NESTING} levels and may not declare more values than bytes follow (each takes at
     * least one). msgpack's own skipValue counted in an int, so a map of 2^30 entries (2^31 values)
     * wrapped it negative and the skip ended there, reading the map's contents as the next keys.
     */
    private static void skipContainer(MessageUnpacker u, int len, String key) throws IOException {
        long[] left = new long[MAX_NESTING];
        int depth = -1;
        do {
            ValueType type = u.getNextFormat().getValueType();
            if (type == ValueType.ARRAY || type == ValueType.MAP) {
                if (depth + 1 == MAX_NESTING) {
                    throw fail("key '" + key + "' nests deeper than " + MAX_NESTING + " levels");
                }
                long n = type == ValueType.ARRAY ? u.unpackArrayHeader() : u.unpackMapHeader();
                long values = type == ValueType.ARRAY ? n : 2 * n;
                long bytesLeft = len - u.getTotalReadBytes();
                if (values > bytesLeft) {
                    throw fail("key '" + key + "' holds " + (type == ValueType.ARRAY ? "an array of " + n + " items"
                            : "a map of " + n + " entries") + " but only " + bytesLeft + " bytes follow");
                }
                left[++depth] = values;
            } else {
                u.skipValue(); // a scalar, string, binary or extension: no nesting
                left[depth]--;
            }
            while (depth >= 0 && left[depth] == 0) {
                depth--;
                if (depth >= 0) {
                    left[depth]--; // the container just finished was one value of its parent
                }
            }
        } while (depth >= 0);
    }

    private static String readString(MessageUnpacker u, int len) throws IOException {
        long at = u.getTotalReadBytes();
        int n = u.unpackRawStringHeader();
        checkPayload(u, len, n);
        byte[] bytes = u.readPayload(n);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw fail("string at byte " + at + " is not valid UTF-8");
        }
    }

    /** Rejects a declared payload longer than what is left, before anything is allocated. */
    private static void checkPayload(MessageUnpacker u, int len, int n) {
        long left = len - u.getTotalReadBytes();
        if (n > left) {
            throw fail("truncated at byte " + len + ", needed " + (n - left) + " more");
        }
    }

    // ---------------------------------------------------------------- decoding: messages

    private static ControlMessage build(Map<String, Field> f) {
        String type = string(f, TYPE, null);
        long version = integer(f, VERSION_KEY, null);
        if (version != VERSION) {
            throw fail("unsupported version " + version + ", this build speaks version " + VERSION);
        }
        try {
            switch (type) {
                case "hello":
                    onlyKeys(f, type, "block", "protocol");
                    return new Hello(string(f, "block", type), intValue(f, "protocol", type));
                case "phase":
                    onlyKeys(f, type, BATCH, ITERATION, "phase", "size");
                    return new Phase(integer(f, ITERATION, type), string(f, "phase", type),
                            intValue(f, "size", type), integer(f, BATCH, type));
                case "losses":
                    onlyKeys(f, type, BATCH, ITERATION, COUNT, "losses");
                    return new Losses(integer(f, BATCH, type), integer(f, ITERATION, type),
                            floats(f, type, "losses"));
                case "sent":
                    onlyKeys(f, type, BATCH, ITERATION, COUNT, "samples", SIGMA2);
                    return new Sent(integer(f, BATCH, type), integer(f, ITERATION, type),
                            floats(f, type, "samples"),
                            f.containsKey(SIGMA2) ? (Double) get(f, SIGMA2, type, ValueType.FLOAT, "a float") : Double.NaN);
                case "lost":
                    onlyKeys(f, type, BATCH, ITERATION, "reason");
                    return new Lost(integer(f, BATCH, type), integer(f, ITERATION, type),
                            string(f, "reason", type));
                case "stop":
                    onlyKeys(f, type, "reason");
                    return new Stop(string(f, "reason", type));
                default:
                    throw fail("unknown message type '" + type + "'");
            }
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(
                    LABEL + "invalid '" + type + "' message: " + e.getMessage(), e);
        }
    }

    /** Reads "count" and the float32 blob under {@code key}; finiteness is the record's. */
    private static float[] floats(Map<String, Field> f, String type, String key) {
        int count = intValue(f, COUNT, type);
        byte[] blob = (byte[]) get(f, key, type, ValueType.BINARY, "a binary blob");
        if (blob.length % 4 != 0) {
            throw fail(key + " blob of " + blob.length + " bytes is not a multiple of 4");
        }
        if (count != blob.length / 4) {
            throw fail("count is " + count + " but the " + key + " blob holds "
                    + blob.length / 4 + " values");
        }
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) Bytes.LE_FLOAT.get(blob, 4 * i);
        }
        return values;
    }

    private static void onlyKeys(Map<String, Field> f, String type, String... payloadKeys) {
        Set<String> allowed = Set.of(payloadKeys);
        for (String key : f.keySet()) {
            if (!key.equals(TYPE) && !key.equals(VERSION_KEY) && !allowed.contains(key)) {
                throw fail("unexpected key '" + key + "' in a '" + type + "' message");
            }
        }
    }

    private static String string(Map<String, Field> f, String key, String type) {
        return (String) get(f, key, type, ValueType.STRING, "a string");
    }

    private static long integer(Map<String, Field> f, String key, String type) {
        return (Long) get(f, key, type, ValueType.INTEGER, "an integer");
    }

    private static int intValue(Map<String, Field> f, String key, String type) {
        long v = integer(f, key, type);
        if (v != (int) v) {
            throw fail("key '" + key + "' value " + v + " does not fit in a 32-bit int");
        }
        return (int) v;
    }

    private static Object get(Map<String, Field> f, String key, String type,
            ValueType expected, String expectedName) {
        Field field = f.get(key);
        if (field == null) {
            throw fail("missing key '" + key + "'" + (type == null ? "" : " in a '" + type
                    + "' message"));
        }
        if (field.type() != expected) {
            throw fail("key '" + key + "' is " + name(field.type()) + ", expected "
                    + expectedName);
        }
        return field.value();
    }

    private static String name(ValueType type) {
        switch (type) {
            case INTEGER:
                return "an integer";
            case ARRAY:
                return "an array";
            case EXTENSION:
                return "an extension";
            case NIL:
                return "nil";
            default:
                return "a " + type.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static WireFormatException fail(String what) {
        return new WireFormatException(LABEL + what);
    }
}
