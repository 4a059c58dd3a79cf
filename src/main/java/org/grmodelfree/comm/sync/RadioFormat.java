package org.grmodelfree.comm.sync;

import org.grmodelfree.comm.FrameFormat;

/**
 * How one frame of the link ({@link FrameFormat}, one sample per symbol) travels through a radio:
 * wrapped in known symbols, pulse shaped with a root-raised cosine at {@code sps} samples per symbol.
 * At the symbol rate a radio frame is
 *
 * <pre>
 *   [sync: 4 repeats of 16 known symbols]
 *   [the link frame's preamble, header, payload and end marker, with a pilot block of pilotLength
 *    known symbols after every pilotSpacing of its symbols]
 *   [tail: 32 known symbols] [guard: span zero symbols]
 * </pre>
 *
 * The repeated sync block lets a receiver find the frame and its carrier offset whatever the timing
 * (Schmidl-Cox); the sync with the link preamble after it (128 known symbols) gives the start's
 * fine timing, gain and phase; the link's end marker with the tail (64 known symbols) gives them at
 * the end, and so the sample-clock offset over the frame; the pilots track phase and gain in
 * between. Nothing in it assumes a constellation: the learned symbols are never used to synchronise.
 * The guard lets the pulse shaper's tail die out before the next frame or idle samples.
 *
 * @param inner the link's frame
 * @param sps samples per symbol, 2 to 32
 * @param rolloff the root-raised cosine's roll-off, in (0, 1]
 * @param span the filter's length in symbols (even; taps = span * sps + 1)
 * @param pilotSpacing link symbols between pilot blocks (0: no pilots)
 * @param pilotLength symbols of a pilot block
 */
public record RadioFormat(FrameFormat inner, int sps, double rolloff, int span, int pilotSpacing, int pilotLength) {
    /** Symbols of the repeated sync block. */
    public static final int SYNC_BLOCK = 16;
    /** Repeats of the sync block. */
    public static final int SYNC_REPEATS = 4;
    /** Symbols of the sync. */
    public static final int SYNC = SYNC_BLOCK * SYNC_REPEATS;
    /** Known symbols after the link frame. */
    public static final int TAIL = 32;

    private static final long SYNC_SEED = 0x5EED_5A7C_0003L;
    private static final long PILOT_SEED = 0x5EED_9117_0004L;
    private static final long TAIL_SEED = 0x5EED_7A11_0005L;

    public RadioFormat {
        if (sps < 2 || sps > 32) {
            throw new IllegalArgumentException("radio: samples per symbol must lie in [2, 32], got " + sps);
        }
        if (!(rolloff > 0 && rolloff <= 1)) {
            throw new IllegalArgumentException("radio: roll-off must lie in (0, 1], got " + rolloff);
        }
        if (span < 2 || span > 64 || span % 2 != 0) {
            throw new IllegalArgumentException("radio: filter span must be an even number of symbols in [2, 64], got "
                    + span);
        }
        if (pilotSpacing != 0 && (pilotSpacing < 16 || pilotLength < 4 || pilotLength > pilotSpacing)) {
            throw new IllegalArgumentException("radio: pilots need a spacing of at least 16 symbols and blocks of 4"
                    + " to spacing symbols (or spacing 0 for none), got spacing " + pilotSpacing + ", length "
                    + pilotLength);
        }
    }

    /** The defaults: 4 samples per symbol, roll-off 0.35, an 8-symbol filter, 8 pilots every 256 symbols. */
    public static RadioFormat of(FrameFormat inner) {
        return new RadioFormat(inner, 4, 0.35, 8, 256, 8);
    }

    /** Link symbols a radio frame carries: the link frame without its guard. */
    public int innerSymbols() {
        return inner.decodableLength();
    }

    /** Pilot blocks in a frame: one after every pilotSpacing link symbols but the last. */
    public int pilotBlocks() {
        return pilotSpacing == 0 ? 0 : (innerSymbols() - 1) / pilotSpacing;
    }

    /** Radio symbol index of link symbol i. */
    public int radioIndex(int i) {
        return SYNC + i + (pilotSpacing == 0 ? 0 : i / pilotSpacing * pilotLength);
    }

    /** Radio symbol index of pilot block j's first symbol. */
    public int pilotStart(int j) {
        return SYNC + (j + 1) * pilotSpacing + j * pilotLength;
    }

    /** Radio symbol index of the tail's first symbol. */
    public int tailStart() {
        return SYNC + innerSymbols() + pilotBlocks() * pilotLength;
    }

    /** Radio symbol index where the known end (link end marker, then tail) begins. */
    public int endStart() {
        return tailStart() - FrameFormat.END_MARKER;
    }

    /** Symbols of a frame without its guard. */
    public int frameSymbols() {
        return tailStart() + TAIL;
    }

    /** Symbols of a frame with its guard of zeros. */
    public int totalSymbols() {
        return frameSymbols() + span;
    }

    /** Samples of a frame on the radio, guard included. */
    public int frameSamples() {
        return totalSymbols() * sps;
    }

    /** The filter taps (unit energy). */
    public float[] taps() {
        return RrcFilter.design(sps, rolloff, span);
    }

    /** The sync's known symbols: the 16-symbol block four times (interleaved). */
    public static float[] syncSymbols() {
        float[] block = FrameFormat.knownQpsk(SYNC_BLOCK, SYNC_SEED);
        float[] s = new float[2 * SYNC];
        for (int r = 0; r < SYNC_REPEATS; r++) {
            System.arraycopy(block, 0, s, 2 * r * SYNC_BLOCK, 2 * SYNC_BLOCK);
        }
        return s;
    }

    /** The known symbols at the start: the sync, then the link frame's preamble. */
    public static float[] startSymbols() {
        float[] s = new float[2 * (SYNC + FrameFormat.PREAMBLE)];
        System.arraycopy(syncSymbols(), 0, s, 0, 2 * SYNC);
        System.arraycopy(FrameFormat.preambleSymbols(), 0, s, 2 * SYNC, 2 * FrameFormat.PREAMBLE);
        return s;
    }

    /** The known symbols at the end: the link frame's end marker, then the tail. */
    public static float[] endSymbols() {
        float[] s = new float[2 * (FrameFormat.END_MARKER + TAIL)];
        System.arraycopy(FrameFormat.endMarkerSymbols(), 0, s, 0, 2 * FrameFormat.END_MARKER);
        System.arraycopy(FrameFormat.knownQpsk(TAIL, TAIL_SEED), 0, s, 2 * FrameFormat.END_MARKER, 2 * TAIL);
        return s;
    }

    /** The tail's known symbols. */
    public static float[] tailSymbols() {
        return FrameFormat.knownQpsk(TAIL, TAIL_SEED);
    }

    /** A pilot block's known symbols. */
    public float[] pilotSymbols() {
        return FrameFormat.knownQpsk(Math.max(pilotLength, 1), PILOT_SEED);
    }
}
