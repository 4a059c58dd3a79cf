package org.grmodelfree.fuzz;

import static org.grmodelfree.fuzz.Fuzz.concat;
import static org.grmodelfree.fuzz.Fuzz.hex;
import static org.grmodelfree.fuzz.Fuzz.repeat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.grmodelfree.wire.Complex64Codec;
import org.grmodelfree.wire.Pmt;
import org.grmodelfree.wire.Pmt.PmtBool;
import org.grmodelfree.wire.Pmt.PmtSymbol;
import org.grmodelfree.wire.StreamTagHeader;
import org.grmodelfree.wire.StreamTagHeader.Tag;
import org.grmodelfree.wire.WireFormatException;
import org.junit.jupiter.api.Test;

/**
 * The stream input's decoding of one message, as {@code StreamIn} does it, under 100 000 generated
 * inputs each: with {@code pass_tags}, the gr-zeromq tag header ({@link StreamTagHeader}) and then
 * complex64 samples ({@link Complex64Codec#decodeFinite}); without, the samples alone. Each input
 * is either decoded (and re-encodes to the same header and, byte for byte, the same samples) or
 * refused with a {@link WireFormatException}. Samples are decoded into one buffer allocated
 * before the run, as the stream input does.
 */
class StreamFrameFuzzTest {

    private static final long SEED = 17_0004L;
    /** Room for the longest generated input, as the stream input's buffer has room for its limit. */
    private static final int MAX_ITEMS = (1 << 20) / Complex64Codec.BYTES_PER_ITEM;

    private final float[] samples = new float[2 * MAX_ITEMS];
    private final List<Tag> tags = new ArrayList<>();

    /** One decoded message: its offset, tags, where the samples start and how many there are. */
    record Frame(long offset, List<Tag> tags, int start, int items) {}

    private Frame decodeTagged(byte[] b) {
        int start = StreamTagHeader.decode(b, 0, b.length, tags);
        long offset = StreamTagHeader.offset(b, 0, b.length);
        int items = Complex64Codec.decodeFinite(b, start, b.length - start, samples, 0);
        return new Frame(offset, List.copyOf(tags), start, items);
    }

    static byte[] frame(long offset, List<Tag> tags, float[] interleaved) {
        byte[] header = StreamTagHeader.encode(offset, tags);
        byte[] b = Arrays.copyOf(header, header.length + 4 * interleaved.length);
        Complex64Codec.encode(interleaved, 0, interleaved.length / 2, b, header.length);
        return b;
    }

    static float[] gaussian(Random rand, int items) {
        float[] x = new float[2 * items];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rand.nextGaussian();
        }
        return x;
    }

    static List<byte[]> validTagged(Random rand) {
        List<byte[]> valid = new ArrayList<>();
        List<Pmt> values = PmtCodecFuzzTest.samples();
        valid.add(frame(0, List.of(), gaussian(rand, 4)));
        valid.add(frame(-1L, List.of(), new float[0]));
        valid.add(frame(1L << 40, List.of(new Tag(1L << 40, new PmtSymbol("rx_time"), values.get(12),
                PmtBool.FALSE)), gaussian(rand, 3)));
        for (int i = 0; i < values.size(); i += 3) {
            List<Tag> t = new ArrayList<>();
            for (int j = i; j < Math.min(values.size(), i + 3); j++) {
                t.add(new Tag(100 + j, new PmtSymbol("k" + j), values.get(j), new PmtSymbol("src")));
            }
            valid.add(frame(100 + i, t, gaussian(rand, 1 + rand.nextInt(8))));
        }
        return valid;
    }

    /** Tag counts and PMT lengths far beyond the frame, deep PMTs in a tag, and a long frame. */
    static List<byte[]> hostileTagged() {
        List<byte[]> h = new ArrayList<>();
        byte[] fixed = hex("f05f 01 0000000000000000");
        h.add(concat(fixed, hex("ffffffffffffffff")));
        h.add(concat(fixed, hex("0000000000000080"), hex("00")));
        h.add(concat(fixed, hex("ffffffff00000000"), new byte[64]));
        h.add(concat(fixed, hex("0100000000000000 0000000000000000"), hex("02 ffff 41")));
        h.add(concat(fixed, hex("0100000000000000 0000000000000000 02 0001 6b"),
                hex("0a 0a ffffffff 01 00"), hex("00")));
        h.add(concat(fixed, hex("0100000000000000 0000000000000000 02 0001 6b"),
                repeat(new byte[0], hex("08 00000001"), 40_000, hex("06 00"))));
        h.add(concat(fixed, hex("0100000000000000 0000000000000000 02 0001 6b"),
                repeat(new byte[0], hex("07 00"), 100_000, hex("06 00"))));
        h.add(concat(fixed, hex("0000000000000000"), new byte[8 * 100_000]));
        return h;
    }

    @Test
    void taggedFramesDecodeToTheirHeaderAndSamplesOrAreRefused() {
        Random rand = new Random(SEED);
        Fuzz.Stats s = Fuzz.run("gr-zeromq tag header + complex64 samples", SEED, Fuzz.INPUTS, validTagged(rand),
                hostileTagged(), this::decodeTagged, WireFormatException.class, (input, f) -> {
                    assertTrue(f.start() >= StreamTagHeader.BASE_LENGTH && f.start() <= input.length);
                    float[] got = Arrays.copyOf(samples, 2 * f.items());
                    byte[] again = frame(f.offset(), f.tags(), got);
                    Frame g = decodeTagged(again);
                    assertEquals(f.offset(), g.offset());
                    assertEquals(f.tags(), g.tags());
                    assertArrayEquals(Arrays.copyOfRange(input, f.start(), input.length),
                            Arrays.copyOfRange(again, g.start(), again.length), "samples re-encode to other bytes");
                });
        assertTrue(s.accepted() > 1000 && s.rejected() > 1000, s.line());
    }

    @Test
    void tagCountsBeyondTheFrameAreRefusedBeforeAllocation() {
        for (String count : List.of("ffffffffffffffff", "ffffffff00000000", "0000000001000000")) {
            byte[] b = concat(hex("f05f 01 0000000000000000"), hex(count), new byte[64]);
            WireFormatException e = Fuzz.refusedWithoutAllocating(WireFormatException.class, () -> decodeTagged(b));
            assertTrue(e.getMessage().startsWith("gr-zeromq header: " + Long.toUnsignedString(Long.reverseBytes(
                    Long.parseUnsignedLong(count, 16))) + " tags declared but only 64 bytes follow"), e.getMessage());
        }
    }

    @Test
    void rawFramesDecodeToTheirSamplesOrAreRefused() {
        Random rand = new Random(SEED + 1);
        List<byte[]> valid = new ArrayList<>();
        for (int items : new int[] {0, 1, 2, 7, 32}) {
            valid.add(frame(0, List.of(), gaussian(rand, items)));
        }
        valid.replaceAll(b -> Arrays.copyOfRange(b, StreamTagHeader.BASE_LENGTH, b.length));
        valid.add(concat(hex("0000c07f 00000000"))); // a NaN: refused
        List<byte[]> hostile = List.of(new byte[8 * 131_072], new byte[8 * 131_072 - 1]);
        float[] viaBuffer = new float[2 * MAX_ITEMS];
        Fuzz.Stats s = Fuzz.run("complex64 samples", SEED + 1, Fuzz.INPUTS, valid, hostile,
                (byte[] b) -> Complex64Codec.decodeFinite(b, 0, b.length, samples, 0), WireFormatException.class,
                (input, items) -> {
                    byte[] again = new byte[8 * items];
                    Complex64Codec.encode(samples, 0, items, again, 0);
                    assertArrayEquals(input, again, "samples re-encode to other bytes");
                    ByteBuffer bb = ByteBuffer.wrap(input);
                    assertEquals(items, Complex64Codec.decode(bb, viaBuffer, 0));
                    assertEquals(input.length, bb.position());
                    assertTrue(Arrays.equals(samples, 0, 2 * items, viaBuffer, 0, 2 * items),
                            "the ByteBuffer path decodes other samples");
                });
        assertTrue(s.accepted() > 1000 && s.rejected() > 1000, s.line());
    }
}
