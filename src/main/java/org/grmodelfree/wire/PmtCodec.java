package org.grmodelfree.wire;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

/**
 * GNU Radio's PMT serialisation ({@code pmt::serialize} / {@code pmt::deserialize} in
 * gnuradio-runtime/lib/pmt/pmt_serialize.cc), which the stock ZeroMQ message blocks put in each
 * frame and gr-zeromq stream headers use for tags.
 *
 * <p>Big-endian throughout, vector contents included. One type byte, then:
 * <pre>
 * 00 #t   01 #f   06 nil (also the empty dict)
 * 02 symbol      u16 length, UTF-8 bytes (GNU Radio reads at most 1024)
 * 03 int32       i32            0d int64  i64 (written only when the value does not fit in int32)
 * 0b uint64      u64            04 double f64      05 complex  f64 re, f64 im
 * 07 pair        car, cdr       (a list's cdr chain is written without nesting: 07 a 07 b 06)
 * 09 dict        per entry "09 07 key value", then 06
 * 08 vector      u32 count, items         0c tuple  u32 count, items
 * 0a uniform     u8 type, u32 count, u8 npad, npad bytes, data
 *                (type 00 u8, 08 f32, 09 f64, 0a c32; written with npad 1, i.e. "01 00")
 * </pre>
 * Other uniform types (s8, u16, s16, u32, s32, u64, s64, c64) are rejected as unsupported.
 *
 * <p>Decoding is strict where GNU Radio is loose: unknown tags, truncation, trailing bytes,
 * symbols that are not UTF-8, dict cells that are not key/value pairs, duplicate dict keys and
 * nesting deeper than {@value #MAX_DEPTH} levels all raise {@link WireFormatException}. It never
 * allocates more than the input can justify, so hostile counts cannot exhaust memory.
 */
public final class PmtCodec {

    /** Deepest nesting of containers {@link #deserialize} accepts. */
    public static final int MAX_DEPTH = 64;
    /** Longest symbol, in UTF-8 bytes, GNU Radio's deserialiser accepts. */
    public static final int MAX_SYMBOL_BYTES = 1024;

    static final int TRUE = 0x00;
    static final int FALSE = 0x01;
    static final int SYMBOL = 0x02;
    static final int INT32 = 0x03;
    static final int DOUBLE = 0x04;
    static final int COMPLEX = 0x05;
    static final int NULL = 0x06;
    static final int PAIR = 0x07;
    static final int VECTOR = 0x08;
    static final int DICT = 0x09;
    static final int UNIFORM = 0x0a;
    static final int UINT64 = 0x0b;
    static final int TUPLE = 0x0c;
    static final int INT64 = 0x0d;

    static final int UV_U8 = 0x00;
    static final int UV_F32 = 0x08;
    static final int UV_F64 = 0x09;
    static final int UV_C32 = 0x0a;
    private static final String[] UV_NAMES = {
        "u8", "s8", "u16", "s16", "u32", "s32", "u64", "s64", "f32", "f64", "c32", "c64"
    };
    /** Type, u8 uniform type, u32 count, npad 1, one pad byte. */
    private static final int UNIFORM_HEADER = 8;

    private PmtCodec() {}

    /**
     * @return the serialised form of {@code value}
     * @throws IllegalArgumentException if a symbol is too long for GNU Radio
     */
    public static byte[] serialize(Pmt value) {
        byte[] out = new byte[serializedSize(value)];
        serialize(value, out, 0);
        return out;
    }

    /**
     * Writes {@code value} into {@code dst} from {@code off} on. Allocates nothing unless the
     * value holds symbols (their UTF-8 bytes).
     *
     * @param dst output, at least {@link #serializedSize} bytes from {@code off}. Modified.
     * @return the offset just past the written bytes
     */
    public static int serialize(Pmt value, byte[] dst, int off) {
        Objects.checkFromIndexSize(off, serializedSize(value), dst.length);
        return write(value, dst, off);
    }

    /** @return how many bytes {@link #serialize(Pmt)} produces for {@code value} */
    public static int serializedSize(Pmt value) {
        long n = size(value);
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("PMT: " + n + " bytes is too large to serialise");
        }
        return (int) n;
    }

    /**
     * Reads exactly one PMT from {@code src[off, off+len)}.
     *
     * @param src serialised bytes. Not modified.
     * @throws WireFormatException if the bytes are not exactly one valid PMT
     */
    public static Pmt deserialize(byte[] src, int off, int len) {
        ByteReader r = new ByteReader("PMT", src, off, len);
        if (len == 0) {
            throw r.fail("empty input");
        }
        Pmt value = read(r, 0);
        if (r.remaining() != 0) {
            throw r.fail(r.remaining() + " trailing bytes after the value", r.position());
        }
        return value;
    }

    /** As {@link #deserialize(byte[], int, int)} over the whole array. */
    public static Pmt deserialize(byte[] src) {
        return deserialize(src, 0, src.length);
    }

    /** @return a readable name for a type tag, for error messages ("symbol", "f32vector", ...) */
    static String tagName(int tag) {
        switch (tag) {
            case TRUE:
                return "#t";
            case FALSE:
                return "#f";
            case SYMBOL:
                return "symbol";
            case INT32:
                return "int32";
            case DOUBLE:
                return "double";
            case COMPLEX:
                return "complex";
            case NULL:
                return "nil";
            case PAIR:
                return "pair";
            case VECTOR:
                return "vector";
            case DICT:
                return "dict";
            case UNIFORM:
                return "uniform vector";
            case UINT64:
                return "uint64";
            case TUPLE:
                return "tuple";
            case INT64:
                return "int64";
            default:
                return "unknown type tag " + Bytes.hex8(tag);
        }
    }

    /** @return GNU Radio's name of a uniform vector type ("u8vector", "f32vector", ...) */
    static String uniformName(int type) {
        return type < UV_NAMES.length ? UV_NAMES[type] + "vector" : "uniform vector of type " + Bytes.hex8(type);
    }

    // ---------------------------------------------------------------- reading

    /** Reads one PMT at the reader's position; used by {@link StreamTagHeader} too. */
    static Pmt read(ByteReader r, int depth) {
        int at = r.position();
        if (depth > MAX_DEPTH) {
            throw r.fail("nesting deeper than " + MAX_DEPTH + " levels", at);
        }
        int tag = r.u8();
        switch (tag) {
            case TRUE:
                return PmtBool.TRUE;
            case FALSE:
                return PmtBool.FALSE;
            case NULL:
                return PmtNil.NIL;
            case SYMBOL:
                return readSymbol(r, at);
            case INT32:
                return new PmtInt(r.s32be());
            case INT64:
                return new PmtInt(r.s64be());
            case UINT64:
                return new PmtUint64(r.s64be());
            case DOUBLE:
                return new PmtDouble(r.f64be());
            case COMPLEX:
                return new PmtComplex(r.f64be(), r.f64be());
            case PAIR:
                return readPairChain(r, depth);
            case DICT:
                return readDict(r, depth);
            case VECTOR:
                return new PmtVector(readItems(r, depth, at, "vector"));
            case TUPLE:
                return new PmtTuple(readItems(r, depth, at, "tuple"));
            case UNIFORM:
                return readUniform(r, at);
            default:
                throw r.fail("unknown type tag " + Bytes.hex8(tag), at);
        }
    }

    private static PmtSymbol readSymbol(ByteReader r, int at) {
        int n = r.u16be();
        if (n > MAX_SYMBOL_BYTES) {
            throw r.fail("symbol of " + n + " bytes exceeds GNU Radio's limit of "
                    + MAX_SYMBOL_BYTES, at);
        }
        r.need(n);
        if (ascii(r.buffer(), r.absolute(), n)) { // the common case, without a decoder's allocations
            String name = new String(r.buffer(), r.absolute(), n, StandardCharsets.US_ASCII);
            r.skip(n);
            return new PmtSymbol(name);
        }
        String name;
        try {
            name = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(r.buffer(), r.absolute(), n))
                    .toString();
        } catch (CharacterCodingException e) {
            throw r.fail("symbol is not valid UTF-8", at);
        }
        r.skip(n);
        return new PmtSymbol(name);
    }

    private static boolean ascii(byte[] b, int off, int n) {
        for (int i = off; i < off + n; i++) {
            if (b[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /** After a 07 tag: car, then further 07 cells iteratively, then the final cdr. */
    private static Pmt readPairChain(ByteReader r, int depth) {
        List<Pmt> cars = new ArrayList<>();
        Pmt tail;
        while (true) {
            cars.add(read(r, depth + 1));
            if (r.peekU8() == PAIR) {
                r.skip(1);
                continue;
            }
            tail = read(r, depth + 1);
            break;
        }
        for (int i = cars.size() - 1; i >= 0; i--) {
            tail = new PmtPair(cars.get(i), tail);
        }
        return tail;
    }

    /** After a 09 tag: "07 key value" cells separated by 09 and ended by 06. */
    private static PmtDict readDict(ByteReader r, int depth) {
        Map<Pmt, Pmt> entries = new LinkedHashMap<>();
        while (true) {
            int at = r.position();
            Pmt cell = read(r, depth + 1);
            if (!(cell instanceof PmtPair kv)) {
                throw r.fail("dict entry is a " + cell.getClass().getSimpleName()
                        + ", expected a key/value pair", at);
            }
            if (entries.putIfAbsent(kv.car(), kv.cdr()) != null) {
                throw r.fail("duplicate dict key " + kv.car(), at);
            }
            int nextAt = r.position();
            int next = r.u8();
            if (next == NULL) {
                return new PmtDict(entries);
            }
            if (next != DICT) {
                throw r.fail("dict continues with tag " + Bytes.hex8(next)
                        + ", expected 0x09 or 0x06", nextAt);
            }
        }
    }

    private static List<Pmt> readItems(ByteReader r, int depth, int at, String what) {
        long count = r.u32be();
        if (count > r.remaining()) {
            throw r.fail(what + " declares " + count + " items but only " + r.remaining()
                    + " bytes follow", at);
        }
        List<Pmt> items = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            items.add(read(r, depth + 1));
        }
        return items;
    }

    private static Pmt readUniform(ByteReader r, int at) {
        int type = r.u8();
        int elementBytes;
        switch (type) {
            case UV_U8:
                elementBytes = 1;
                break;
            case UV_F32:
                elementBytes = 4;
                break;
            case UV_F64:
            case UV_C32:
                elementBytes = 8;
                break;
            default:
                String name = type < UV_NAMES.length ? " (" + UV_NAMES[type] + "vector)" : "";
                throw r.fail("uniform vector type " + Bytes.hex8(type) + name
                        + " is not supported", at);
        }
        long count = r.u32be();
        int npad = r.u8();
        r.skip(npad); // GNU Radio skips npad bytes whatever they hold; it writes 01 00
        r.need(count * elementBytes);
        int n = (int) count;
        switch (type) {
            case UV_U8: {
                byte[] data = new byte[n];
                System.arraycopy(r.buffer(), r.absolute(), data, 0, n);
                r.skip(n);
                return new PmtU8Vector(data);
            }
            case UV_F32: {
                float[] data = new float[n];
                for (int i = 0; i < n; i++) {
                    data[i] = r.f32beUnchecked();
                }
                return new PmtF32Vector(data);
            }
            case UV_F64: {
                double[] data = new double[n];
                for (int i = 0; i < n; i++) {
                    data[i] = r.f64beUnchecked();
                }
                return new PmtF64Vector(data);
            }
            default: {
                float[] data = new float[2 * n];
                for (int i = 0; i < 2 * n; i++) {
                    data[i] = r.f32beUnchecked();
                }
                return new PmtC32Vector(data);
            }
        }
    }

    // ---------------------------------------------------------------- writing

    private static long size(Pmt p) {
        if (p instanceof PmtBool || p instanceof PmtNil) {
            return 1;
        }
        if (p instanceof PmtSymbol s) {
            return 3 + symbolBytes(s).length;
        }
        if (p instanceof PmtInt i) {
            return fitsInt32(i.value()) ? 5 : 9;
        }
        if (p instanceof PmtUint64 || p instanceof PmtDouble) {
            return 9;
        }
        if (p instanceof PmtComplex) {
            return 17;
        }
        if (p instanceof PmtPair) {
            long n = 0;
            Pmt cur = p;
            while (cur instanceof PmtPair pair) {
                n += 1 + size(pair.car());
                cur = pair.cdr();
            }
            return n + size(cur);
        }
        if (p instanceof PmtDict d) {
            long n = 1;
            for (Map.Entry<Pmt, Pmt> e : d.entries().entrySet()) {
                n += 2 + size(e.getKey()) + size(e.getValue());
            }
            return n;
        }
        if (p instanceof PmtVector v) {
            return 5 + sizeAll(v.items());
        }
        if (p instanceof PmtTuple t) {
            return 5 + sizeAll(t.items());
        }
        if (p instanceof PmtU8Vector v) {
            return UNIFORM_HEADER + (long) v.data().length;
        }
        if (p instanceof PmtF32Vector v) {
            return UNIFORM_HEADER + 4L * v.data().length;
        }
        if (p instanceof PmtF64Vector v) {
            return UNIFORM_HEADER + 8L * v.data().length;
        }
        PmtC32Vector v = (PmtC32Vector) p;
        return UNIFORM_HEADER + 4L * v.data().length;
    }

    private static long sizeAll(List<Pmt> items) {
        long n = 0;
        for (Pmt item : items) {
            n += size(item);
        }
        return n;
    }

    private static int write(Pmt p, byte[] b, int pos) {
        if (p instanceof PmtBool bool) {
            b[pos] = (byte) (bool.value() ? TRUE : FALSE);
            return pos + 1;
        }
        if (p instanceof PmtNil) {
            b[pos] = NULL;
            return pos + 1;
        }
        if (p instanceof PmtSymbol s) {
            byte[] text = symbolBytes(s);
            b[pos] = SYMBOL;
            Bytes.BE_SHORT.set(b, pos + 1, (short) text.length);
            System.arraycopy(text, 0, b, pos + 3, text.length);
            return pos + 3 + text.length;
        }
        if (p instanceof PmtInt i) {
            if (fitsInt32(i.value())) {
                b[pos] = INT32;
                Bytes.BE_INT.set(b, pos + 1, (int) i.value());
                return pos + 5;
            }
            b[pos] = INT64;
            Bytes.BE_LONG.set(b, pos + 1, i.value());
            return pos + 9;
        }
        if (p instanceof PmtUint64 u) {
            b[pos] = UINT64;
            Bytes.BE_LONG.set(b, pos + 1, u.value());
            return pos + 9;
        }
        if (p instanceof PmtDouble d) {
            b[pos] = DOUBLE;
            Bytes.BE_DOUBLE.set(b, pos + 1, d.value());
            return pos + 9;
        }
        if (p instanceof PmtComplex c) {
            b[pos] = COMPLEX;
            Bytes.BE_DOUBLE.set(b, pos + 1, c.re());
            Bytes.BE_DOUBLE.set(b, pos + 9, c.im());
            return pos + 17;
        }
        if (p instanceof PmtPair) {
            Pmt cur = p;
            while (cur instanceof PmtPair pair) {
                b[pos] = PAIR;
                pos = write(pair.car(), b, pos + 1);
                cur = pair.cdr();
            }
            return write(cur, b, pos);
        }
        if (p instanceof PmtDict d) {
            for (Map.Entry<Pmt, Pmt> e : d.entries().entrySet()) {
                b[pos] = DICT;
                b[pos + 1] = PAIR;
                pos = write(e.getKey(), b, pos + 2);
                pos = write(e.getValue(), b, pos);
            }
            b[pos] = NULL;
            return pos + 1;
        }
        if (p instanceof PmtVector v) {
            return writeAll(VECTOR, v.items(), b, pos);
        }
        if (p instanceof PmtTuple t) {
            return writeAll(TUPLE, t.items(), b, pos);
        }
        if (p instanceof PmtU8Vector v) {
            pos = writeUniformHeader(UV_U8, v.data().length, b, pos);
            System.arraycopy(v.data(), 0, b, pos, v.data().length);
            return pos + v.data().length;
        }
        if (p instanceof PmtF32Vector v) {
            pos = writeUniformHeader(UV_F32, v.data().length, b, pos);
            return writeFloats(v.data(), b, pos);
        }
        if (p instanceof PmtF64Vector v) {
            pos = writeUniformHeader(UV_F64, v.data().length, b, pos);
            for (double x : v.data()) {
                Bytes.BE_DOUBLE.set(b, pos, x);
                pos += 8;
            }
            return pos;
        }
        PmtC32Vector v = (PmtC32Vector) p;
        pos = writeUniformHeader(UV_C32, v.length(), b, pos);
        return writeFloats(v.data(), b, pos);
    }

    private static int writeAll(int tag, List<Pmt> items, byte[] b, int pos) {
        b[pos] = (byte) tag;
        Bytes.BE_INT.set(b, pos + 1, items.size());
        pos += 5;
        for (Pmt item : items) {
            pos = write(item, b, pos);
        }
        return pos;
    }

    private static int writeUniformHeader(int type, int count, byte[] b, int pos) {
        b[pos] = UNIFORM;
        b[pos + 1] = (byte) type;
        Bytes.BE_INT.set(b, pos + 2, count);
        b[pos + 6] = 1; // npad
        b[pos + 7] = 0; // the pad byte
        return pos + UNIFORM_HEADER;
    }

    private static int writeFloats(float[] data, byte[] b, int pos) {
        for (float x : data) {
            Bytes.BE_FLOAT.set(b, pos, x);
            pos += 4;
        }
        return pos;
    }

    private static boolean fitsInt32(long v) {
        return v == (int) v;
    }

    private static byte[] symbolBytes(PmtSymbol s) {
        byte[] text = s.name().getBytes(StandardCharsets.UTF_8);
        if (text.length > MAX_SYMBOL_BYTES) {
            throw new IllegalArgumentException("PMT: symbol of " + text.length
                    + " UTF-8 bytes exceeds GNU Radio's limit of " + MAX_SYMBOL_BYTES);
        }
        return text;
    }
}
