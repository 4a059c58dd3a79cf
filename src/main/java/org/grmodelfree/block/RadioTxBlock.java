package org.grmodelfree.block;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.grmodelfree.comm.FrameFormat;
import org.grmodelfree.comm.sync.RadioFormat;
import org.grmodelfree.comm.sync.RadioFramer;

/**
 * Makes the link's frames radio-ready, for a radio sink (USRP, SoapySDR, PlutoSDR) or a simulated
 * chain: each frame from the transmitter (stream mode) or the policy sampler (train mode) is wrapped
 * in a sync preamble, pilots and a tail and pulse shaped with a root-raised cosine
 * ({@link RadioFormat}), at a level set for the DAC. A radio sink takes samples at its own rate
 * whether or not a frame is ready, so the block sends a continuous stream: it keeps {@code latency}
 * seconds of samples ahead of the sink by its own clock, and sends idle samples (zeros) whenever
 * no frame is waiting; the sink's backpressure holds it back if it runs fast. A frame that falls
 * behind the clock by more than that (the sink would have run dry: an underflow) is counted and
 * the clock re-based. Idle samples rather than burst tags: every radio sink takes a continuous
 * stream, a receiver sees the noise between frames as it will on the air, and the pacing is the
 * same in a simulated chain as on a radio.
 */
public final class RadioTxBlock implements Block {
    public static final ParamSpec LEVEL = ParamSpec.real("level", "RMS level (full scale)", 0.25, 1e-6, 1.0,
            "RMS amplitude of a frame's samples, as a fraction of the DAC's full scale (0.25 = -12 dBFS)");
    public static final ParamSpec FULL_SCALE = ParamSpec.real("full_scale", "Full scale", 1.0, 1e-6, 1e6,
            "the largest |I| or |Q| the sink takes (1.0 for UHD, Soapy and Pluto sinks); a frame that would"
                    + " exceed it is scaled down as a whole, never clipped");
    public static final ParamSpec LATENCY = ParamSpec.real("latency", "Latency (s)", 0.02, 0.001, 10.0,
            "seconds of samples kept ahead of the sink: more rides out host scheduling jitter, less"
                    + " shortens the feedback loop").inAdvanced();

    public static final PortSpec IN = PortSpec.streamIn("in", PortSpec.Item.COMPLEX,
            "the link's frames at one sample per symbol (from the policy sampler, or the transmitter in stream mode)");
    public static final PortSpec OUT = PortSpec.streamOut("out", PortSpec.Item.COMPLEX,
            "the pulse-shaped radio stream at samp_rate, idle samples between frames (to the radio sink)");
    public static final BlockSpec SPEC = new BlockSpec("radio-tx", "Model-free Radio TX",
            "Wraps the link's frames for a radio (sync preamble, pilots, tail), pulse shapes them with a"
                    + " root-raised cosine, scales them for the DAC and keeps the sink fed at its sample rate.",
            List.of(IN, OUT),
            TrainingParams.concat(RadioParams.FORMAT, List.of(RadioParams.SAMP_RATE, LEVEL, FULL_SCALE, LATENCY),
                    BlockParams.STREAM_RUNNER));

    /** Frames shaped and waiting for the sink, at most. */
    private static final int QUEUE = 4;

    /** The block's parameters, parsed once. */
    record Settings(RadioFormat format, double sampleRate, double level, double fullScale, double latency) {
        static Settings of(Params p) {
            return new Settings(RadioParams.format(p), p.real(RadioParams.SAMP_RATE), p.real(LEVEL),
                    p.real(FULL_SCALE), p.real(LATENCY));
        }
    }

    private final RadioFormat f;
    private final FrameFormat inner;
    private final RadioFramer framer;
    private final double rate;
    private final long lead;
    private final int chunk;
    private final float[] in;
    /** The link frame being assembled (its decodable part). */
    private final float[] assembling;
    private final float[] preamble;
    private final float[][] queue;
    private int queueHead;
    private int queued;
    private final float[] idle;
    /** Link-stream position: samples of the lead-in still to skip, then the position in the current frame. */
    private long innerSamples;
    private int inFrame;
    /** Nanotime at which the sink has taken sample 0 (re-based after an underflow); -1 before the start. */
    private long t0 = -1;
    private boolean started;
    private long emitted;
    private long idleSamples;
    private long underflows;
    private double lateSeconds;
    private long framesIn;

    public RadioTxBlock(Params p) {
        Settings s = Settings.of(p);
        this.f = s.format();
        this.inner = f.inner();
        this.framer = new RadioFramer(f, s.level() * s.fullScale(), s.fullScale());
        this.rate = s.sampleRate();
        this.lead = Math.max(1, Math.round(s.latency() * rate));
        this.chunk = (int) Math.max(1, Math.min(1 << 14, lead / 4));
        this.in = new float[2 * 8192];
        this.assembling = new float[2 * f.innerSymbols()];
        this.preamble = FrameFormat.preambleSymbols();
        this.queue = new float[QUEUE][2 * f.frameSamples()];
        this.idle = new float[2 * chunk];
    }

    @Override
    public BlockSpec spec() {
        return SPEC;
    }

    @Override
    public Status work(BlockIo io) {
        long now = io.nanoTime();
        if (t0 < 0) {
            t0 = now;
        }
        boolean worked = false;
        while (queued < QUEUE) {
            int n = io.read(IN, in, 0, Math.min(in.length / 2, room()));
            if (n == 0) {
                break;
            }
            take(n);
            worked = true;
        }
        long due = (long) ((now - t0) * 1e-9 * rate);
        if (emitted < due) {
            // the sink has run dry (on a radio: an underflow); go on from now
            underflows++;
            lateSeconds += (due - emitted) / rate;
            t0 += (long) ((due - emitted) / rate * 1e9);
            if (BlockIo.worthLogging(underflows - 1, underflows)) {
                io.log(String.format(Locale.ROOT, "underflow %d at %.1f s of the stream: %.1f ms behind the sink's"
                        + " clock (%.1f ms in all)", underflows, emitted / rate, (due - emitted) / rate * 1e3,
                        lateSeconds * 1e3));
            }
            due = emitted;
        }
        while (emitted < due + lead) {
            if (queued > 0) {
                io.write(OUT, queue[queueHead], 0, f.frameSamples());
                queueHead = (queueHead + 1) % QUEUE;
                queued--;
                emitted += f.frameSamples();
            } else {
                int n = (int) Math.min(chunk, due + lead - emitted);
                framer.idle(n, idle, 0);
                io.write(OUT, idle, 0, n);
                emitted += n;
                idleSamples += n;
            }
            worked = true;
            if (!started) {
                // the first write waits for the sink to connect: its clock starts when that one is taken
                started = true;
                t0 = io.nanoTime();
                due = 0;
            }
        }
        return worked ? Status.WORKED : Status.IDLE;
    }

    /** Link samples that may be read without overrunning the queue: up to the end of the current frame. */
    private int room() {
        long leadIn = inner.leadIn() - innerSamples;
        if (leadIn > 0) {
            return (int) leadIn;
        }
        return inner.frameLength() - inFrame;
    }

    /** Takes n link samples from in (at most {@link #room()}): skips lead-in and guards, queues whole frames. */
    private void take(int n) {
        int i = 0;
        long leadIn = inner.leadIn() - innerSamples;
        if (leadIn > 0) {
            int skip = (int) Math.min(leadIn, n);
            innerSamples += skip;
            i += skip;
        }
        int d = f.innerSymbols();
        while (i < n) {
            int take = Math.min(n - i, inner.frameLength() - inFrame);
            int copy = Math.max(0, Math.min(take, d - inFrame));
            if (copy > 0) {
                System.arraycopy(in, 2 * i, assembling, 2 * inFrame, 2 * copy);
            }
            inFrame += take;
            innerSamples += take;
            i += take;
            if (inFrame == inner.frameLength()) {
                inFrame = 0;
                checkPreamble();
                framer.frame(assembling, 0, queue[(queueHead + queued) % QUEUE], 0);
                queued++;
                framesIn++;
            }
        }
    }

    /** The link's stream is exact (no channel before this block): a frame must start with the preamble. */
    private void checkPreamble() {
        for (int k = 0; k < preamble.length; k++) {
            if (Math.abs(assembling[k] - preamble[k]) > 1e-3f) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "radio-tx: link frame %d does not"
                        + " start with the link preamble (sample %d of 'in'): 'in' must come straight from the"
                        + " policy sampler or the transmitter, with the same symbols (N) and batch sizes as this"
                        + " block (frame length %d)", framesIn, innerSamples - inner.frameLength(),
                        inner.frameLength()));
            }
        }
    }

    /** Never waits for a peer: between frames it sends idle samples. */
    @Override
    public boolean idleMeansPeerLost() {
        return false;
    }

    @Override
    public long wakeAt() {
        if (t0 < 0) {
            return Long.MAX_VALUE;
        }
        // when the samples ahead of the sink have fallen to lead - chunk
        return t0 + (long) ((emitted - lead + chunk) / rate * 1e9);
    }

    @Override
    public String waitingFor() {
        return "the sink's clock (" + queued + " frames queued)";
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("frames_in", framesIn);
        m.put("frames_sent", framer.frames() - queued);
        m.put("samples_out", emitted);
        m.put("idle_samples", idleSamples);
        m.put("underflows", underflows);
        m.put("late_seconds", lateSeconds);
        m.put("papr_db_max", framer.frames() == 0 ? Double.NaN : framer.paprMaxDb());
        m.put("papr_db_mean", framer.paprMeanDb());
        m.put("peak", framer.peak());
        m.put("frames_scaled_down", framer.framesScaled());
        m.put("min_scale", framer.minScale());
        return m;
    }
}
