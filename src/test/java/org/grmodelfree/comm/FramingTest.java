package org.grmodelfree.comm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FramingTest {
    /** 250 messages of 4 symbols per frame. */
    private static final FrameFormat F = FrameFormat.of(1000);
    private static final int FRAMES = 5;

    /** A transmitted stream: lead-in, then frames with ids 100.., random unit-energy payloads. */
    record Stream(float[] samples, float[][] payloads, long[] ids) {
    }

    static Stream stream(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        FrameWriter w = new FrameWriter(F);
        float[] out = new float[2 * (F.leadIn() + FRAMES * F.frameLength())];
        int o = w.writeLeadIn(out, 0);
        float[][] payloads = new float[FRAMES][];
        long[] ids = new long[FRAMES];
        for (int i = 0; i < FRAMES; i++) {
            payloads[i] = new float[2 * F.payloadSymbols()];
            for (int j = 0; j < payloads[i].length; j++) {
                payloads[i][j] = (float) (r.nextGaussian() * Math.sqrt(0.5));
            }
            ids[i] = 100 + i;
            o += w.write(ids[i], payloads[i], 0, out, o);
        }
        return new Stream(out, payloads, ids);
    }

    /** What one receiver pass decoded. */
    record Decoded(List<Long> ids, List<float[]> payloads, FrameSync sync) {
    }

    static Decoded receive(float[] y, int chunk, long seed) {
        FrameSync sync = new FrameSync(F);
        SplittableRandom r = new SplittableRandom(seed);
        List<Long> ids = new ArrayList<>();
        List<float[]> payloads = new ArrayList<>();
        float[] payload = new float[2 * F.payloadSymbols()];
        int items = y.length / 2;
        for (int o = 0; o < items; ) {
            int n = chunk > 0 ? Math.min(chunk, items - o) : Math.min(1 + r.nextInt(5000), items - o);
            sync.push(y, o, n);
            o += n;
            while (sync.next(payload)) {
                ids.add(sync.batchId());
                payloads.add(payload.clone());
            }
        }
        return new Decoded(ids, payloads, sync);
    }

    /** |<a, b>| / (|a| |b|) over complex vectors. */
    static double similarity(float[] a, float[] b) {
        double re = 0;
        double im = 0;
        double ea = 0;
        double eb = 0;
        for (int i = 0; i < a.length; i += 2) {
            re += a[i] * b[i] + a[i + 1] * b[i + 1];
            im += a[i + 1] * b[i] - a[i] * b[i + 1];
            ea += a[i] * a[i] + a[i + 1] * a[i + 1];
            eb += b[i] * b[i] + b[i + 1] * b[i + 1];
        }
        return Math.hypot(re, im) / Math.sqrt(ea * eb);
    }

    /** Every decoded payload is the transmitted payload of its batch id, and no other. */
    static void assertPaired(Stream s, Decoded d, double minSimilarity) {
        for (int i = 0; i < d.ids().size(); i++) {
            int frame = (int) (d.ids().get(i) - 100);
            for (int j = 0; j < FRAMES; j++) {
                double sim = similarity(d.payloads().get(i), s.payloads()[j]);
                if (j == frame) {
                    assertTrue(sim > minSimilarity, "frame " + j + " similarity " + sim);
                } else {
                    assertTrue(sim < 0.2, "payload of id " + d.ids().get(i) + " resembles frame " + j + ": " + sim);
                }
            }
        }
    }

    static float[] awgn(float[] x, double snrDb, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double std = Math.sqrt(Math.pow(10, -snrDb / 10) / 2);
        float[] y = x.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] += (float) (std * r.nextGaussian());
        }
        return y;
    }

    static float[] rotate(float[] x, double phase, double gain) {
        float[] y = new float[x.length];
        float c = (float) (gain * Math.cos(phase));
        float s = (float) (gain * Math.sin(phase));
        for (int i = 0; i < x.length; i += 2) {
            y[i] = c * x[i] - s * x[i + 1];
            y[i + 1] = s * x[i] + c * x[i + 1];
        }
        return y;
    }

    /** Drops `head` leading and `tail` trailing complex samples. */
    static float[] cut(float[] x, int head, int tail) {
        return Arrays.copyOfRange(x, 2 * head, x.length - 2 * tail);
    }

    static float[] remove(float[] x, int from, int count) {
        float[] y = new float[x.length - 2 * count];
        System.arraycopy(x, 0, y, 0, 2 * from);
        System.arraycopy(x, 2 * (from + count), y, 2 * from, x.length - 2 * (from + count));
        return y;
    }

    static int start(int frame) {
        return F.leadIn() + frame * F.frameLength();
    }

    @Test
    void cleanStreamGivesEveryFrameExactly() {
        Stream s = stream(1);
        Decoded d = receive(s.samples(), 4096, 0);
        assertEquals(List.of(100L, 101L, 102L, 103L, 104L), d.ids());
        for (int i = 0; i < FRAMES; i++) {
            assertArrayEquals(s.payloads()[i], d.payloads().get(i));
        }
        assertEquals(start(FRAMES - 1), d.sync().frameStart());
        assertEquals(0, d.sync().missedFrames());
        assertEquals(0, d.sync().partialFrames());
    }

    @Test
    void channelModelShiftAndHoldBackWithNoiseAndPhase() {
        Stream s = stream(2);
        // GNU Radio's channel_model: y[k] = x[k + 3], the last 5 samples held back; plus noise, phase, gain.
        float[] y = cut(awgn(rotate(s.samples(), 1.1, 0.7), 10, 3), 3, 5);
        Decoded d = receive(y, 0, 4);
        assertEquals(List.of(100L, 101L, 102L, 103L, 104L), d.ids());
        assertEquals(start(FRAMES - 1) - 3, d.sync().frameStart());
        assertPaired(s, d, 0.9);
    }

    @Test
    void garbagePrefixAndAnyChunkingFindTheSameFrames() {
        Stream s = stream(3);
        SplittableRandom r = new SplittableRandom(5);
        float[] prefix = new float[2 * 777];
        for (int i = 0; i < prefix.length; i++) {
            prefix[i] = (float) r.nextGaussian();
        }
        float[] y = new float[prefix.length + s.samples().length];
        System.arraycopy(prefix, 0, y, 0, prefix.length);
        System.arraycopy(s.samples(), 0, y, prefix.length, s.samples().length);
        y = awgn(y, 8, 6);
        Decoded whole = receive(y, y.length / 2, 0);
        Decoded pieces = receive(y, 0, 7);
        Decoded single = receive(y, 1, 0);
        assertEquals(List.of(100L, 101L, 102L, 103L, 104L), whole.ids());
        assertEquals(whole.ids(), pieces.ids());
        assertEquals(whole.ids(), single.ids());
        for (int i = 0; i < FRAMES; i++) {
            assertArrayEquals(whole.payloads().get(i), pieces.payloads().get(i));
            assertArrayEquals(whole.payloads().get(i), single.payloads().get(i));
        }
        assertPaired(s, whole, 0.9);
    }

    @Test
    void aLostFrameIsCountedAndTheRestStayPaired() {
        Stream s = stream(4);
        float[] y = awgn(remove(s.samples(), start(2), F.frameLength()), 10, 8);
        Decoded d = receive(y, 0, 9);
        assertEquals(List.of(100L, 101L, 103L, 104L), d.ids());
        assertEquals(1, d.sync().missedFrames());
        assertPaired(s, d, 0.9);
    }

    @Test
    void aFrameThatLostOrGainedSamplesIsSkippedNotMisPaired() {
        Stream s = stream(5);
        float[] lost = awgn(remove(s.samples(), start(2) + F.payloadOffset() + 300, 100), 10, 10);
        Decoded d = receive(lost, 0, 11);
        assertEquals(List.of(100L, 101L, 103L, 104L), d.ids());
        assertTrue(d.sync().partialFrames() >= 1);
        assertPaired(s, d, 0.9);

        float[] x = s.samples();
        int at = start(1) + F.payloadOffset() + 500;
        float[] gained = new float[x.length + 2 * 50];
        System.arraycopy(x, 0, gained, 0, 2 * at);
        System.arraycopy(x, 2 * at, gained, 2 * (at + 50), x.length - 2 * at);
        Decoded g = receive(awgn(gained, 10, 12), 0, 13);
        assertEquals(List.of(100L, 102L, 103L, 104L), g.ids());
        assertTrue(g.sync().partialFrames() >= 1);
        assertPaired(s, g, 0.9);
    }

    @Test
    void noiseAloneGivesNoFrames() {
        float[] noise = awgn(new float[2 * 200_000], 0, 14);
        Decoded d = receive(noise, 0, 15);
        assertTrue(d.ids().isEmpty(), d.ids().toString());
    }

    @Test
    void survivesQuantisationPhaseNoiseAndBlockFading() {
        Stream s = stream(6);
        SplittableRandom r = new SplittableRandom(16);
        float[] x = s.samples();
        float[] y = new float[x.length];
        double phase = 0.3;
        double hr = 1;
        double hi = 0;
        for (int k = 0; k < x.length / 2; k++) {
            if (k % 4 == 0) {
                hr = r.nextGaussian() * Math.sqrt(0.5);
                hi = r.nextGaussian() * Math.sqrt(0.5);
            }
            phase += 0.01 * r.nextGaussian();
            double c = Math.cos(phase);
            double sn = Math.sin(phase);
            double ar = hr * c - hi * sn;
            double ai = hr * sn + hi * c;
            y[2 * k] = (float) (ar * x[2 * k] - ai * x[2 * k + 1]);
            y[2 * k + 1] = (float) (ar * x[2 * k + 1] + ai * x[2 * k]);
        }
        y = awgn(y, 20, 17);
        for (int i = 0; i < y.length; i++) {
            // 4-bit quantiser over [-2, 2)
            float q = Math.round(y[i] * 4f) / 4f;
            y[i] = Math.max(-2f, Math.min(1.75f, q));
        }
        Decoded d = receive(y, 0, 18);
        assertTrue(d.ids().size() >= FRAMES - 1, "decoded " + d.ids());
        for (int i = 1; i < d.ids().size(); i++) {
            assertTrue(d.ids().get(i) > d.ids().get(i - 1));
        }
        assertEquals(FRAMES - d.ids().size(), d.sync().missedFrames() + (d.ids().get(0) - 100));
    }

    @Test
    void formatRejectsBadLayoutsAndIdsBeyond32Bits() {
        assertThrows(IllegalArgumentException.class, () -> FrameFormat.of(0));
        assertThrows(IllegalArgumentException.class, () -> new FrameFormat(10, 8, 3, 0, 0, 0.6));
        assertThrows(IllegalArgumentException.class, () -> new FrameFormat(10, 8, 4, 0, 0, 1.0));
        FrameWriter w = new FrameWriter(F);
        float[] out = new float[2 * F.frameLength()];
        assertThrows(IllegalArgumentException.class, () -> w.write(1L << 32, new float[2 * 1000], 0, out, 0));
        assertFalse(new FrameSync(F).next(new float[2 * 1000]));
    }

    @Test
    void crcDetectsEverySingleBitError() {
        int id = 0x1234ABCD;
        int crc = FrameCodes.crc16(id);
        for (int b = 0; b < 32; b++) {
            assertTrue(FrameCodes.crc16(id ^ (1 << b)) != crc, "bit " + b);
        }
        assertEquals(0x29B1, FrameCodes.crc16Bytes("123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }
}
