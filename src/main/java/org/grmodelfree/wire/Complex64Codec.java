package org.grmodelfree.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Raw gr-zeromq stream payload of {@code gr_complex} items: little-endian float32 real part,
 * then float32 imaginary part, 8 bytes per item, no header (docs/gnuradio.md, "ZeroMQ stream blocks").
 * On the JVM side the samples are a {@code float[]} interleaved as re, im, re, im, ...
 *
 * <p>No method allocates, so a socket loop can receive into one preallocated {@code byte[]} or
 * {@link ByteBuffer} and decode straight into matrix storage. Frames whose length is not a
 * multiple of 8 are rejected with {@link WireFormatException}; a destination or source range
 * that is too small is a caller error and raises {@link IndexOutOfBoundsException} (check
 * {@link #itemCount(int)} against your buffer first).
 */
public final class Complex64Codec {

    /** Bytes per complex64 item. */
    public static final int BYTES_PER_ITEM = 8;

    private Complex64Codec() {}

    /**
     * Number of complex items in a payload of {@code len} bytes.
     *
     * @throws WireFormatException if {@code len} is not a multiple of {@value #BYTES_PER_ITEM}
     */
    public static int itemCount(int len) {
        if (len < 0 || len % BYTES_PER_ITEM != 0) {
            throw new WireFormatException("complex64 stream frame: " + len
                    + " bytes is not a multiple of " + BYTES_PER_ITEM);
        }
        return len / BYTES_PER_ITEM;
    }

    /**
     * Decodes {@code src[off, off+len)} into {@code dst} from {@code dstOff} on.
     *
     * @param src wire bytes. Not modified.
     * @param dst interleaved re, im output; {@code 2 * items} floats written. Modified.
     * @return the number of complex items decoded
     * @throws WireFormatException if {@code len} is not a multiple of 8
     */
    public static int decode(byte[] src, int off, int len, float[] dst, int dstOff) {
        Objects.checkFromIndexSize(off, len, src.length);
        int items = itemCount(len);
        Objects.checkFromIndexSize(dstOff, 2 * items, dst.length);
        for (int i = 0, n = 2 * items; i < n; i++) {
            dst[dstOff + i] = (float) Bytes.LE_FLOAT.get(src, off + 4 * i);
        }
        return items;
    }

    /**
     * As {@link #decode(byte[], int, int, float[], int)}, and also rejects NaN and infinite
     * samples, naming the first bad one. On failure {@code dst} may be partly written.
     *
     * @throws WireFormatException for a bad length or a non-finite sample
     */
    public static int decodeFinite(byte[] src, int off, int len, float[] dst, int dstOff) {
        int items = decode(src, off, len, dst, dstOff);
        checkFinite(dst, dstOff, items);
        return items;
    }

    /**
     * Decodes the buffer's remaining bytes into {@code dst} and advances its position to its
     * limit. The buffer's own byte order is ignored (the wire is always little-endian) and left
     * unchanged; heap and direct buffers both work.
     *
     * @param src wire bytes between position and limit. Position modified.
     * @param dst interleaved re, im output. Modified.
     * @return the number of complex items decoded
     * @throws WireFormatException if the remaining length is not a multiple of 8
     */
    public static int decode(ByteBuffer src, float[] dst, int dstOff) {
        int items = itemCount(src.remaining());
        Objects.checkFromIndexSize(dstOff, 2 * items, dst.length);
        boolean swap = src.order() != ByteOrder.LITTLE_ENDIAN;
        int p = src.position();
        for (int i = 0, n = 2 * items; i < n; i++, p += 4) {
            int bits = src.getInt(p);
            dst[dstOff + i] = Float.intBitsToFloat(swap ? Integer.reverseBytes(bits) : bits);
        }
        src.position(p);
        return items;
    }

    /**
     * Encodes {@code items} complex samples from {@code src[off, off + 2*items)}.
     *
     * @param src interleaved re, im samples. Not modified.
     * @param dst output; {@code 8 * items} bytes written from {@code dstOff}. Modified.
     * @return the number of bytes written
     */
    public static int encode(float[] src, int off, int items, byte[] dst, int dstOff) {
        if (items < 0) {
            throw new IllegalArgumentException("items " + items + " is negative");
        }
        Objects.checkFromIndexSize(off, 2 * items, src.length);
        Objects.checkFromIndexSize(dstOff, BYTES_PER_ITEM * items, dst.length);
        for (int i = 0, n = 2 * items; i < n; i++) {
            Bytes.LE_FLOAT.set(dst, dstOff + 4 * i, src[off + i]);
        }
        return BYTES_PER_ITEM * items;
    }

    private static void checkFinite(float[] samples, int off, int items) {
        for (int i = 0, n = 2 * items; i < n; i++) {
            float v = samples[off + i];
            if (!Float.isFinite(v)) {
                throw new WireFormatException("complex64 stream frame: sample " + (i / 2)
                        + (i % 2 == 0 ? " real" : " imaginary") + " part is " + v
                        + " at byte " + (4 * i));
            }
        }
    }
}
