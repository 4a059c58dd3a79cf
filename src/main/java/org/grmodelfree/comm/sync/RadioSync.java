package org.grmodelfree.comm.sync;

import java.util.Arrays;
import org.grmodelfree.comm.FrameFormat;

/**
 * The receive side of a {@link RadioFormat}: finds the radio frames in a continuous oversampled
 * stream (idle noise between them, arriving in pieces of any size), synchronises each from what
 * it carries, and hands out the link frame's symbols at one sample per symbol, corrected for
 * timing, sample-clock offset, carrier offset, phase and gain. Per frame:
 *
 * <ol>
 *   <li>matched filter (the same root-raised cosine) over the whole stream;
 *   <li>detection: the Schmidl-Cox metric {@code |P|^2 / (E1 E2)} of the repeated sync block
 *       ({@code P = sum conj(r[n]) r[n + D]} over three block lengths, D = 16 sps), computed with
 *       running sums, above a threshold, and its peak within one block length;
 *   <li>coarse carrier offset {@code arg(P) / (2 pi D)} (unambiguous up to 1 / 32 cycles per symbol);
 *   <li>fine timing: correlation with the 128 known start symbols at symbol spacing, parabolic
 *       interpolation; a normalised peak below {@code minCorrelation} is no frame (a false alarm);
 *   <li>carrier offset refined from the phase step between the two halves of the start;
 *   <li>the end (link end marker and tail, 64 known symbols) found near where the start says, which
 *       gives the sample-clock ratio over the frame;
 *   <li>every symbol interpolated (cubic) at {@code t0 + k sps ratio} and derotated;
 *   <li>complex gain at the start, at every pilot block and at the end, phases unwrapped, each
 *       smoothed by a local line through its neighbours, interpolated linearly between blocks; the
 *       link symbols are divided by it;
 *   <li>the link frame's header read coherently (the phase is known by now) and its CRC checked.
 * </ol>
 *
 * A frame whose carrier offset or clock offset is beyond the configured ranges, whose end is not
 * where it should be (samples lost or added inside), or whose header fails its CRC, is dropped and
 * counted by reason: it is never
 * handed out, so never paired with the wrong messages; the link receiver then reports its batch lost.
 * Allocates only when its buffer grows.
 */
public final class RadioSync {
    /** Why a frame that was found was not handed out. */
    public enum Drop {
        /** The carrier offset was beyond the range. */
        CARRIER_OFFSET,
        /** The end was found, but at a sample-clock offset beyond the range. */
        CLOCK_OFFSET,
        /** The end was not where the start put it (samples lost or added inside, or a fade). */
        END_NOT_FOUND,
        /** The link frame's header (batch id and CRC), read coherently, failed its CRC. */
        HEADER
    }

    /**
     * Default detection threshold: the metric is about (snr / (1 + snr))^2 at a frame's start (0.25 at
     * Es/N0 = 0 dB) and about 1/48 on noise at 4 samples per symbol.
     */
    public static final double THRESHOLD = 0.15;
    /**
     * Default least normalised correlation of the known start (128 symbols) and end (64): about
     * sqrt(snr / (1 + snr)) for a frame (0.71 at 0 dB), about 0.1 on noise, at most 3/8 for the start
     * one sync block off.
     */
    public static final double MIN_CORRELATION = 0.5;

    /** Anchors (start, pilots, end) on each side of a gain estimate's local line. */
    private static final int SMOOTH = 2;
    private static final double TINY = 1e-20;

    private final RadioFormat f;
    private final int sps;
    private final float[] taps;
    private final double threshold;
    private final double minCorrelation;
    private final double maxCarrier;
    private final double maxClock;
    /** Lag and window of the detection metric, in samples. */
    private final int lag;
    private final int window;
    private final float[] startSeq;
    private final float[] endSeq;
    private final float[] pilot;
    /** Matched-filter input history: the last taps - 1 raw samples. */
    private final float[] history;
    /** The filtered stream: buf[0 .. len) holds absolute samples base .. base + len. */
    private float[] buf;
    private long base;
    private int len;
    /** Next detection position (relative). */
    private int scan;
    private boolean sumsValid;
    /**
     * The detection metric's running sums for the window at scan: P (re, im) = sum conj(r[n]) r[n + lag],
     * E1 = sum |r[n]|^2, E2 = sum |r[n + lag]|^2; and a copy the peak search slides ahead.
     */
    private final double[] sums = new double[4];
    private final double[] ahead = new double[4];
    private int sinceRefresh;
    private final double[] scratch = new double[2];
    /** The last {@link #at} result. */
    private double atRe;
    private double atIm;
    /** The last {@link #correlate} result. */
    private double cRe;
    private double cIm;
    // per-frame work arrays
    private final float[] sym;
    private final int anchors;
    private final double[] anchorAt;
    private final double[] anchorRe;
    private final double[] anchorIm;
    private final double[] anchorMag;
    private final double[] anchorPhase;
    private final double[] smoothMag;
    private final double[] smoothPhase;
    // counters and the last frame's estimates
    private long samples;
    private long detections;
    private long falseAlarms;
    private long framesOut;
    private final long[] dropped = new long[Drop.values().length];
    private long frameStart = -1;
    private long batchId = -1;
    private double lastCarrier = Double.NaN;
    private double lastClockPpm = Double.NaN;
    private double lastGain = Double.NaN;
    private double lastPhase = Double.NaN;
    private double lastSnrDb = Double.NaN;
    private double lastTiming = Double.NaN;
    private double sumCarrier;
    private double sumClockPpm;
    private double sumSnrDb;

    /**
     * @param threshold detection threshold of the sync metric, in (0, 1)
     * @param minCorrelation least normalised correlation of the known start and end, in (0, 1)
     * @param maxCarrier largest carrier offset taken, cycles per symbol (at most 1 / 32)
     * @param maxClockPpm largest sample-clock offset taken, parts per million
     */
    public RadioSync(RadioFormat format, double threshold, double minCorrelation, double maxCarrier,
                     double maxClockPpm) {
        if (!(threshold > 0 && threshold < 1) || !(minCorrelation > 0 && minCorrelation < 1)) {
            throw new IllegalArgumentException("radio sync: threshold and least correlation must lie in (0, 1), got "
                    + threshold + " and " + minCorrelation);
        }
        if (!(maxCarrier > 0 && maxCarrier <= 1.0 / (2 * RadioFormat.SYNC_BLOCK))) {
            throw new IllegalArgumentException("radio sync: the carrier offset range must lie in (0, 1/"
                    + 2 * RadioFormat.SYNC_BLOCK + "] cycles per symbol (what the sync block can tell), got "
                    + maxCarrier);
        }
        if (!(maxClockPpm > 0 && maxClockPpm <= 10_000)) {
            throw new IllegalArgumentException("radio sync: the clock offset range must lie in (0, 10000] ppm, got "
                    + maxClockPpm);
        }
        this.f = format;
        this.sps = format.sps();
        this.taps = format.taps();
        this.threshold = threshold;
        this.minCorrelation = minCorrelation;
        this.maxCarrier = maxCarrier;
        this.maxClock = maxClockPpm * 1e-6;
        this.lag = RadioFormat.SYNC_BLOCK * sps;
        this.window = (RadioFormat.SYNC_REPEATS - 1) * lag;
        this.startSeq = RadioFormat.startSymbols();
        this.endSeq = RadioFormat.endSymbols();
        this.pilot = format.pilotSymbols();
        this.history = new float[2 * (taps.length - 1)];
        this.buf = new float[2 * Math.max(4 * format.frameSamples(), 1 << 16)];
        this.sym = new float[2 * format.frameSymbols()];
        this.anchors = format.pilotBlocks() + 2;
        this.anchorAt = new double[anchors];
        this.anchorRe = new double[anchors];
        this.anchorIm = new double[anchors];
        this.anchorMag = new double[anchors];
        this.anchorPhase = new double[anchors];
        this.smoothMag = new double[anchors];
        this.smoothPhase = new double[anchors];
    }

    /** The defaults for a format: threshold 0.15, least correlation 0.4, +-1/32 cycles per symbol, +-200 ppm. */
    public static RadioSync of(RadioFormat format) {
        return new RadioSync(format, THRESHOLD, MIN_CORRELATION, 1.0 / 32, 200);
    }

    public RadioFormat format() {
        return f;
    }

    /** Matched-filters n raw samples from in[2 * off ..] onto the end of the stream. in not modified. */
    public void push(float[] in, int off, int n) {
        makeRoom(n);
        int h = history.length / 2;
        int t = taps.length;
        for (int i = 0; i < n; i++) {
            double re = 0;
            double im = 0;
            // y[i] = sum_k taps[k] x[i - k]; x[j] for j < 0 comes from the history
            for (int k = 0; k < t; k++) {
                int j = i - k;
                float xr;
                float xi;
                if (j >= 0) {
                    xr = in[2 * (off + j)];
                    xi = in[2 * (off + j) + 1];
                } else {
                    xr = history[2 * (h + j)];
                    xi = history[2 * (h + j) + 1];
                }
                re += taps[k] * xr;
                im += taps[k] * xi;
            }
            buf[2 * (len + i)] = (float) re;
            buf[2 * (len + i) + 1] = (float) im;
        }
        if (n >= h) {
            System.arraycopy(in, 2 * (off + n - h), history, 0, 2 * h);
        } else {
            System.arraycopy(history, 2 * n, history, 0, 2 * (h - n));
            System.arraycopy(in, 2 * off, history, 2 * (h - n), 2 * n);
        }
        len += n;
        samples += n;
    }

    private void makeRoom(int n) {
        if (len + n <= buf.length / 2) {
            return;
        }
        int keep = Math.max(0, scan - 3 * lag - 8);
        if (keep > 0) {
            System.arraycopy(buf, 2 * keep, buf, 0, 2 * (len - keep));
            base += keep;
            len -= keep;
            scan -= keep;
        }
        if (len + n > buf.length / 2) {
            buf = Arrays.copyOf(buf, 2 * Math.max(buf.length, 2 * (len + n)));
        }
    }

    /**
     * If a whole frame has been found and synchronised, writes its link symbols
     * ({@link RadioFormat#innerSymbols()}, interleaved) into out and returns true; otherwise returns
     * false and waits for more samples ({@link #batchId()} is the frame's). out may also be
     * overwritten by a frame that is then dropped.
     */
    public boolean next(float[] out) {
        int need = window + lag;
        while (true) {
            if (scan < 0) {
                scan = 0;
                sumsValid = false;
            }
            if (scan + need > len) {
                return false;
            }
            if (!sumsValid || sinceRefresh >= 4096) {
                sums(scan);
            }
            double m = metric(sums);
            if (m < threshold) {
                advance();
                continue;
            }
            // the peak: the metric rises over the three blocks before the sync's start
            int reach = (RadioFormat.SYNC_REPEATS - 1) * lag;
            if (scan + reach + need > len) {
                return false;
            }
            int peakAt = scan;
            double peakM = m;
            double peakRe = sums[0];
            double peakIm = sums[1];
            System.arraycopy(sums, 0, ahead, 0, sums.length);
            for (int d = scan + 1; d <= scan + reach; d++) {
                slide(ahead, d - 1);
                double v = metric(ahead);
                if (v > peakM) {
                    peakM = v;
                    peakAt = d;
                    peakRe = ahead[0];
                    peakIm = ahead[1];
                }
            }
            // the whole frame, and room to look for its end, must be in
            int slack = (int) Math.ceil(maxClock * f.frameSymbols() * sps) + 4 * sps;
            if (peakAt + 2 * lag + f.frameSymbols() * sps + slack + taps.length > len) {
                return false;
            }
            detections++;
            int result = frame(peakAt, Math.atan2(peakIm, peakRe) / (2 * Math.PI * lag), out);
            if (result == 0) {
                framesOut++;
                scan = (int) Math.round(lastTiming - base + (taps.length - 1) / 2.0) + f.frameSymbols() * sps;
                sumsValid = false;
                return true;
            }
            if (result < 0) {
                // not a frame: look again past this peak (the metric stays high around it, and each
                // look costs a correlation over two block lengths)
                falseAlarms++;
                scan = peakAt + lag;
                sumsValid = false;
                continue;
            }
            dropped[result - 1]++;
            scan = peakAt + (f.frameSymbols() - RadioFormat.TAIL) * sps;
            sumsValid = false;
        }
    }

    private void sums(int d) {
        java.util.Arrays.fill(sums, 0);
        for (int n = d; n < d + window; n++) {
            sums[0] += dotRe(n, n + lag);
            sums[1] += dotIm(n, n + lag);
            sums[2] += energy(n);
            sums[3] += energy(n + lag);
        }
        sumsValid = true;
        sinceRefresh = 0;
    }

    private void advance() {
        if (sumsValid) {
            if (scan + window + lag < len) {
                slide(sums, scan);
                sinceRefresh++;
            } else {
                sumsValid = false;
            }
        }
        scan++;
    }

    /** Moves the window of running sums s from start d to start d + 1. */
    private void slide(double[] s, int d) {
        int b = d + window;
        s[0] += dotRe(b, b + lag) - dotRe(d, d + lag);
        s[1] += dotIm(b, b + lag) - dotIm(d, d + lag);
        s[2] += energy(b) - energy(d);
        s[3] += energy(b + lag) - energy(d + lag);
    }

    private static double metric(double[] s) {
        return (s[0] * s[0] + s[1] * s[1]) / (Math.max(s[2], 0) * Math.max(s[3], 0) + TINY);
    }

    /** Re(conj(r[a]) r[b]). */
    private double dotRe(int a, int b) {
        return (double) buf[2 * a] * buf[2 * b] + (double) buf[2 * a + 1] * buf[2 * b + 1];
    }

    /** Im(conj(r[a]) r[b]). */
    private double dotIm(int a, int b) {
        return (double) buf[2 * a] * buf[2 * b + 1] - (double) buf[2 * a + 1] * buf[2 * b];
    }

    private double energy(int a) {
        return (double) buf[2 * a] * buf[2 * a] + (double) buf[2 * a + 1] * buf[2 * a + 1];
    }

    /**
     * Synchronises the frame whose sync the metric peaked at (relative sample peakAt) with coarse
     * carrier offset coarse (cycles per sample). Returns 0 and fills out when handed out, -1 for a
     * false alarm, 1 + {@link Drop#ordinal()} when dropped.
     */
    private int frame(int peakAt, double coarse, float[] out) {
        int starts = startSeq.length / 2;
        // the metric's peak is broad (about one block either side), and the known start correlates
        // 3/8 as well one block off (the repeated sync): look two blocks either side
        SyncEstimators.Timing t = SyncEstimators.timing(buf, len, startSeq, starts, sps, coarse, peakAt - 2 * lag,
                peakAt + 2 * lag, scratch);
        if (normalised(t.peak(), (int) Math.round(t.position()), starts) < minCorrelation) {
            return -1;
        }
        double t0 = refine(t.position(), startSeq, starts, coarse);
        // refine the carrier offset from the two halves of the start (the sync's 64 and the preamble's 64)
        if (t0 < 1) {
            return -1; // the start of the stream: not enough samples before it to interpolate
        }
        interpolate(t0, 1.0, coarse, 0, starts);
        int h = starts / 2;
        correlate(0, startSeq, 0, h);
        double ar = cRe;
        double ai = cIm;
        correlate(h, startSeq, h, h);
        double step = Math.atan2(cIm * ar - cRe * ai, cRe * ar + cIm * ai);
        double carrier = coarse + step / (2 * Math.PI * h * sps);
        lastCarrier = carrier * sps;
        if (Math.abs(carrier * sps) > maxCarrier) {
            return 1 + Drop.CARRIER_OFFSET.ordinal();
        }
        // the end, near where the start puts it
        int kEnd = f.endStart();
        int ends = endSeq.length / 2;
        double expected = t0 + (double) kEnd * sps;
        int reach = (int) Math.ceil(maxClock * kEnd * sps) + 2;
        int from = (int) Math.floor(expected) - reach;
        int to = (int) Math.ceil(expected) + reach;
        if (to + (ends - 1) * sps + 2 >= len || from < 1) {
            return 1 + Drop.END_NOT_FOUND.ordinal();
        }
        SyncEstimators.Timing te = SyncEstimators.timing(buf, len, endSeq, ends, sps, carrier, from, to, scratch);
        if (normalised(te.peak(), (int) Math.round(te.position()), ends) < minCorrelation) {
            return 1 + Drop.END_NOT_FOUND.ordinal();
        }
        double tEnd = refine(te.position(), endSeq, ends, carrier);
        double ratio = (tEnd - t0) / ((double) kEnd * sps);
        lastClockPpm = (ratio - 1) * 1e6;
        if (Math.abs(ratio - 1) > maxClock) {
            return 1 + Drop.CLOCK_OFFSET.ordinal();
        }
        // the matched filter delays by half its length: refer timing and phase to the raw stream
        double delay = (taps.length - 1) / 2.0;
        lastTiming = base + t0 - delay;
        frameStart = Math.round(lastTiming);
        interpolate(t0, ratio, carrier, 0, f.frameSymbols());
        track();
        correct(out);
        long header = header(out);
        if (!FrameFormat.headerValid(header)) {
            return 1 + Drop.HEADER.ordinal();
        }
        batchId = header >>> 16;
        sumCarrier += lastCarrier;
        sumClockPpm += lastClockPpm;
        sumSnrDb += lastSnrDb;
        // the symbols were derotated by the offset from the buffer's first sample on: the phase at
        // the first symbol adds the rotation up to it
        // (the filter's output at t carries the carrier phase of raw time t - delay; derotated over
        // t, the symbols keep the raw phase at -delay, and the rotation over t0 brings it to the
        // raw time of the first symbol, t0 - delay)
        lastPhase = wrap(smoothPhase[0] + 2 * Math.PI * carrier * t0);
        return 0;
    }

    /**
     * The fractional position near t (within a sample) where the known symbols correlate best with
     * the stream interpolated at symbol spacing: a golden-section search of
     * |sum conj(p[k]) r(t + k sps) e^(-j 2 pi carrier k sps)|, which is exact for any pulse where
     * a parabola through three integer lags is biased.
     */
    private double refine(double t, float[] seq, int n, double carrier) {
        double lo = Math.max(1, t - 1);
        double hi = t + 1;
        double g = (Math.sqrt(5) - 1) / 2;
        double x1 = hi - g * (hi - lo);
        double x2 = lo + g * (hi - lo);
        double f1 = fractional(x1, seq, n, carrier);
        double f2 = fractional(x2, seq, n, carrier);
        for (int i = 0; i < 24; i++) {
            if (f1 < f2) {
                lo = x1;
                x1 = x2;
                f1 = f2;
                x2 = lo + g * (hi - lo);
                f2 = fractional(x2, seq, n, carrier);
            } else {
                hi = x2;
                x2 = x1;
                f2 = f1;
                x1 = hi - g * (hi - lo);
                f1 = fractional(x1, seq, n, carrier);
            }
        }
        return (lo + hi) / 2;
    }

    /** |sum conj(p[k]) r(t + k sps) e^(-j 2 pi carrier k sps)|, r interpolated (cubic). */
    private double fractional(double t, float[] p, int n, double carrier) {
        double w = -2 * Math.PI * carrier * sps;
        double re = 0;
        double im = 0;
        for (int k = 0; k < n; k++) {
            at(t + (double) k * sps);
            double pr = p[2 * k];
            double pi = p[2 * k + 1];
            double yr = pr * atRe + pi * atIm;
            double yi = pr * atIm - pi * atRe;
            double cr = Math.cos(w * k);
            double ci = Math.sin(w * k);
            re += yr * cr - yi * ci;
            im += yr * ci + yi * cr;
        }
        return Math.hypot(re, im);
    }

    /** (atRe, atIm) = the filtered stream at fractional position t (cubic Lagrange). */
    private void at(double t) {
        int i = (int) Math.floor(t);
        double mu = t - i;
        double c0 = -mu * (mu - 1) * (mu - 2) / 6;
        double c1 = (mu + 1) * (mu - 1) * (mu - 2) / 2;
        double c2 = -(mu + 1) * mu * (mu - 2) / 2;
        double c3 = (mu + 1) * mu * (mu - 1) / 6;
        atRe = c0 * buf[2 * (i - 1)] + c1 * buf[2 * i] + c2 * buf[2 * (i + 1)] + c3 * buf[2 * (i + 2)];
        atIm = c0 * buf[2 * (i - 1) + 1] + c1 * buf[2 * i + 1] + c2 * buf[2 * (i + 1) + 1] + c3 * buf[2 * (i + 2) + 1];
    }

    /** |correlation| / sqrt(energy of the known symbols * energy of the samples at t, t + sps, ...). */
    private double normalised(double peak, int t, int symbols) {
        double e = 0;
        for (int k = 0; k < symbols; k++) {
            int i = t + k * sps;
            if (i >= 0 && i < len) {
                e += energy(i);
            }
        }
        // the known sequences are unit modulus
        return peak / Math.sqrt(symbols * e + TINY);
    }

    /**
     * sym[k] for k in [from, from + n): the filtered stream at t0 + k sps ratio (cubic Lagrange
     * interpolation), derotated by the carrier offset (cycles per sample).
     */
    private void interpolate(double t0, double ratio, double carrier, int from, int n) {
        double w = 2 * Math.PI * carrier;
        for (int k = from; k < from + n; k++) {
            double t = t0 + (double) k * sps * ratio;
            at(t);
            double re = atRe;
            double im = atIm;
            double ph = -w * t;
            double cr = Math.cos(ph);
            double ci = Math.sin(ph);
            sym[2 * k] = (float) (re * cr - im * ci);
            sym[2 * k + 1] = (float) (re * ci + im * cr);
        }
    }

    /** (cRe, cIm) = sum over k < n of conj(p[pOff + k]) sym[from + k]. */
    private void correlate(int from, float[] p, int pOff, int n) {
        double re = 0;
        double im = 0;
        for (int k = 0; k < n; k++) {
            double yr = sym[2 * (from + k)];
            double yi = sym[2 * (from + k) + 1];
            double pr = p[2 * (pOff + k)];
            double pi = p[2 * (pOff + k) + 1];
            re += pr * yr + pi * yi;
            im += pr * yi - pi * yr;
        }
        cRe = re;
        cIm = im;
    }

    /** Gain at the start, each pilot block and the end; unwrapped, smoothed. Also the SNR estimate. */
    private void track() {
        int starts = startSeq.length / 2;
        int ends = endSeq.length / 2;
        double err = 0;
        double sig = 0;
        for (int j = 0; j < anchors; j++) {
            int from;
            float[] p;
            int n;
            if (j == 0) {
                from = 0;
                p = startSeq;
                n = starts;
            } else if (j == anchors - 1) {
                from = f.endStart();
                p = endSeq;
                n = ends;
            } else {
                from = f.pilotStart(j - 1);
                p = pilot;
                n = f.pilotLength();
            }
            double re = 0;
            double im = 0;
            for (int k = 0; k < n; k++) {
                double yr = sym[2 * (from + k)];
                double yi = sym[2 * (from + k) + 1];
                double pr = p[2 * k];
                double pi = p[2 * k + 1];
                re += pr * yr + pi * yi;
                im += pr * yi - pi * yr;
            }
            re /= n;
            im /= n;
            for (int k = 0; k < n; k++) {
                double pr = p[2 * k];
                double pi = p[2 * k + 1];
                double er = sym[2 * (from + k)] - (re * pr - im * pi);
                double ei = sym[2 * (from + k) + 1] - (re * pi + im * pr);
                err += er * er + ei * ei;
                sig += re * re + im * im;
            }
            anchorAt[j] = from + (n - 1) / 2.0;
            anchorRe[j] = re;
            anchorIm[j] = im;
            anchorMag[j] = Math.hypot(re, im);
            double ph = Math.atan2(im, re);
            if (j > 0) {
                double prev = anchorPhase[j - 1];
                ph = prev + wrap(ph - prev);
            }
            anchorPhase[j] = ph;
        }
        for (int j = 0; j < anchors; j++) {
            int lo = Math.max(0, j - SMOOTH);
            int hi = Math.min(anchors - 1, j + SMOOTH);
            smoothMag[j] = line(anchorMag, lo, hi, anchorAt[j]);
            smoothPhase[j] = line(anchorPhase, lo, hi, anchorAt[j]);
        }
        lastGain = smoothMag[0];
        lastSnrDb = 10 * Math.log10(sig / Math.max(err, TINY));
    }

    /** The least-squares line through (anchorAt[j], v[j]), j in [lo, hi], at x. */
    private double line(double[] v, int lo, int hi, double x) {
        int n = hi - lo + 1;
        if (n == 1) {
            return v[lo];
        }
        double mx = 0;
        double my = 0;
        for (int j = lo; j <= hi; j++) {
            mx += anchorAt[j];
            my += v[j];
        }
        mx /= n;
        my /= n;
        double sxx = 0;
        double sxy = 0;
        for (int j = lo; j <= hi; j++) {
            sxx += (anchorAt[j] - mx) * (anchorAt[j] - mx);
            sxy += (anchorAt[j] - mx) * (v[j] - my);
        }
        return my + (sxx > 0 ? sxy / sxx : 0) * (x - mx);
    }

    private static double wrap(double a) {
        return a - 2 * Math.PI * Math.floor((a + Math.PI) / (2 * Math.PI));
    }

    /** out[i] = sym[radioIndex(i)] / h(radioIndex(i)), h interpolated between the smoothed anchors. */
    private void correct(float[] out) {
        int d = f.innerSymbols();
        int j = 0;
        for (int i = 0; i < d; i++) {
            int k = f.radioIndex(i);
            while (j < anchors - 2 && anchorAt[j + 1] <= k) {
                j++;
            }
            double x0 = anchorAt[j];
            double x1 = anchorAt[j + 1];
            double u = Math.max(0, Math.min(1, (k - x0) / (x1 - x0)));
            double mag = smoothMag[j] + u * (smoothMag[j + 1] - smoothMag[j]);
            double ph = smoothPhase[j] + u * (smoothPhase[j + 1] - smoothPhase[j]);
            double g = 1 / Math.max(mag, TINY);
            double cr = g * Math.cos(-ph);
            double ci = g * Math.sin(-ph);
            double yr = sym[2 * k];
            double yi = sym[2 * k + 1];
            out[2 * i] = (float) (yr * cr - yi * ci);
            out[2 * i + 1] = (float) (yr * ci + yi * cr);
        }
    }

    /** Mean over the frames handed out of their carrier offsets, cycles per symbol (NaN before any). */
    public double meanCarrierOffset() {
        return framesOut == 0 ? Double.NaN : sumCarrier / framesOut;
    }

    /** Mean over the frames handed out of their sample-clock offsets, ppm (NaN before any). */
    public double meanClockOffsetPpm() {
        return framesOut == 0 ? Double.NaN : sumClockPpm / framesOut;
    }

    /** Mean over the frames handed out of their SNR estimates, dB (NaN before any). */
    public double meanSnrDb() {
        return framesOut == 0 ? Double.NaN : sumSnrDb / framesOut;
    }

    /**
     * The link frame's 48 header bits from its corrected symbols, each decided coherently between
     * the two chip patterns (real parts: the phase is known here, unlike at the link receiver's
     * non-coherent header reader).
     */
    private long header(float[] link) {
        int chips = f.inner().chipsPerBit();
        int at = FrameFormat.PREAMBLE;
        long bits = 0;
        for (int b = 0; b < FrameFormat.HEADER_BITS; b++) {
            double c0 = 0;
            double c1 = 0;
            for (int k = 0; k < chips; k++) {
                double re = link[2 * (at + b * chips + k)];
                c0 += FrameFormat.headerChip(0, k) * re;
                c1 += FrameFormat.headerChip(1, k) * re;
            }
            bits = bits << 1 | (c1 > c0 ? 1 : 0);
        }
        return bits;
    }

    /** The batch id in the header of the last frame handed out, -1 before any. */
    public long batchId() {
        return batchId;
    }

    /** Samples pushed. */
    public long samples() {
        return samples;
    }

    /** Sync-metric detections that were looked at as frames. */
    public long detections() {
        return detections;
    }

    /** Detections whose start did not correlate with the known symbols (noise, or inside a frame). */
    public long falseAlarms() {
        return falseAlarms;
    }

    /** Frames handed out. */
    public long framesOut() {
        return framesOut;
    }

    /** Frames found but dropped for that reason. */
    public long dropped(Drop why) {
        return dropped[why.ordinal()];
    }

    /** Frames found but dropped, for any reason. */
    public long droppedTotal() {
        long s = 0;
        for (long d : dropped) {
            s += d;
        }
        return s;
    }

    /** Absolute sample index of the last frame handed out (its first sync symbol), -1 before any. */
    public long frameStart() {
        return frameStart;
    }

    /** The last found frame's carrier offset, cycles per symbol (NaN before any). */
    public double carrierOffset() {
        return lastCarrier;
    }

    /** The last frame's sample-clock offset, ppm (positive: the stream has more samples per symbol than sps). */
    public double clockOffsetPpm() {
        return lastClockPpm;
    }

    /** The last handed-out frame's gain magnitude at its start. */
    public double gain() {
        return lastGain;
    }

    /** The last handed-out frame's carrier phase at its first symbol, radians in [-pi, pi). */
    public double phase() {
        return lastPhase;
    }

    /** The last handed-out frame's fractional timing: the absolute sample index (of the stream pushed) where its first symbol's pulse is centred. */
    public double timing() {
        return lastTiming;
    }

    /** The last handed-out frame's SNR per symbol, estimated from its known symbols, dB. */
    public double snrDb() {
        return lastSnrDb;
    }
}
