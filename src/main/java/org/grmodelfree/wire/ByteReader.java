package org.grmodelfree.wire;

import java.util.Objects;

/**
 * A bounds-checked cursor over {@code buf[start, end)} that turns every overrun into a
 * {@link WireFormatException}. Positions in messages are relative to {@code start}. Internal.
 */
final class ByteReader {

    private final String label;
    private final byte[] buf;
    private final int start;
    private final int end;
    private int pos;

    ByteReader(String label, byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        this.label = label;
        this.buf = buf;
        this.start = off;
        this.end = off + len;
        this.pos = off;
    }

    byte[] buffer() {
        return buf;
    }

    /** Position relative to the region start. */
    int position() {
        return pos - start;
    }

    /** Absolute index into {@link #buffer()}. */
    int absolute() {
        return pos;
    }

    int remaining() {
        return end - pos;
    }

    WireFormatException fail(String what, int at) {
        return new WireFormatException(label + ": " + what + " at byte " + at);
    }

    WireFormatException fail(String what) {
        return new WireFormatException(label + ": " + what);
    }

    /** Ensures {@code n} more bytes exist (n may exceed int range for declared counts). */
    void need(long n) {
        if (n > end - pos) {
            throw new WireFormatException(label + ": truncated at byte " + (end - start)
                    + ", needed " + (n - (end - pos)) + " more");
        }
    }

    void skip(int n) {
        need(n);
        pos += n;
    }

    int u8() {
        need(1);
        return buf[pos++] & 0xff;
    }

    int peekU8() {
        need(1);
        return buf[pos] & 0xff;
    }

    int u16be() {
        need(2);
        int v = (short) Bytes.BE_SHORT.get(buf, pos) & 0xffff;
        pos += 2;
        return v;
    }

    int s32be() {
        need(4);
        int v = (int) Bytes.BE_INT.get(buf, pos);
        pos += 4;
        return v;
    }

    long u32be() {
        return s32be() & 0xffff_ffffL;
    }

    long s64be() {
        need(8);
        long v = (long) Bytes.BE_LONG.get(buf, pos);
        pos += 8;
        return v;
    }

    double f64be() {
        need(8);
        double v = (double) Bytes.BE_DOUBLE.get(buf, pos);
        pos += 8;
        return v;
    }

    float f32beUnchecked() {
        float v = (float) Bytes.BE_FLOAT.get(buf, pos);
        pos += 4;
        return v;
    }

    double f64beUnchecked() {
        double v = (double) Bytes.BE_DOUBLE.get(buf, pos);
        pos += 8;
        return v;
    }

    long s64le() {
        need(8);
        long v = (long) Bytes.LE_LONG.get(buf, pos);
        pos += 8;
        return v;
    }
}
