package org.grmodelfree.comm.sync;

import java.util.Arrays;

/**
 * The transmit side of a {@link RadioFormat}: wraps a link frame in its sync, pilots and tail,
 * pulse shapes it with the root-raised cosine, and scales it for a DAC. The output is a continuous
 * stream: {@link #frame} and {@link #idle} may follow each other in any order, and the filter's
 * tail of one frame is carried into whatever comes next, so the samples are those of one continuous
 * pulse-shaped stream (the guard of each frame lets the tail die out).
 *
 * <p>Level: the link's symbols have unit mean energy, so with unit-energy taps the shaped samples
 * have mean power 1 / sps; they are scaled by {@code rms * sqrt(sps)}, so that a frame's samples
 * have RMS amplitude {@code rms} (in units of the DAC's full scale). A frame whose largest I or Q
 * value would still exceed {@code fullScale} (learned constellations and exploration noise have
 * peaks) is scaled down as a whole to fit, and counted: the receiver estimates each frame's gain,
 * so that costs the frame some SNR, never a clipped sample. Allocates nothing per frame.
 */
public final class RadioFramer {
    private final RadioFormat f;
    private final float[] taps;
    private final float scale;
    private final float fullScale;
    private final float[] symbols;
    private final float[] acc;
    /** Contributions of past symbols to the samples not yet written (taps - 1 samples). */
    private final float[] pending;
    private final int[] pilotAt;
    private final float[] start;
    private final float[] tail;
    private final float[] pilot;
    private long frames;
    private long framesScaled;
    private double minScale = 1;
    private double paprMaxDb = Double.NEGATIVE_INFINITY;
    private double paprSumDb;
    private double peakMax;
    private double powerSum;

    /**
     * @param rms RMS amplitude of a frame's samples, as a fraction of full scale
     * @param fullScale the largest |I| or |Q| the DAC takes (1.0 for UHD, Soapy and gr-iio sinks)
     */
    public RadioFramer(RadioFormat format, double rms, double fullScale) {
        if (!(rms > 0 && rms <= fullScale)) {
            throw new IllegalArgumentException("radio: RMS amplitude must lie in (0, full scale " + fullScale
                    + "], got " + rms);
        }
        this.f = format;
        this.taps = format.taps();
        this.scale = (float) (rms * Math.sqrt(format.sps()));
        this.fullScale = (float) fullScale;
        this.symbols = new float[2 * format.totalSymbols()];
        this.acc = new float[2 * (format.frameSamples() + taps.length - 1)];
        this.pending = new float[2 * (taps.length - 1)];
        this.pilotAt = new int[format.pilotBlocks()];
        for (int j = 0; j < pilotAt.length; j++) {
            pilotAt[j] = format.pilotStart(j);
        }
        this.start = RadioFormat.syncSymbols();
        this.tail = RadioFormat.tailSymbols();
        this.pilot = format.pilotSymbols();
    }

    public RadioFormat format() {
        return f;
    }

    /** Samples {@link #frame} writes: {@link RadioFormat#frameSamples()}. */
    public int frameSamples() {
        return f.frameSamples();
    }

    /**
     * Writes the radio frame carrying a link frame's symbols (its decodable part,
     * {@link RadioFormat#innerSymbols()} complex values interleaved from inner[2 * off]) at
     * out[2 * outOff ..]; returns the samples written, {@link #frameSamples()}.
     */
    public int frame(float[] inner, int off, float[] out, int outOff) {
        int d = f.innerSymbols();
        int k = f.pilotSpacing();
        System.arraycopy(start, 0, symbols, 0, 2 * RadioFormat.SYNC);
        if (k == 0) {
            System.arraycopy(inner, 2 * off, symbols, 2 * RadioFormat.SYNC, 2 * d);
        } else {
            for (int c = 0; c * k < d; c++) {
                int n = Math.min(k, d - c * k);
                System.arraycopy(inner, 2 * (off + c * k), symbols, 2 * f.radioIndex(c * k), 2 * n);
                if (c < pilotAt.length) {
                    System.arraycopy(pilot, 0, symbols, 2 * pilotAt[c], 2 * f.pilotLength());
                }
            }
        }
        System.arraycopy(tail, 0, symbols, 2 * f.tailStart(), 2 * RadioFormat.TAIL);
        Arrays.fill(symbols, 2 * f.frameSymbols(), symbols.length, 0f);

        int n = f.frameSamples();
        int sps = f.sps();
        Arrays.fill(acc, 0f);
        System.arraycopy(pending, 0, acc, 0, pending.length);
        for (int m = 0; m < f.frameSymbols(); m++) {
            float re = symbols[2 * m] * scale;
            float im = symbols[2 * m + 1] * scale;
            int b = 2 * m * sps;
            for (int t = 0; t < taps.length; t++) {
                acc[b + 2 * t] += re * taps[t];
                acc[b + 2 * t + 1] += im * taps[t];
            }
        }
        float peak = 0;
        double power = 0;
        double peakPower = 0;
        for (int i = 0; i < acc.length; i += 2) {
            float re = acc[i];
            float im = acc[i + 1];
            peak = Math.max(peak, Math.max(Math.abs(re), Math.abs(im)));
            double p = (double) re * re + (double) im * im;
            power += p;
            peakPower = Math.max(peakPower, p);
        }
        if (peak > fullScale) {
            float s = fullScale / peak * 0.999f;
            for (int i = 0; i < acc.length; i++) {
                acc[i] *= s;
            }
            framesScaled++;
            minScale = Math.min(minScale, s);
            peak *= s;
            power *= (double) s * s;
            peakPower *= (double) s * s;
        }
        double mean = power / (f.frameSymbols() * sps);
        double paprDb = 10 * Math.log10(peakPower / mean);
        paprMaxDb = Math.max(paprMaxDb, paprDb);
        paprSumDb += paprDb;
        peakMax = Math.max(peakMax, peak);
        powerSum += mean;
        frames++;
        System.arraycopy(acc, 0, out, 2 * outOff, 2 * n);
        System.arraycopy(acc, 2 * n, pending, 0, pending.length);
        return n;
    }

    /** Writes n idle samples (the last frame's filter tail, then zeros) at out[2 * off ..]. */
    public void idle(int n, float[] out, int off) {
        int p = pending.length / 2;
        int take = Math.min(n, p);
        System.arraycopy(pending, 0, out, 2 * off, 2 * take);
        Arrays.fill(out, 2 * (off + take), 2 * (off + n), 0f);
        if (take > 0) {
            System.arraycopy(pending, 2 * take, pending, 0, 2 * (p - take));
            Arrays.fill(pending, 2 * (p - take), pending.length, 0f);
        }
    }

    /** Frames written. */
    public long frames() {
        return frames;
    }

    /** Frames scaled down to fit full scale. */
    public long framesScaled() {
        return framesScaled;
    }

    /** The smallest factor a frame was scaled down by (1 when none was). */
    public double minScale() {
        return minScale;
    }

    /** Largest peak-to-average power ratio of a frame (peak |x|^2 over the frame's mean), dB; -inf before any. */
    public double paprMaxDb() {
        return paprMaxDb;
    }

    /** Mean over frames of their peak-to-average power ratio, dB; NaN before any. */
    public double paprMeanDb() {
        return frames == 0 ? Double.NaN : paprSumDb / frames;
    }

    /** Largest |I| or |Q| written, in full-scale units of the output (0 before any frame). */
    public double peak() {
        return peakMax;
    }

    /** Mean over frames of their mean sample power. */
    public double meanPower() {
        return frames == 0 ? Double.NaN : powerSum / frames;
    }
}
