package org.grmodelfree.wire;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A GNU Radio polymorphic type (PMT) value, as far as this project exchanges them with GNU Radio
 * message ports and stream tags. {@link PmtCodec} turns them into GNU Radio's serialised form
 * and back.
 *
 * <p>The model mirrors GNU Radio 3.10 rather than its byte tags: an integer is one
 * {@link PmtInt} holding a {@code long} (GNU Radio's {@code from_long}), written as int32 when
 * it fits and as int64 otherwise; an empty dict is {@link PmtNil} on the wire, so it reads back
 * as {@code PmtNil} and {@link #dictRef} treats nil as the empty dict, as GNU Radio does. Lists
 * are chains of {@link PmtPair} ending in {@link PmtNil}.
 *
 * <p>Uniform vectors wrap a Java array without copying it: the record owns the array, so do not
 * modify it after construction. Their {@code equals} compares contents.
 */
public sealed interface Pmt {

    /** {@code #t} or {@code #f}. */
    record PmtBool(boolean value) implements Pmt {
        /** {@code #t}. */
        public static final PmtBool TRUE = new PmtBool(true);
        /** {@code #f}, GNU Radio's usual stream-tag source id when none is set. */
        public static final PmtBool FALSE = new PmtBool(false);
    }

    /** The empty list {@code ()}, also GNU Radio's empty dict. */
    record PmtNil() implements Pmt {
        /** The only value anyone needs. */
        public static final PmtNil NIL = new PmtNil();
    }

    /** An interned symbol, such as a dict key or a tag key. */
    record PmtSymbol(String name) implements Pmt {
        /** @param name the symbol text, sent as UTF-8 */
        public PmtSymbol {
            Objects.requireNonNull(name, "name");
        }
    }

    /** A signed integer; GNU Radio keeps it as a C {@code long}. */
    record PmtInt(long value) implements Pmt {}

    /** An unsigned 64-bit integer, stored in a {@code long} (read with {@link Long#toUnsignedString}). */
    record PmtUint64(long value) implements Pmt {
        @Override
        public String toString() {
            return "PmtUint64[value=" + Long.toUnsignedString(value) + "]";
        }
    }

    /** A double. */
    record PmtDouble(double value) implements Pmt {}

    /** A complex number of two doubles. */
    record PmtComplex(double re, double im) implements Pmt {}

    /** A cons cell; the building block of lists and of PDUs. */
    record PmtPair(Pmt car, Pmt cdr) implements Pmt {
        /** Cells of a list {@link #toString} shows. */
        private static final int SHOWN = 16;

        /**
         * @param car the first element
         * @param cdr the second element, or the rest of a list
         */
        public PmtPair {
            Objects.requireNonNull(car, "car");
            Objects.requireNonNull(cdr, "cdr");
        }

        /**
         * Compares along the cdr chain in a loop: a list is a chain as long as it has items (the
         * wire writes it without nesting, so a frame of 200 KB holds a list of 100 000), and the
         * record's own equals recursed along it into a StackOverflowError.
         */
        @Override
        public boolean equals(Object o) {
            Pmt a = this;
            Object b = o;
            while (a instanceof PmtPair pa && b instanceof PmtPair pb) {
                if (pa == pb) {
                    return true;
                }
                if (!pa.car.equals(pb.car)) {
                    return false;
                }
                a = pa.cdr;
                b = pb.cdr;
            }
            return !(a instanceof PmtPair) && a.equals(b); // a pair never equals a non-pair
        }

        /** Hashes along the cdr chain in a loop (see {@link #equals}). */
        @Override
        public int hashCode() {
            int h = 1;
            Pmt cur = this;
            while (cur instanceof PmtPair p) {
                h = 31 * h + p.car.hashCode();
                cur = p.cdr;
            }
            return 31 * h + cur.hashCode();
        }

        /** The first {@value #SHOWN} cells and the tail; longer chains say how many cells they skip. */
        @Override
        public String toString() {
            StringBuilder s = new StringBuilder("PmtPair[");
            Pmt cur = this;
            int cells = 0;
            while (cur instanceof PmtPair p) {
                if (cells < SHOWN) {
                    s.append(cells == 0 ? "" : ", ").append(p.car);
                }
                cells++;
                cur = p.cdr;
            }
            if (cells > SHOWN) {
                s.append(", ... ").append(cells - SHOWN).append(" more");
            }
            return s.append(" . ").append(cur).append(']').toString();
        }
    }

    /**
     * A dictionary. Entries keep their order, which is the order on the wire (GNU Radio's
     * {@code dict_add} puts new keys first). An empty dict is written as nil.
     */
    record PmtDict(Map<Pmt, Pmt> entries) implements Pmt {
        /** The empty dict. */
        public static final PmtDict EMPTY = new PmtDict(Map.of());

        /** @param entries copied, order kept; no null keys or values */
        public PmtDict {
            LinkedHashMap<Pmt, Pmt> copy = new LinkedHashMap<>();
            entries.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key"),
                    Objects.requireNonNull(v, "value")));
            entries = Collections.unmodifiableMap(copy);
        }
    }

    /** A vector of arbitrary PMTs. */
    record PmtVector(List<Pmt> items) implements Pmt {
        /** @param items copied; no nulls */
        public PmtVector {
            items = List.copyOf(items);
        }
    }

    /** A tuple of arbitrary PMTs. */
    record PmtTuple(List<Pmt> items) implements Pmt {
        /** @param items copied; no nulls */
        public PmtTuple {
            items = List.copyOf(items);
        }
    }

    /** The uniform numeric vectors this package reads and writes. */
    sealed interface PmtUniformVector extends Pmt {
        /** @return the number of elements (complex items for {@link PmtC32Vector}) */
        int length();
    }

    /** A u8vector, the payload of a byte PDU. */
    record PmtU8Vector(byte[] data) implements PmtUniformVector {
        /** @param data not copied */
        public PmtU8Vector {
            Objects.requireNonNull(data, "data");
        }

        @Override
        public int length() {
            return data.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PmtU8Vector v && Arrays.equals(data, v.data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "PmtU8Vector" + Arrays.toString(data);
        }
    }

    /** An f32vector. */
    record PmtF32Vector(float[] data) implements PmtUniformVector {
        /** @param data not copied */
        public PmtF32Vector {
            Objects.requireNonNull(data, "data");
        }

        @Override
        public int length() {
            return data.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PmtF32Vector v && Arrays.equals(data, v.data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "PmtF32Vector" + Arrays.toString(data);
        }
    }

    /** An f64vector. */
    record PmtF64Vector(double[] data) implements PmtUniformVector {
        /** @param data not copied */
        public PmtF64Vector {
            Objects.requireNonNull(data, "data");
        }

        @Override
        public int length() {
            return data.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PmtF64Vector v && Arrays.equals(data, v.data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "PmtF64Vector" + Arrays.toString(data);
        }
    }

    /** A c32vector of {@code gr_complex}, stored interleaved re, im. */
    record PmtC32Vector(float[] data) implements PmtUniformVector {
        /** @param data interleaved re, im; even length; not copied */
        public PmtC32Vector {
            Objects.requireNonNull(data, "data");
            if (data.length % 2 != 0) {
                throw new IllegalArgumentException(
                        "c32vector needs an even number of floats, got " + data.length);
            }
        }

        @Override
        public int length() {
            return data.length / 2;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PmtC32Vector v && Arrays.equals(data, v.data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "PmtC32Vector" + Arrays.toString(data);
        }
    }

    /** @return the symbol {@code name} */
    static PmtSymbol symbol(String name) {
        return new PmtSymbol(name);
    }

    /**
     * Builds a PDU, GNU Radio's {@code (metadata . data)} pair.
     *
     * @param metadata the metadata dict; may be empty
     * @param data the payload vector
     */
    static PmtPair pdu(PmtDict metadata, PmtUniformVector data) {
        return new PmtPair(metadata, data);
    }

    /**
     * The metadata of a received PDU; nil reads as the empty dict.
     *
     * @throws WireFormatException if {@code pdu} is not a pair whose car is a dict or nil
     */
    static PmtDict pduMetadata(Pmt pdu) {
        if (!(pdu instanceof PmtPair pair)) {
            throw new WireFormatException("PDU: expected a pair, found " + kind(pdu));
        }
        return asDict(pair.car(), "PDU metadata");
    }

    /**
     * The payload of a received PDU.
     *
     * @throws WireFormatException if {@code pdu} is not a pair whose cdr is a uniform vector
     */
    static PmtUniformVector pduData(Pmt pdu) {
        if (!(pdu instanceof PmtPair pair)) {
            throw new WireFormatException("PDU: expected a pair, found " + kind(pdu));
        }
        if (!(pair.cdr() instanceof PmtUniformVector data)) {
            throw new WireFormatException(
                    "PDU: data is a " + kind(pair.cdr()) + ", expected a uniform vector");
        }
        return data;
    }

    /**
     * Looks up the symbol {@code key}, like GNU Radio's {@code dict_ref}.
     *
     * @param dict a {@link PmtDict}, or {@link PmtNil} for the empty dict
     * @param notFound returned when the key is absent
     * @throws WireFormatException if {@code dict} is neither
     */
    static Pmt dictRef(Pmt dict, String key, Pmt notFound) {
        return asDict(dict, "PMT").entries().getOrDefault(new PmtSymbol(key), notFound);
    }

    private static PmtDict asDict(Pmt p, String what) {
        if (p instanceof PmtDict d) {
            return d;
        }
        if (p instanceof PmtNil) {
            return PmtDict.EMPTY;
        }
        throw new WireFormatException(what + ": expected a dict, found " + kind(p));
    }

    private static String kind(Pmt p) {
        return p.getClass().getSimpleName();
    }
}
