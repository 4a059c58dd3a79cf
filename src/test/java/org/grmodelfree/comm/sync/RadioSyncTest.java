package org.grmodelfree.comm.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.grmodelfree.comm.FrameFormat;
import org.grmodelfree.comm.FrameWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The radio framing end to end against known offsets: frames pulse shaped by {@link RadioFramer},
 * idle samples between them, through a simulated front end ({@link FrontEnd}: sample-clock ratio,
 * fractional delay, carrier offset, phase, gain, noise), found and synchronised by
 * {@link RadioSync}. The estimates must match the offsets put in, and the link symbols handed out
 * must match those sent to within the noise (the synchronisation's SNR loss is bounded).
 */
class RadioSyncTest {
    static final FrameFormat INNER = FrameFormat.of(1000);
    static final RadioFormat RADIO = RadioFormat.of(INNER);
    static final double RMS = 0.25;

    /** A stream of frames with idle samples between; the link symbols of each frame. */
    record Stream(float[] samples, List<float[]> frames, List<Integer> starts) {
    }

    static Stream stream(int frames, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        RadioFramer framer = new RadioFramer(RADIO, RMS, 1.0);
        FrameWriter writer = new FrameWriter(INNER);
        int d = RADIO.innerSymbols();
        float[] payload = new float[2 * INNER.payloadSymbols()];
        float[] inner = new float[2 * INNER.frameLength()];
        List<float[]> sent = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        int idleMax = 3000;
        float[] out = new float[2 * (frames * (RADIO.frameSamples() + idleMax) + idleMax)];
        int o = 0;
        for (int k = 0; k < frames; k++) {
            int idle = 500 + rnd.nextInt(idleMax - 500);
            framer.idle(idle, out, o);
            o += idle;
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (float) (rnd.nextGaussian() * Math.sqrt(0.5));
            }
            writer.write(k, payload, 0, inner, 0);
            sent.add(Arrays.copyOf(inner, 2 * d));
            starts.add(o);
            o += framer.frame(inner, 0, out, o);
        }
        framer.idle(idleMax, out, o);
        o += idleMax;
        return new Stream(Arrays.copyOf(out, 2 * o), sent, starts);
    }

    /** Es/N0 at the receiver for a front end's gain: Es = (g rms)^2 sps. */
    static double noiseFor(double gain, double snrDb) {
        return gain * gain * RMS * RMS * RADIO.sps() / Math.pow(10, snrDb / 10);
    }

    /** Sum |out - sent|^2 / sum |sent|^2 over the frame's link symbols, as an SNR in dB. */
    static double snrDb(float[] out, float[] sent) {
        double e = 0;
        double s = 0;
        for (int i = 0; i < sent.length; i++) {
            double d = out[i] - sent[i];
            e += d * d;
            s += sent[i] * sent[i];
        }
        return 10 * Math.log10(s / e);
    }

    /**
     * The stream through the front end into sync: the frames handed out, and their SNR against the
     * frames sent, over all of them (dB).
     */
    static double[] through(Stream s, FrontEnd fe, RadioSync sync) {
        float[] rx = fe.apply(s.samples());
        sync.push(rx, 0, rx.length / 2);
        float[] out = new float[2 * RADIO.innerSymbols()];
        double err = 0;
        double sig = 0;
        int k = 0;
        while (sync.next(out)) {
            float[] sent = s.frames().get(k++);
            for (int i = 0; i < sent.length; i++) {
                double d = out[i] - sent[i];
                err += d * d;
                sig += sent[i] * sent[i];
            }
        }
        return new double[] {k, 10 * Math.log10(sig / err)};
    }

    @ParameterizedTest(name = "{0} ppm, {1} cycles/symbol, gain {2}")
    @CsvSource({"50, 0.005, 1.0", "-50, -0.01, 0.3", "0, 0.01, 2.0", "20, 0, 1.0", "-50, 0.01, 0.7"})
    void estimates_match_the_offsets_put_in_and_the_symbols_come_out_clean(double ppm, double cyclesPerSymbol,
                                                                          double gain) {
        Stream s = stream(6, 11);
        FrontEnd fe = new FrontEnd();
        fe.ratio = 1 + ppm * 1e-6;
        fe.delay = 0.37;
        fe.cfo = cyclesPerSymbol / RADIO.sps() / fe.ratio;
        fe.phase = 2.1;
        fe.gain = gain;
        fe.noise = noiseFor(gain, 30);
        float[] rx = fe.apply(s.samples());
        RadioSync sync = RadioSync.of(RADIO);
        sync.push(rx, 0, rx.length / 2);
        float[] out = new float[2 * RADIO.innerSymbols()];
        int k = 0;
        while (sync.next(out)) {
            double snr = snrDb(out, s.frames().get(k));
            assertTrue(snr > 26, String.format(Locale.ROOT, "frame %d: SNR after sync %.1f dB at 30 dB in", k, snr));
            assertEquals(cyclesPerSymbol, sync.carrierOffset(), 2e-4, "carrier offset, cycles per symbol");
            assertEquals(ppm, sync.clockOffsetPpm(), 15, "clock offset, ppm");
            // symbol 0's pulse is centred half the filter after the frame's first sample
            double t0 = (s.starts().get(k) + RADIO.span() * RADIO.sps() / 2.0 + fe.delay) * fe.ratio;
            assertEquals(t0, sync.timing(), 0.1, "timing, samples");
            double phase = fe.phase + 2 * Math.PI * fe.cfo * t0;
            double err = Math.IEEEremainder(sync.phase() - phase, 2 * Math.PI);
            assertEquals(0, err, 0.05, "carrier phase at the first symbol, radians");
            assertEquals(gain * RMS * Math.sqrt(RADIO.sps()), sync.gain(), 0.03 * gain, "gain");
            assertEquals(30, sync.snrDb(), 3, "SNR estimated from the known symbols");
            k++;
        }
        assertEquals(6, k, "every frame handed out");
        assertEquals(0, sync.droppedTotal(), "none dropped");
    }

    @Test
    void at_10_dB_the_synchronisation_costs_little_snr() {
        Stream s = stream(20, 5);
        FrontEnd fe = new FrontEnd();
        fe.ratio = 1 + 50e-6;
        fe.delay = 1.7;
        fe.cfo = 5e-3 / RADIO.sps();
        fe.phase = -0.4;
        fe.gain = 0.8;
        fe.noise = noiseFor(0.8, 10);
        RadioSync sync = RadioSync.of(RADIO);
        double[] found = through(s, fe, sync);
        assertEquals(20, found[0], "every frame found at 10 dB");
        double snr = found[1];
        assertTrue(snr > 9.6, String.format(Locale.ROOT, "SNR after sync %.2f dB at 10 dB in: loss above 0.4 dB", snr));
    }

    @Test
    void at_2_dB_every_frame_is_still_found() {
        Stream s = stream(20, 6);
        FrontEnd fe = new FrontEnd();
        fe.ratio = 1 - 50e-6;
        fe.delay = 0.6;
        fe.cfo = -0.01 / RADIO.sps();
        fe.gain = 1.3;
        fe.noise = noiseFor(1.3, 2);
        RadioSync sync = RadioSync.of(RADIO);
        double[] found = through(s, fe, sync);
        assertEquals(20, found[0], "frames found at 2 dB (dropped " + sync.droppedTotal() + ")");
        double snr = found[1];
        assertTrue(snr > 1.3, String.format(Locale.ROOT, "SNR after sync %.2f dB at 2 dB in", snr));
    }

    @Test
    void pieces_of_any_size_give_the_same_frames_as_one() {
        Stream s = stream(4, 3);
        FrontEnd fe = new FrontEnd();
        fe.ratio = 1 - 30e-6;
        fe.cfo = 2e-3;
        fe.noise = noiseFor(1, 15);
        float[] rx = fe.apply(s.samples());
        RadioSync whole = RadioSync.of(RADIO);
        whole.push(rx, 0, rx.length / 2);
        List<float[]> a = new ArrayList<>();
        float[] out = new float[2 * RADIO.innerSymbols()];
        while (whole.next(out)) {
            a.add(out.clone());
        }
        RadioSync pieces = RadioSync.of(RADIO);
        SplittableRandom rnd = new SplittableRandom(9);
        List<float[]> b = new ArrayList<>();
        for (int at = 0; at < rx.length / 2; ) {
            int n = Math.min(rx.length / 2 - at, 1 + rnd.nextInt(5000));
            pieces.push(rx, at, n);
            at += n;
            while (pieces.next(out)) {
                b.add(out.clone());
            }
        }
        assertEquals(4, a.size());
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), 1e-4f, "frame " + i);
        }
    }

    @Test
    void frames_beyond_the_offset_ranges_are_dropped_and_counted_never_handed_out() {
        Stream s = stream(3, 4);
        float[] out = new float[2 * RADIO.innerSymbols()];
        // carrier offset 0.02 cycles per symbol against a range of 0.0125
        FrontEnd cfo = new FrontEnd();
        cfo.cfo = 0.02 / RADIO.sps();
        cfo.noise = noiseFor(1, 20);
        RadioSync a = new RadioSync(RADIO, 0.3, 0.5, 0.0125, 200);
        float[] rx = cfo.apply(s.samples());
        a.push(rx, 0, rx.length / 2);
        assertEquals(false, a.next(out));
        assertEquals(3, a.dropped(RadioSync.Drop.CARRIER_OFFSET), "carrier offset beyond the range");
        // clock offset 400 ppm against a range of 200
        FrontEnd clock = new FrontEnd();
        clock.ratio = 1 + 400e-6;
        clock.noise = noiseFor(1, 20);
        RadioSync b = RadioSync.of(RADIO);
        rx = clock.apply(s.samples());
        b.push(rx, 0, rx.length / 2);
        assertEquals(false, b.next(out));
        assertEquals(3, b.dropped(RadioSync.Drop.CLOCK_OFFSET) + b.dropped(RadioSync.Drop.END_NOT_FOUND),
                "clock offset beyond the range");
        assertEquals(0, b.framesOut());
    }

    @Test
    void a_frame_that_lost_samples_inside_is_dropped_the_others_pass() {
        Stream s = stream(3, 8);
        FrontEnd fe = new FrontEnd();
        fe.noise = noiseFor(1, 20);
        float[] rx = fe.apply(s.samples());
        // cut 5 samples from the middle of frame 1's payload
        RadioSync probe = RadioSync.of(RADIO);
        probe.push(rx, 0, rx.length / 2);
        float[] out = new float[2 * RADIO.innerSymbols()];
        probe.next(out);
        probe.next(out);
        long start1 = probe.frameStart();
        int cut = (int) start1 + RADIO.frameSamples() / 2;
        float[] damaged = new float[rx.length - 10];
        System.arraycopy(rx, 0, damaged, 0, 2 * cut);
        System.arraycopy(rx, 2 * (cut + 5), damaged, 2 * cut, rx.length - 2 * (cut + 5));
        RadioSync sync = RadioSync.of(RADIO);
        sync.push(damaged, 0, damaged.length / 2);
        List<Double> snrs = new ArrayList<>();
        while (sync.next(out)) {
            snrs.add(snrDb(out, s.frames().get(snrs.isEmpty() ? 0 : 2)));
        }
        assertEquals(2, sync.framesOut(), "frames 0 and 2 handed out");
        assertEquals(1, sync.droppedTotal(), "frame 1 dropped");
        for (double snr : snrs) {
            assertTrue(snr > 17, "the frames handed out are the right ones, clean: " + snrs);
        }
    }

    @Test
    void a_frame_whose_header_fails_its_crc_is_dropped_and_the_batch_ids_are_read() {
        RadioFramer framer = new RadioFramer(RADIO, RMS, 1.0);
        FrameWriter writer = new FrameWriter(INNER);
        float[] inner = new float[2 * INNER.frameLength()];
        float[] payload = new float[2 * INNER.payloadSymbols()];
        float[] tx = new float[2 * 3 * (RADIO.frameSamples() + 1000)];
        int o = 0;
        for (long id : new long[] {41, 42, 43}) {
            writer.write(id, payload, 0, inner, 0);
            if (id == 42) {
                // the last header bit (a CRC bit) flipped: its chips take the other pattern
                int at = FrameFormat.PREAMBLE + (FrameFormat.HEADER_BITS - 1) * INNER.chipsPerBit();
                for (int k = 1; k < INNER.chipsPerBit(); k += 2) {
                    inner[2 * (at + k)] = -inner[2 * (at + k)];
                }
            }
            framer.idle(1000, tx, o);
            o += 1000;
            o += framer.frame(inner, 0, tx, o);
        }
        FrontEnd fe = new FrontEnd();
        fe.noise = noiseFor(1, 20);
        float[] rx = fe.apply(Arrays.copyOf(tx, 2 * o + 2000));
        RadioSync sync = RadioSync.of(RADIO);
        sync.push(rx, 0, rx.length / 2);
        float[] out = new float[2 * RADIO.innerSymbols()];
        List<Long> ids = new ArrayList<>();
        while (sync.next(out)) {
            ids.add(sync.batchId());
        }
        assertEquals(List.of(41L, 43L), ids, "the ids read from the headers");
        assertEquals(1, sync.dropped(RadioSync.Drop.HEADER), "the damaged header");
    }

    @Test
    void noise_alone_gives_no_frame() {
        float[] noise = new float[2 * 400_000];
        SplittableRandom rnd = new SplittableRandom(2);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) rnd.nextGaussian();
        }
        RadioSync sync = RadioSync.of(RADIO);
        sync.push(noise, 0, noise.length / 2);
        assertEquals(false, sync.next(new float[2 * RADIO.innerSymbols()]));
        assertEquals(0, sync.framesOut());
        assertEquals(0, sync.droppedTotal());
    }
}
