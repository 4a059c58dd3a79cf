package org.grmodelfree.wire;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.grmodelfree.wire.ControlMessage.AboutBatch;
import org.grmodelfree.wire.ControlMessage.Hello;
import org.grmodelfree.wire.ControlMessage.Losses;
import org.grmodelfree.wire.ControlMessage.Lost;
import org.grmodelfree.wire.ControlMessage.Phase;
import org.grmodelfree.wire.ControlMessage.Sent;
import org.grmodelfree.wire.ControlMessage.Stop;
import org.grmodelfree.wire.Pmt.PmtDict;
import org.grmodelfree.wire.Pmt.PmtDouble;
import org.grmodelfree.wire.Pmt.PmtInt;
import org.grmodelfree.wire.Pmt.PmtNil;
import org.grmodelfree.wire.Pmt.PmtSymbol;
import org.grmodelfree.wire.Pmt.PmtUint64;

/**
 * {@link ControlMessage}s as native GNU Radio PDUs, format version {@value #VERSION}, so they cross
 * a flowgraph's message ports (gr-zeromq's {@code pull_msg_source} / {@code push_msg_sink}) and
 * any stock block can read them (a Message Debug prints them, a PDU filter routes on the
 * metadata). One serialised PMT per frame, the pair {@code (metadata . payload)}:
 * <pre>
 * metadata, a dict, written in this order:
 *   every message   type symbol (hello | phase | losses | sent | lost | stop), version int32 (= 1)
 *   about a batch   batch_id uint64, iteration uint64        (phase, losses, sent, lost)
 *   hello           block symbol, protocol int32
 *   phase           phase symbol (receiver | transmitter), size int32 (batch size)
 *   sent            sigma2 double, only when the sampler gave its exploration variance
 *   lost, stop      reason symbol (cut to GNU Radio's 1024 UTF-8 bytes)
 * payload, a uniform vector:
 *   losses          f32vector, one loss per example
 *   sent            c32vector, the complex values sent
 *   any other       an empty u8vector (the payload of a PDU that carries no data)
 * </pre>
 * Hello and stop concern no batch, so they carry no batch_id or iteration.
 *
 * <p>Decoding reads the metadata for the message's fields, so the metadata is the message (a
 * flowgraph that edits it edits the message). It accepts the keys in any order, an int32, int64
 * or uint64 for each integer, and ignores keys it does not know (GNU Radio blocks may annotate a
 * PDU). Everything else is strict: the frame must be exactly one PMT pair with no trailing bytes,
 * a dict of symbol keys, every key the type needs present with the right PMT type, the version
 * {@value #VERSION}, the payload the type's uniform vector (an empty u8vector for types without
 * data), integers in range, sigma2 not NaN (leave it out instead), and the values must satisfy the
 * {@link ControlMessage} constructors (non-negative ids, finite losses and samples, ...). Anything
 * else raises {@link WireFormatException} with a message starting {@code "control PDU: "}.
 *
 * <p>Losses and samples go straight between the frame and a {@code float[]}: no intermediate
 * {@link Pmt} vector on either side.
 */
public final class ControlPdu {

    /** The PDU format version this build writes and accepts. */
    public static final int VERSION = 1;

    private static final String LABEL = "control PDU";
    private static final String TYPE = "type";
    private static final String VERSION_KEY = "version";
    private static final String BATCH_ID = "batch_id";
    private static final String ITERATION = "iteration";
    private static final String SIGMA2 = "sigma2";
    private static final String REASON = "reason";
    /** Type byte, u8 uniform type, u32 count, npad 1, one pad byte. */
    private static final int UNIFORM_HEADER = 8;
    private static final float[] NO_DATA = new float[0];

    private ControlPdu() {
    }

    // ---------------------------------------------------------------- encoding

    /**
     * @return the serialised PDU for {@code message}
     * @throws IllegalArgumentException if a loss or sent sample was made non-finite after
     *     construction
     */
    public static byte[] encode(ControlMessage message) {
        PmtDict meta = metadata(message);
        float[] data;
        int uniformType;
        int count;
        if (message instanceof Losses l) {
            data = finite(l.losses(), "losses");
            uniformType = PmtCodec.UV_F32;
            count = data.length;
        } else if (message instanceof Sent s) {
            data = finite(s.samples(), "samples");
            uniformType = PmtCodec.UV_C32;
            count = data.length / 2;
        } else {
            data = NO_DATA;
            uniformType = PmtCodec.UV_U8;
            count = 0;
        }
        long size = 1L + PmtCodec.serializedSize(meta) + UNIFORM_HEADER + 4L * data.length;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(LABEL + ": " + size + " bytes is too large to send");
        }
        byte[] out = new byte[(int) size];
        out[0] = PmtCodec.PAIR;
        int pos = PmtCodec.serialize(meta, out, 1);
        out[pos] = PmtCodec.UNIFORM;
        out[pos + 1] = (byte) uniformType;
        Bytes.BE_INT.set(out, pos + 2, count);
        out[pos + 6] = 1; // npad
        out[pos + 7] = 0; // the pad byte
        pos += UNIFORM_HEADER;
        for (float x : data) {
            Bytes.BE_FLOAT.set(out, pos, x);
            pos += 4;
        }
        return out;
    }

    /** @return the metadata dict of {@code message}, in wire order */
    static PmtDict metadata(ControlMessage message) {
        Map<Pmt, Pmt> m = new LinkedHashMap<>();
        m.put(new PmtSymbol(TYPE), new PmtSymbol(ControlCodec.typeName(message)));
        m.put(new PmtSymbol(VERSION_KEY), new PmtInt(VERSION));
        if (message instanceof AboutBatch b) {
            m.put(new PmtSymbol(BATCH_ID), new PmtUint64(b.batchId()));
            m.put(new PmtSymbol(ITERATION), new PmtUint64(b.iteration()));
        }
        if (message instanceof Hello h) {
            m.put(new PmtSymbol("block"), new PmtSymbol(h.block()));
            m.put(new PmtSymbol("protocol"), new PmtInt(h.protocolVersion()));
        } else if (message instanceof Phase p) {
            m.put(new PmtSymbol("phase"), new PmtSymbol(p.phase()));
            m.put(new PmtSymbol("size"), new PmtInt(p.batchSize()));
        } else if (message instanceof Sent s && s.hasSigma2()) {
            m.put(new PmtSymbol(SIGMA2), new PmtDouble(s.sigma2()));
        } else if (message instanceof Lost lo) {
            m.put(new PmtSymbol(REASON), new PmtSymbol(fitSymbol(lo.reason())));
        } else if (message instanceof Stop st) {
            m.put(new PmtSymbol(REASON), new PmtSymbol(fitSymbol(st.reason())));
        }
        return new PmtDict(m);
    }

    /** {@code text} cut, at a character boundary, to the longest symbol GNU Radio reads. */
    static String fitSymbol(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= PmtCodec.MAX_SYMBOL_BYTES) {
            return text;
        }
        int end = PmtCodec.MAX_SYMBOL_BYTES;
        while ((utf8[end] & 0xc0) == 0x80) {
            end--; // not inside a multi-byte character
        }
        return new String(utf8, 0, end, StandardCharsets.UTF_8);
    }

    private static float[] finite(float[] values, String what) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException(what + "[" + i + "] is " + values[i]);
            }
        }
        return values;
    }

    // ---------------------------------------------------------------- decoding

    /** As {@link #decode(byte[], int, int)} over the whole array. */
    public static ControlMessage decode(byte[] src) {
        return decode(src, 0, src.length);
    }

    /**
     * Decodes exactly one PDU from {@code src[off, off+len)}.
     *
     * @param src serialised PMT bytes. Not modified.
     * @return the message the PDU carries
     * @throws WireFormatException naming the problem, for anything but a valid control PDU
     */
    public static ControlMessage decode(byte[] src, int off, int len) {
        ByteReader r = new ByteReader(LABEL, src, off, len);
        if (len == 0) {
            throw r.fail("empty frame");
        }
        int tag = r.u8();
        if (tag != PmtCodec.PAIR) {
            throw r.fail("expected a PDU, the pair (metadata dict . uniform vector), found a "
                    + PmtCodec.tagName(tag), 0);
        }
        int metaAt = r.position();
        Pmt metaPmt = PmtCodec.read(r, 1);
        Map<Pmt, Pmt> meta;
        if (metaPmt instanceof PmtDict d) {
            meta = d.entries();
        } else if (metaPmt instanceof PmtNil) {
            meta = Map.of();
        } else {
            throw r.fail("PDU metadata is a " + kind(metaPmt) + ", expected a dict", metaAt);
        }
        String type = symbol(meta, TYPE, null);
        long version = integer(meta, VERSION_KEY, null);
        if (version != VERSION) {
            throw fail("unsupported version " + version + ", this build speaks version " + VERSION);
        }
        try {
            switch (type) {
                case "hello":
                    noData(r, type);
                    return new Hello(symbol(meta, "block", type), int32(meta, "protocol", type));
                case "phase":
                    noData(r, type);
                    return new Phase(integer(meta, ITERATION, type), symbol(meta, "phase", type),
                            int32(meta, "size", type), integer(meta, BATCH_ID, type));
                case "losses": {
                    long batch = integer(meta, BATCH_ID, type);
                    long iteration = integer(meta, ITERATION, type);
                    return new Losses(batch, iteration, floats(r, type, PmtCodec.UV_F32));
                }
                case "sent": {
                    long batch = integer(meta, BATCH_ID, type);
                    long iteration = integer(meta, ITERATION, type);
                    double sigma2 = Double.NaN;
                    if (meta.containsKey(new PmtSymbol(SIGMA2))) {
                        sigma2 = ((PmtDouble) get(meta, SIGMA2, type, PmtDouble.class, "a double")).value();
                        if (Double.isNaN(sigma2)) {
                            throw fail("sigma2 is NaN; a 'sent' PDU leaves the key out when not given");
                        }
                    }
                    return new Sent(batch, iteration, floats(r, type, PmtCodec.UV_C32), sigma2);
                }
                case "lost":
                    noData(r, type);
                    return new Lost(integer(meta, BATCH_ID, type), integer(meta, ITERATION, type),
                            symbol(meta, REASON, type));
                case "stop":
                    noData(r, type);
                    return new Stop(symbol(meta, REASON, type));
                default:
                    throw fail("unknown message type '" + type + "'");
            }
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(LABEL + ": invalid '" + type + "' message: " + e.getMessage(), e);
        }
    }

    /**
     * Reads the payload, a uniform vector of {@code uniformType} (f32 or c32), straight into a
     * float[] (interleaved re, im for c32), and checks that nothing follows it.
     */
    private static float[] floats(ByteReader r, String type, int uniformType) {
        int count = uniformHeader(r, type, uniformType);
        int floats = uniformType == PmtCodec.UV_C32 ? 2 * count : count;
        float[] data = new float[floats];
        for (int i = 0; i < floats; i++) {
            data[i] = r.f32beUnchecked();
        }
        end(r);
        return data;
    }

    /** Reads the payload of a message without data: an empty u8vector, and then the end. */
    private static void noData(ByteReader r, String type) {
        int at = r.position();
        int count = uniformHeader(r, type, PmtCodec.UV_U8);
        if (count != 0) {
            throw r.fail("a '" + type + "' PDU carries no data, but its u8vector holds " + count + " bytes", at);
        }
        end(r);
    }

    /**
     * Reads a uniform vector's header, checks its type and that its data is all there.
     *
     * @return the element count (complex values for c32)
     */
    private static int uniformHeader(ByteReader r, String type, int uniformType) {
        int at = r.position();
        String expected = PmtCodec.uniformName(uniformType);
        int tag = r.u8();
        if (tag != PmtCodec.UNIFORM) {
            throw r.fail("'" + type + "' payload is a " + PmtCodec.tagName(tag) + ", expected a " + expected, at);
        }
        int actual = r.u8();
        if (actual != uniformType) {
            throw r.fail("'" + type + "' payload is a " + PmtCodec.uniformName(actual) + ", expected a " + expected,
                    at);
        }
        long count = r.u32be();
        int npad = r.u8();
        r.skip(npad); // GNU Radio skips npad bytes whatever they hold; it writes 01 00
        long bytes = count * (uniformType == PmtCodec.UV_U8 ? 1 : uniformType == PmtCodec.UV_F32 ? 4 : 8);
        if (bytes > r.remaining()) {
            throw r.fail(expected + " declares " + count + " elements (" + bytes + " bytes) but only "
                    + r.remaining() + " bytes follow", at);
        }
        return (int) count;
    }

    private static void end(ByteReader r) {
        if (r.remaining() != 0) {
            throw r.fail(r.remaining() + " trailing bytes after the PDU", r.position());
        }
    }

    private static String symbol(Map<Pmt, Pmt> meta, String key, String type) {
        return ((PmtSymbol) get(meta, key, type, PmtSymbol.class, "a symbol")).name();
    }

    /** A non-negative or negative integer of any PMT integer kind; uint64 beyond the long range is rejected. */
    private static long integer(Map<Pmt, Pmt> meta, String key, String type) {
        Pmt v = get(meta, key, type, null, null);
        if (v instanceof PmtInt i) {
            return i.value();
        }
        if (v instanceof PmtUint64 u) {
            if (u.value() < 0) {
                throw fail("metadata '" + key + "' is " + Long.toUnsignedString(u.value())
                        + ", beyond the signed 64-bit range");
            }
            return u.value();
        }
        throw fail("metadata '" + key + "' is a " + kind(v) + ", expected an integer");
    }

    private static int int32(Map<Pmt, Pmt> meta, String key, String type) {
        long v = integer(meta, key, type);
        if (v != (int) v) {
            throw fail("metadata '" + key + "' value " + v + " does not fit in a 32-bit int");
        }
        return (int) v;
    }

    /** The value under the symbol {@code key}, of {@code expected} class (null: any). */
    private static Pmt get(Map<Pmt, Pmt> meta, String key, String type, Class<? extends Pmt> expected,
            String expectedName) {
        Pmt v = meta.get(new PmtSymbol(key));
        if (v == null) {
            throw fail("metadata has no '" + key + "'" + (type == null ? "" : " (needed by a '" + type + "' PDU)"));
        }
        if (expected != null && !expected.isInstance(v)) {
            throw fail("metadata '" + key + "' is a " + kind(v) + ", expected " + expectedName);
        }
        return v;
    }

    private static String kind(Pmt p) {
        String name = p.getClass().getSimpleName().replaceFirst("^Pmt", "").toLowerCase(java.util.Locale.ROOT);
        return switch (name) {
            case "int" -> "integer";
            case "bool" -> "boolean";
            default -> name;
        };
    }

    private static WireFormatException fail(String what) {
        return new WireFormatException(LABEL + ": " + what);
    }
}
