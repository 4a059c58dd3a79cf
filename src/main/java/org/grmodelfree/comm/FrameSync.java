package org.grmodelfree.comm;

/**
 * Finds the frames of a {@link FrameFormat} in a complex sample stream that arrives in pieces of
 * any size, after a channel that may delay it, drop or hold back samples, rotate its phase, scale
 * it or fade it. Push samples in with {@link #push}; {@link #next} hands out one whole frame at a
 * time (payload and batch id) or says that more samples are needed.
 *
 * <p>Detection is a normalised correlation with the preamble, coherent over segments of
 * {@link FrameFormat#segment()} samples and non-coherent across them (1 for a perfect match, about
 * 1/segment for noise). Once a frame is found the next is looked for where it should start, then
 * anywhere. A frame is handed out only if its header CRC holds and its end marker sits exactly
 * where its payload ends: a frame that lost or gained samples inside is counted as partial and
 * skipped, never paired with the wrong messages. Allocates only when its buffer grows.
 */
public final class FrameSync {
    /** How far (samples) from the expected start a locked search looks. */
    private static final int LOCK_WINDOW = 8;
    private static final float TINY = 1e-12f;

    private final FrameFormat f;
    private float[] buf;
    /** Absolute stream index of buf's first sample. */
    private long base;
    /** Samples in buf. */
    private int len;
    /** First sample (relative) not yet consumed or searched. */
    private int pos;
    /** Absolute index where the next frame should start, or -1 when not locked. */
    private long expected = -1;
    private long batchId = -1;
    private long frameStart = -1;
    private long decoded;
    private long headerErrors;
    private long partial;
    private long missed;
    private long lastPartialId = -1;

    public FrameSync(FrameFormat format) {
        this.f = format;
        this.buf = new float[2 * Math.max(4 * format.frameLength(), 1 << 14)];
    }

    public FrameFormat format() {
        return f;
    }

    /** Appends items complex samples (interleaved) from src[2*off..]. src not modified. */
    public void push(float[] src, int off, int items) {
        if (len + items > buf.length / 2) {
            if (pos > 0) {
                System.arraycopy(buf, 2 * pos, buf, 0, 2 * (len - pos));
                base += pos;
                len -= pos;
                pos = 0;
            }
            if (len + items > buf.length / 2) {
                buf = java.util.Arrays.copyOf(buf, 2 * Math.max(buf.length / 2 * 2, len + items));
            }
        }
        System.arraycopy(src, 2 * off, buf, 2 * len, 2 * items);
        len += items;
    }

    /**
     * If a whole frame is available, copies its payload into payload[0 .. 2 * payloadSymbols) and
     * returns true ({@link #batchId()} and {@link #frameStart()} then describe it); otherwise
     * returns false and waits for more samples. payload modified only when true is returned.
     */
    public boolean next(float[] payload) {
        int p = FrameFormat.PREAMBLE;
        while (true) {
            int k;
            if (expected >= 0) {
                int rel = (int) (expected - base);
                int from = Math.max(pos, rel - LOCK_WINDOW);
                int to = rel + LOCK_WINDOW;
                if (to + p > len) {
                    return false;
                }
                k = best(from, to);
                if (metric(k, FrameCodes.PREAMBLE, p) < f.threshold()) {
                    expected = -1;
                    continue;
                }
            } else {
                k = search(p);
                if (k < 0) {
                    return false;
                }
            }
            if (k + f.decodableLength() > len) {
                pos = k;
                return false;
            }
            long header = readHeader(k + p);
            int id = (int) (header >>> 16);
            if ((header & 0xFFFF) != FrameCodes.crc16(id)) {
                headerErrors++;
                pos = k + 1;
                expected = -1;
                continue;
            }
            if (metric(k + f.endMarkerOffset(), FrameCodes.END_MARKER, FrameFormat.END_MARKER) < f.threshold()) {
                partial++;
                lastPartialId = id & 0xFFFFFFFFL;
                pos = k + p;
                expected = -1;
                continue;
            }
            long newId = id & 0xFFFFFFFFL;
            if (batchId >= 0 && newId > batchId + 1) {
                missed += newId - batchId - 1;
            }
            batchId = newId;
            frameStart = base + k;
            System.arraycopy(buf, 2 * (k + f.payloadOffset()), payload, 0, 2 * f.payloadSymbols());
            pos = k + f.decodableLength();
            expected = base + k + f.frameLength();
            decoded++;
            return true;
        }
    }

    /** The first preamble at or after pos (peak-picked), or -1 when more samples are needed. */
    private int search(int p) {
        for (int k = pos; k + p <= len; k++) {
            if (metric(k, FrameCodes.PREAMBLE, p) >= f.threshold()) {
                int end = k + p / 2;
                if (end + p > len) {
                    pos = k;
                    return -1;
                }
                return best(k, end);
            }
        }
        pos = Math.max(pos, len - p + 1);
        return -1;
    }

    /** The position in [from, to] with the largest preamble metric. */
    private int best(int from, int to) {
        int arg = from;
        double bestMetric = -1;
        for (int k = from; k <= to; k++) {
            double m = metric(k, FrameCodes.PREAMBLE, FrameFormat.PREAMBLE);
            if (m > bestMetric) {
                bestMetric = m;
                arg = k;
            }
        }
        return arg;
    }

    /**
     * Normalised segment-wise correlation of buf[k .. k + length) with seq: the sum over segments of
     * |sum y conj(s)|^2 divided by segment times the received energy; 1 at a perfect match.
     */
    private double metric(int k, float[] seq, int length) {
        int seg = f.segment();
        double num = 0;
        double energy = 0;
        for (int s = 0; s < length; s += seg) {
            double cr = 0;
            double ci = 0;
            for (int i = s; i < s + seg; i++) {
                float yr = buf[2 * (k + i)];
                float yi = buf[2 * (k + i) + 1];
                float pr = seq[2 * i];
                float pi = seq[2 * i + 1];
                cr += yr * pr + yi * pi;
                ci += yi * pr - yr * pi;
                energy += yr * yr + yi * yi;
            }
            num += cr * cr + ci * ci;
        }
        return energy > TINY ? num / (seg * energy) : 0;
    }

    /** The 48 header bits starting at relative sample k, by non-coherent chip-pattern energy. */
    private long readHeader(int k) {
        int chips = f.chipsPerBit();
        int seg = f.segment();
        long bits = 0;
        for (int b = 0; b < FrameFormat.HEADER_BITS; b++) {
            int o = k + b * chips;
            double e0 = 0;
            double e1 = 0;
            for (int s = 0; s < chips; s += seg) {
                double r0 = 0;
                double i0 = 0;
                double r1 = 0;
                double i1 = 0;
                for (int c = s; c < s + seg; c++) {
                    float yr = buf[2 * (o + c)];
                    float yi = buf[2 * (o + c) + 1];
                    r0 += yr;
                    i0 += yi;
                    float sign = FrameCodes.chip(1, c);
                    r1 += sign * yr;
                    i1 += sign * yi;
                }
                e0 += r0 * r0 + i0 * i0;
                e1 += r1 * r1 + i1 * i1;
            }
            bits = bits << 1 | (e1 > e0 ? 1 : 0);
        }
        return bits;
    }

    /** Batch id of the last frame handed out, -1 before the first. */
    public long batchId() {
        return batchId;
    }

    /** Absolute stream index of the last frame's first sample, -1 before the first. */
    public long frameStart() {
        return frameStart;
    }

    /** Frames handed out. */
    public long framesDecoded() {
        return decoded;
    }

    /** Preamble detections whose header CRC failed (false detections or corrupted headers). */
    public long headerErrors() {
        return headerErrors;
    }

    /** Frames with a valid header whose end marker was not where the payload ends (samples lost or added). */
    public long partialFrames() {
        return partial;
    }

    /** Batch id in the header of the last partial frame, -1 before the first. */
    public long lastPartialBatchId() {
        return lastPartialId;
    }

    /** Batch ids skipped between consecutive frames handed out. */
    public long missedFrames() {
        return missed;
    }
}
