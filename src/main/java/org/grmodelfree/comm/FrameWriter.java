package org.grmodelfree.comm;

/** Writes frames of a {@link FrameFormat} into interleaved complex sample buffers. Stateless. */
public final class FrameWriter {
    private final FrameFormat format;

    public FrameWriter(FrameFormat format) {
        this.format = format;
    }

    public FrameFormat format() {
        return format;
    }

    /** Writes the stream's lead-in (zeros) at out[off..]; returns the number of samples written. */
    public int writeLeadIn(float[] out, int off) {
        java.util.Arrays.fill(out, 2 * off, 2 * (off + format.leadIn()), 0f);
        return format.leadIn();
    }

    /**
     * Writes one frame carrying batchId and the payload (payloadSymbols complex samples,
     * interleaved, from payload[payloadOff..]) at complex sample out[off..]; returns the number of
     * samples written ({@link FrameFormat#frameLength()}). payload not modified; out modified.
     */
    public int write(long batchId, float[] payload, int payloadOff, float[] out, int off) {
        if (batchId < 0 || batchId > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("frame: batch id " + batchId + " does not fit 32 bits");
        }
        int o = 2 * off;
        System.arraycopy(FrameCodes.PREAMBLE, 0, out, o, 2 * FrameFormat.PREAMBLE);
        o += 2 * FrameFormat.PREAMBLE;
        int id = (int) batchId;
        long header = ((long) id & 0xFFFFFFFFL) << 16 | FrameCodes.crc16(id);
        int chips = format.chipsPerBit();
        for (int b = FrameFormat.HEADER_BITS - 1; b >= 0; b--) {
            int bit = (int) (header >>> b) & 1;
            for (int k = 0; k < chips; k++) {
                out[o++] = FrameCodes.chip(bit, k);
                out[o++] = 0f;
            }
        }
        System.arraycopy(payload, 2 * payloadOff, out, o, 2 * format.payloadSymbols());
        o += 2 * format.payloadSymbols();
        System.arraycopy(FrameCodes.END_MARKER, 0, out, o, 2 * FrameFormat.END_MARKER);
        o += 2 * FrameFormat.END_MARKER;
        java.util.Arrays.fill(out, o, o + 2 * format.guard(), 0f);
        return format.frameLength();
    }
}
