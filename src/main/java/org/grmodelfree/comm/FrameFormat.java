package org.grmodelfree.comm;

/**
 * The layout of one training batch on a complex sample stream, so that a receiver can find it
 * after a channel that delays, drops or holds back samples:
 *
 * <pre>
 *   [preamble: 64 samples] [header: 48 bits x chipsPerBit samples] [payload: payloadSymbols]
 *   [end marker: 32 samples] [guard: zeros]
 * </pre>
 *
 * The stream itself starts with {@link #leadIn()} zeros, so that leading samples a channel drops
 * (GNU Radio's channel_model drops 3) fall on silence, and each frame ends with a guard of zeros,
 * so that trailing samples a channel holds back (channel_model holds back 5) are silence too. The
 * header carries the 32-bit batch id and a CRC-16; the end marker must sit exactly where the
 * payload ends, so a frame that lost or gained samples is rejected instead of being paired with
 * the wrong messages. All non-zero samples have unit energy.
 *
 * @param payloadSymbols complex payload samples per frame (batch size times N)
 * @param chipsPerBit samples per header bit (a multiple of segment)
 * @param segment samples over which detection correlates coherently; correlations of successive
 *     segments add non-coherently, which tolerates phase noise and fading that changes every
 *     segment (use N, the symbols per message, for block fading)
 * @param guard zero samples after each frame
 * @param leadIn zero samples at the start of the stream
 * @param threshold detection threshold of the normalised correlation, in (0, 1)
 */
public record FrameFormat(int payloadSymbols, int chipsPerBit, int segment, int guard, int leadIn, double threshold) {
    /** Samples of the preamble. */
    public static final int PREAMBLE = 64;
    /** Samples of the end marker. */
    public static final int END_MARKER = 32;
    /** Header bits: 32-bit batch id then CRC-16. */
    public static final int HEADER_BITS = 48;

    public FrameFormat {
        if (payloadSymbols < 1) {
            throw new IllegalArgumentException("frame payload must hold at least one symbol, got " + payloadSymbols);
        }
        if (segment < 1 || chipsPerBit < segment || chipsPerBit % segment != 0 || PREAMBLE % segment != 0
                || END_MARKER % segment != 0) {
            throw new IllegalArgumentException("frame: segment " + segment + " must divide " + PREAMBLE + ", "
                    + END_MARKER + " and chipsPerBit " + chipsPerBit);
        }
        if (chipsPerBit % 2 != 0) {
            throw new IllegalArgumentException("frame: chipsPerBit must be even, got " + chipsPerBit);
        }
        if (guard < 0 || leadIn < 0) {
            throw new IllegalArgumentException("frame: guard and lead-in must not be negative");
        }
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("frame: detection threshold must lie in (0, 1), got " + threshold);
        }
    }

    /** The default layout for a payload: 8 chips per bit, segments of 4, 32 guard and lead-in zeros. */
    public static FrameFormat of(int payloadSymbols) {
        return new FrameFormat(payloadSymbols, 8, 4, 32, 64, 0.6);
    }

    /** The preamble's known symbols (a copy; interleaved re, im; unit modulus). */
    public static float[] preambleSymbols() {
        return FrameCodes.PREAMBLE.clone();
    }

    /** The end marker's known symbols (a copy; interleaved re, im; unit modulus). */
    public static float[] endMarkerSymbols() {
        return FrameCodes.END_MARKER.clone();
    }

    /** Whether 48 header bits (batch id, then its CRC-16) are consistent. */
    public static boolean headerValid(long header) {
        return (header & 0xFFFF) == FrameCodes.crc16((int) (header >>> 16));
    }

    /** Chip k of a header bit's pattern: +1 for bit 0; (-1)^k for bit 1 (real). */
    public static float headerChip(int bit, int k) {
        return FrameCodes.chip(bit, k);
    }

    /**
     * A fixed pseudo-random sequence of length unit-energy QPSK symbols drawn from seed: how every
     * known sequence of a framing is made (other layers' preambles and pilots use their own seeds).
     */
    public static float[] knownQpsk(int length, long seed) {
        return FrameCodes.qpsk(length, seed);
    }

    /** Samples of the header. */
    public int headerSamples() {
        return HEADER_BITS * chipsPerBit;
    }

    /** Offset of the payload from the frame start. */
    public int payloadOffset() {
        return PREAMBLE + headerSamples();
    }

    /** Offset of the end marker from the frame start. */
    public int endMarkerOffset() {
        return payloadOffset() + payloadSymbols;
    }

    /** Samples a receiver needs from the frame start to decode it (everything but the guard). */
    public int decodableLength() {
        return endMarkerOffset() + END_MARKER;
    }

    /** Samples of one frame on the stream, guard included. */
    public int frameLength() {
        return decodableLength() + guard;
    }
}
