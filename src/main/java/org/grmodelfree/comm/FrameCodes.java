package org.grmodelfree.comm;

/**
 * The known sequences of {@link FrameFormat}, as interleaved (re, im) floats of unit modulus:
 * fixed pseudo-random QPSK sequences for the preamble and the end marker, and the two header chip
 * patterns (all ones for bit 0, alternating signs for bit 1), which are orthogonal over every
 * even-length segment. Also the CRC-16 of the header.
 *
 * <p>Pseudo-random rather than Zadoff-Chu: a Zadoff-Chu sequence shifted by one sample equals
 * itself with a frequency offset, which the segment-wise non-coherent detector tolerates, so its
 * peak would be several samples wide; a random sequence shifted by one sample looks like noise.
 */
final class FrameCodes {
    static final float[] PREAMBLE = qpsk(FrameFormat.PREAMBLE, 0x5EED_F4A3_E001L);
    static final float[] END_MARKER = qpsk(FrameFormat.END_MARKER, 0x5EED_E4D0_0002L);

    private FrameCodes() {
    }

    /** length unit-energy QPSK samples (+-1 +-i) / sqrt(2) drawn from a fixed seed. */
    static float[] qpsk(int length, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float a = (float) Math.sqrt(0.5);
        float[] z = new float[2 * length];
        for (int i = 0; i < z.length; i++) {
            z[i] = r.nextBoolean() ? a : -a;
        }
        return z;
    }

    /** Chip k of the pattern for a header bit: +1 for bit 0; (-1)^k for bit 1 (real). */
    static float chip(int bit, int k) {
        return bit == 0 || k % 2 == 0 ? 1f : -1f;
    }

    /** CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF) of the 4 big-endian bytes of a batch id. */
    static int crc16(int id) {
        int crc = 0xFFFF;
        for (int b = 3; b >= 0; b--) {
            crc = update(crc, id >>> (8 * b));
        }
        return crc;
    }

    /** CRC-16/CCITT-FALSE of a byte string (its check value for "123456789" is 0x29B1). */
    static int crc16Bytes(byte[] bytes) {
        int crc = 0xFFFF;
        for (byte b : bytes) {
            crc = update(crc, b);
        }
        return crc;
    }

    private static int update(int crc, int octet) {
        crc ^= (octet & 0xFF) << 8;
        for (int i = 0; i < 8; i++) {
            crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x1021) & 0xFFFF : (crc << 1) & 0xFFFF;
        }
        return crc;
    }
}
