package org.grmodelfree.wire;

import static org.grmodelfree.wire.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Complex64CodecTest {

    private final Random rand = new Random(345);

    @Test
    void oneItemHasKnownLittleEndianBytes() {
        byte[] wire = new byte[8];
        assertEquals(8, Complex64Codec.encode(new float[] {1.0f, -2.0f}, 0, 1, wire, 0));
        assertArrayEquals(hex("0000803f 000000c0"), wire);

        float[] back = new float[2];
        assertEquals(1, Complex64Codec.decode(wire, 0, 8, back, 0));
        assertArrayEquals(new float[] {1.0f, -2.0f}, back);
    }

    @Test
    void roundTripsWithOffsetsOnBothSides() {
        float[] samples = new float[2 * 100];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (float) rand.nextGaussian();
        }
        byte[] wire = new byte[3 + 8 * 50];
        assertEquals(400, Complex64Codec.encode(samples, 20, 50, wire, 3));
        float[] back = new float[5 + 100];
        assertEquals(50, Complex64Codec.decode(wire, 3, 400, back, 5));
        for (int i = 0; i < 100; i++) {
            assertEquals(samples[20 + i], back[5 + i]);
        }
    }

    @Test
    void byteBufferVariantIgnoresBufferOrderAndAdvancesPosition() {
        byte[] wire = hex("ff 0000803f 000000c0 00002040 0000c0bf");
        for (ByteBuffer buf : new ByteBuffer[] {
            ByteBuffer.wrap(wire), // big-endian by default
            ByteBuffer.allocateDirect(wire.length).order(ByteOrder.LITTLE_ENDIAN).put(wire).flip()
        }) {
            buf.position(1);
            float[] out = new float[4];
            assertEquals(2, Complex64Codec.decode(buf, out, 0));
            assertArrayEquals(new float[] {1.0f, -2.0f, 2.5f, -1.5f}, out);
            assertEquals(wire.length, buf.position());
        }
        ByteBuffer odd = ByteBuffer.wrap(new byte[12]);
        assertThrows(WireFormatException.class, () -> Complex64Codec.decode(odd, new float[4], 0));
    }

    @Test
    void rejectsLengthsThatAreNotWholeItems() {
        byte[] wire = new byte[1003];
        float[] out = new float[300];
        for (int len : new int[] {1, 2, 3, 4, 5, 6, 7, 9, 15, 1003}) {
            WireFormatException e = assertThrows(WireFormatException.class,
                    () -> Complex64Codec.decode(wire, 0, len, out, 0));
            assertEquals("complex64 stream frame: " + len + " bytes is not a multiple of 8",
                    e.getMessage());
        }
        assertEquals(0, Complex64Codec.decode(wire, 0, 0, out, 0));
    }

    @Test
    void decodeFiniteNamesTheFirstBadSample() {
        float[] samples = {0f, 1f, 2f, 3f, 4f, Float.NaN, Float.POSITIVE_INFINITY, 7f};
        byte[] wire = new byte[32];
        Complex64Codec.encode(samples, 0, 4, wire, 0);
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> Complex64Codec.decodeFinite(wire, 0, 32, new float[8], 0));
        assertEquals("complex64 stream frame: sample 2 imaginary part is NaN at byte 20",
                e.getMessage());

        samples[5] = 5f;
        Complex64Codec.encode(samples, 0, 4, wire, 0);
        e = assertThrows(WireFormatException.class,
                () -> Complex64Codec.decodeFinite(wire, 0, 32, new float[8], 0));
        assertEquals("complex64 stream frame: sample 3 real part is Infinity at byte 24",
                e.getMessage());

        float[] ok = new float[6];
        assertEquals(3, Complex64Codec.decodeFinite(wire, 0, 24, ok, 0));
    }

    @Test
    void tooSmallDestinationIsACallerError() {
        assertThrows(IndexOutOfBoundsException.class,
                () -> Complex64Codec.decode(new byte[16], 0, 16, new float[3], 0));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Complex64Codec.encode(new float[4], 0, 2, new byte[15], 0));
    }

    @Test
    void decodeAndEncodeAllocateNothing() {
        byte[] wire = new byte[8 * 1024];
        float[] samples = new float[2 * 1024];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = i;
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(wire.length);
        for (int i = 0; i < 3000; i++) { // warm up past JIT compilation
            roundTrip(samples, wire, direct);
        }
        long before = TestBytes.allocatedBytes();
        for (int i = 0; i < 1000; i++) {
            roundTrip(samples, wire, direct);
        }
        long allocated = TestBytes.allocatedBytes() - before;
        assertTrue(allocated < 1024,
                "1000 round trips of 1024 items allocated " + allocated + " bytes");
    }

    private static void roundTrip(float[] samples, byte[] wire, ByteBuffer direct) {
        Complex64Codec.encode(samples, 0, 1024, wire, 0);
        Complex64Codec.decodeFinite(wire, 0, wire.length, samples, 0);
        direct.clear();
        direct.put(wire).flip();
        Complex64Codec.decode(direct, samples, 0);
    }
}
