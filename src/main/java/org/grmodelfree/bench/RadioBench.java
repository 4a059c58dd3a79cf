package org.grmodelfree.bench;

import java.util.SplittableRandom;
import org.grmodelfree.comm.FrameFormat;
import org.grmodelfree.comm.FrameWriter;
import org.grmodelfree.comm.sync.RadioFormat;
import org.grmodelfree.comm.sync.RadioFramer;
import org.grmodelfree.comm.sync.RadioSync;

/**
 * The radio chain's real-time margin: how many samples per second one thread of the transmit side
 * ({@link RadioFramer}: framing, pulse shaping) and of the receive side ({@link RadioSync}: matched
 * filter, detection over every sample, per-frame synchronisation) process, against the sample rate
 * of a radio. The stream is what training sends at the defaults (frames of 1000 messages of N = 4
 * symbols at 4 samples per symbol) with a third of idle samples between frames, as measured in a
 * training run through train_ota_sim, at Es/N0 = 10 dB with a carrier offset.
 */
public final class RadioBench {
    /** The result: samples processed per second of one thread, each side, and frames found. */
    public record Result(double framerSamplesPerSecond, double syncSamplesPerSecond, long framesFound,
                         long framesSent) {
    }

    private RadioBench() {
    }

    /** Times both sides over about the given number of seconds each (after a warm-up of the same length). */
    public static Result run(double seconds) {
        FrameFormat inner = FrameFormat.of(4000);
        RadioFormat f = RadioFormat.of(inner);
        RadioFramer framer = new RadioFramer(f, 0.25, 1.0);
        FrameWriter writer = new FrameWriter(inner);
        SplittableRandom rnd = new SplittableRandom(1);
        float[] payload = new float[2 * inner.payloadSymbols()];
        float[] link = new float[2 * inner.frameLength()];
        int frames = 16;
        int idle = f.frameSamples() / 2;
        float[] stream = new float[2 * frames * (f.frameSamples() + idle)];
        int o = 0;
        for (int k = 0; k < frames; k++) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (float) (rnd.nextGaussian() * Math.sqrt(0.5));
            }
            writer.write(k, payload, 0, link, 0);
            o += framer.frame(link, 0, stream, o);
            framer.idle(idle, stream, o);
            o += idle;
        }
        // Es/N0 = 10 dB, 0.005 cycles per symbol
        double sigma = Math.sqrt(0.25 * 0.25 * f.sps() / 10 / 2);
        double w = 2 * Math.PI * 0.005 / f.sps();
        for (int i = 0; i < o; i++) {
            double re = stream[2 * i];
            double im = stream[2 * i + 1];
            double c = Math.cos(w * i + 1.0);
            double s = Math.sin(w * i + 1.0);
            stream[2 * i] = (float) (re * c - im * s + sigma * rnd.nextGaussian());
            stream[2 * i + 1] = (float) (re * s + im * c + sigma * rnd.nextGaussian());
        }
        final int samples = o;

        float[] out = new float[2 * (f.frameSamples() + idle)];
        double framerRate = 0;
        long sent = 0;
        for (int pass = 0; pass < 2; pass++) {
            long t0 = System.nanoTime();
            long n = 0;
            int k = 0;
            do {
                n += framer.frame(link, 0, out, 0);
                framer.idle(idle, out, 0);
                n += idle;
                k++;
            } while (System.nanoTime() - t0 < seconds * 1e9);
            framerRate = n / ((System.nanoTime() - t0) / 1e9);
            sent = k;
        }
        double syncRate = 0;
        long found = 0;
        float[] symbols = new float[2 * f.innerSymbols()];
        for (int pass = 0; pass < 2; pass++) {
            long t0 = System.nanoTime();
            long n = 0;
            found = 0;
            RadioSync sync = RadioSync.of(f);
            do {
                for (int at = 0; at < samples; at += 8192) {
                    int m = Math.min(8192, samples - at);
                    sync.push(stream, at, m);
                    while (sync.next(symbols)) {
                        found++;
                    }
                }
                n += samples;
            } while (System.nanoTime() - t0 < seconds * 1e9);
            syncRate = n / ((System.nanoTime() - t0) / 1e9);
        }
        return new Result(framerRate, syncRate, found, sent);
    }
}
