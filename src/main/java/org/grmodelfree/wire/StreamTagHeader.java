package org.grmodelfree.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The header gr-zeromq stream blocks put in front of the samples when {@code pass_tags} is on
 * (gr-zeromq/lib/tag_headers.cc). Header and samples travel in one ZeroMQ frame:
 * <pre>
 * u16 magic 0x5FF0, u8 version 1, u64 offset, u64 tag count      (little-endian, 19 bytes)
 * per tag: u64 offset, then PMT-serialised key, value, source id (see {@link PmtCodec})
 * </pre>
 * The header offset is the absolute index of the first item in the frame; tag offsets are
 * absolute too. Both are unsigned 64-bit on the wire and held in a {@code long}.
 *
 * <p>For a socket loop, {@link #decode(byte[], int, int, List)} and
 * {@link #encode(long, List, byte[], int)} allocate nothing when a frame carries no tags.
 */
public final class StreamTagHeader {

    /** The magic number, written little-endian as {@code f0 5f}. */
    public static final int MAGIC = 0x5FF0;
    /** The only header version gr-zeromq writes and reads. */
    public static final int VERSION = 1;
    /** Length of a header with no tags. */
    public static final int BASE_LENGTH = 19;

    private static final String LABEL = "gr-zeromq header";
    /** A tag takes at least its offset and three one-byte PMTs. */
    private static final int MIN_TAG_LENGTH = 11;

    private StreamTagHeader() {}

    /**
     * One stream tag.
     *
     * @param offset absolute item index the tag is attached to
     * @param key usually a symbol
     * @param value any PMT
     * @param srcid the source id; GNU Radio uses {@code #f} when none is set
     */
    public record Tag(long offset, Pmt key, Pmt value, Pmt srcid) {
        /** Checks for nulls. */
        public Tag {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(srcid, "srcid");
        }
    }

    /**
     * A decoded header.
     *
     * @param offset absolute index of the frame's first item
     * @param tags the tags, in wire order
     * @param length header length in bytes: the samples start this far into the frame
     */
    public record Decoded(long offset, List<Tag> tags, int length) {
        /** Copies the tag list. */
        public Decoded {
            tags = List.copyOf(tags);
        }
    }

    /** @return the header length for these tags */
    public static int encodedLength(List<Tag> tags) {
        long n = BASE_LENGTH;
        for (Tag t : tags) {
            n += 8L + PmtCodec.serializedSize(t.key()) + PmtCodec.serializedSize(t.value())
                    + PmtCodec.serializedSize(t.srcid());
        }
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(LABEL + ": " + n + " bytes is too large");
        }
        return (int) n;
    }

    /** @return a new array holding the header for {@code offset} and {@code tags} */
    public static byte[] encode(long offset, List<Tag> tags) {
        byte[] out = new byte[encodedLength(tags)];
        encode(offset, tags, out, 0);
        return out;
    }

    /**
     * Writes the header into {@code dst} from {@code dstOff}; the caller appends the samples.
     *
     * @param dst output, at least {@link #encodedLength} bytes from {@code dstOff}. Modified.
     * @return the number of bytes written
     */
    public static int encode(long offset, List<Tag> tags, byte[] dst, int dstOff) {
        int length = tags.isEmpty() ? BASE_LENGTH : encodedLength(tags);
        Objects.checkFromIndexSize(dstOff, length, dst.length);
        Bytes.LE_SHORT.set(dst, dstOff, (short) MAGIC);
        dst[dstOff + 2] = VERSION;
        Bytes.LE_LONG.set(dst, dstOff + 3, offset);
        Bytes.LE_LONG.set(dst, dstOff + 11, (long) tags.size());
        int pos = dstOff + BASE_LENGTH;
        for (int i = 0; i < tags.size(); i++) {
            Tag t = tags.get(i);
            Bytes.LE_LONG.set(dst, pos, t.offset());
            pos = PmtCodec.serialize(t.key(), dst, pos + 8);
            pos = PmtCodec.serialize(t.value(), dst, pos);
            pos = PmtCodec.serialize(t.srcid(), dst, pos);
        }
        return pos - dstOff;
    }

    /**
     * Decodes the header at the start of a frame; bytes after it (the samples) are ignored.
     *
     * @param src the frame. Not modified.
     * @throws WireFormatException for a short frame, wrong magic or version, or a bad tag
     */
    public static Decoded decode(byte[] src, int off, int len) {
        List<Tag> tags = new ArrayList<>();
        int length = decode(src, off, len, tags);
        return new Decoded(offset(src, off, len), tags, length);
    }

    /**
     * Decodes the header at the start of a frame into a reusable tag list.
     *
     * @param src the frame. Not modified.
     * @param tagsOut cleared, then filled with the frame's tags. Modified.
     * @return the header length: the samples start at {@code off} plus this
     * @throws WireFormatException for a short frame, wrong magic or version, or a bad tag
     */
    public static int decode(byte[] src, int off, int len, List<Tag> tagsOut) {
        checkFixedPart(src, off, len);
        tagsOut.clear();
        long count = (long) Bytes.LE_LONG.get(src, off + 11);
        if (count == 0) {
            return BASE_LENGTH;
        }
        int left = len - BASE_LENGTH;
        if (count < 0 || count > left / MIN_TAG_LENGTH) {
            throw new WireFormatException(LABEL + ": " + Long.toUnsignedString(count)
                    + " tags declared but only " + left + " bytes follow the fixed part");
        }
        ByteReader r = new ByteReader(LABEL, src, off, len);
        r.skip(BASE_LENGTH);
        for (int i = 0; i < count; i++) {
            long tagOffset = r.s64le();
            Pmt key = readPmt(r, i, "key");
            Pmt value = readPmt(r, i, "value");
            Pmt srcid = readPmt(r, i, "srcid");
            tagsOut.add(new Tag(tagOffset, key, value, srcid));
        }
        return r.position();
    }

    /**
     * The absolute index of the frame's first item, after checking length, magic and version.
     *
     * @throws WireFormatException for a short frame or wrong magic or version
     */
    public static long offset(byte[] src, int off, int len) {
        checkFixedPart(src, off, len);
        return (long) Bytes.LE_LONG.get(src, off + 3);
    }

    private static void checkFixedPart(byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        if (len < BASE_LENGTH) {
            throw new WireFormatException(LABEL + ": truncated at byte " + len + ", needed "
                    + (BASE_LENGTH - len) + " more");
        }
        int magic = (short) Bytes.LE_SHORT.get(src, off) & 0xffff;
        if (magic != MAGIC) {
            throw new WireFormatException(String.format(
                    "%s: magic 0x%04X, expected 0x%04X", LABEL, magic, MAGIC));
        }
        int version = src[off + 2] & 0xff;
        if (version != VERSION) {
            throw new WireFormatException(
                    LABEL + ": version " + version + ", expected " + VERSION);
        }
    }

    private static Pmt readPmt(ByteReader r, int tag, String field) {
        try {
            return PmtCodec.read(r, 0);
        } catch (WireFormatException e) {
            throw new WireFormatException(
                    e.getMessage() + " (in the PMT " + field + " of tag " + tag + ")", e);
        }
    }
}
