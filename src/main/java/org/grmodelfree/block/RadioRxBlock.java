package org.grmodelfree.block;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.grmodelfree.comm.FrameFormat;
import org.grmodelfree.comm.FrameWriter;
import org.grmodelfree.comm.sync.RadioFormat;
import org.grmodelfree.comm.sync.RadioSync;

/**
 * Takes a radio's stream (from a radio source or a simulated chain, oversampled, noise between
 * frames) and hands the link's receiver its frames at one sample per symbol: finds each radio frame,
 * estimates from its own known symbols the fractional timing, the sample-clock offset, the carrier
 * offset, the phase and the gain, and corrects them ({@link RadioSync}); what is left (noise,
 * distortion, multipath) is the learned receiver's to learn. It reads the frame's header (batch id
 * and CRC) itself, coherently, and writes the link frame again with its known parts and header
 * clean and its payload as received, so the receiver's own frame sync, which works without a
 * phase reference, finds every frame Radio RX passes on even at low SNR. A frame that cannot be synchronised
 * (offsets beyond the ranges, or samples lost inside it) is dropped and counted: the receiver sees
 * its batch id missing and reports the batch lost, so nothing is paired with the wrong messages.
 * It measures whether it keeps up: the time it spends per second of samples (its real-time load)
 * and how far the samples it has taken lag the sample rate.
 */
public final class RadioRxBlock implements Block {
    public static final ParamSpec THRESHOLD = ParamSpec.real("threshold", "Detection threshold", RadioSync.THRESHOLD, 0.01, 0.99,
            "threshold of the sync preamble's normalised autocorrelation (1 for a clean frame, 0.25 at"
                    + " Es/N0 = 0 dB, about 0.02 for noise)").inAdvanced();
    public static final ParamSpec MIN_CORRELATION = ParamSpec.real("min_correlation", "Least correlation", RadioSync.MIN_CORRELATION, 0.01,
            0.99, "least normalised correlation of a frame's known start and end with what was received")
            .inAdvanced();
    public static final ParamSpec MAX_CARRIER = ParamSpec.real("max_carrier", "Carrier offset range", 1.0 / 32,
            1e-6, 1.0 / 32, "largest carrier offset taken, cycles per symbol (1/32 is what the sync block can"
                    + " tell); frames beyond it are dropped and counted");
    public static final ParamSpec MAX_CLOCK_PPM = ParamSpec.real("max_clock_ppm", "Clock offset range (ppm)", 200.0,
            0.1, 10_000.0, "largest sample-clock offset taken between transmitter and receiver, parts per million;"
                    + " frames beyond it are dropped and counted");

    public static final PortSpec IN = PortSpec.streamIn("in", PortSpec.Item.COMPLEX,
            "the radio's samples at samp_rate (from the radio source or the channel)");
    public static final PortSpec OUT = PortSpec.streamOut("out", PortSpec.Item.COMPLEX,
            "the link's frames at one sample per symbol, synchronised (to the receiver)");
    public static final BlockSpec SPEC = new BlockSpec("radio-rx", "Model-free Radio RX",
            "Finds the link's frames in a radio's oversampled stream, synchronises each from its own preamble,"
                    + " pilots and tail (timing, clock and carrier offset, phase, gain) and passes them on at one"
                    + " sample per symbol.",
            List.of(IN, OUT),
            TrainingParams.concat(RadioParams.FORMAT, List.of(RadioParams.SAMP_RATE, THRESHOLD, MIN_CORRELATION,
                    MAX_CARRIER, MAX_CLOCK_PPM), BlockParams.STREAM_RUNNER));

    /** Lag behind the sample rate that counts as falling behind, seconds. */
    static final double BEHIND_SECONDS = 0.5;

    /** The block's parameters, parsed once. */
    record Settings(RadioFormat format, double sampleRate, double threshold, double minCorrelation,
                    double maxCarrier, double maxClockPpm) {
        static Settings of(Params p) {
            return new Settings(RadioParams.format(p), p.real(RadioParams.SAMP_RATE), p.real(THRESHOLD),
                    p.real(MIN_CORRELATION), p.real(MAX_CARRIER), p.real(MAX_CLOCK_PPM));
        }
    }

    private final RadioFormat f;
    private final FrameFormat inner;
    private final RadioSync sync;
    private final double rate;
    private final float[] in;
    private final float[] symbols;
    private final float[] frame;
    private final FrameWriter writer;
    private boolean leadInWritten;
    private long firstSample = -1;
    private long busyNanos;
    private double maxLagSeconds;
    private long behind;
    private boolean isBehind;

    public RadioRxBlock(Params p) {
        Settings s = Settings.of(p);
        this.f = s.format();
        this.inner = f.inner();
        this.sync = new RadioSync(f, s.threshold(), s.minCorrelation(), s.maxCarrier(), s.maxClockPpm());
        this.rate = s.sampleRate();
        this.in = new float[2 * 16384];
        this.symbols = new float[2 * f.innerSymbols()];
        this.frame = new float[2 * (inner.leadIn() + inner.frameLength())];
        this.writer = new FrameWriter(inner);
    }

    @Override
    public BlockSpec spec() {
        return SPEC;
    }

    @Override
    public Status work(BlockIo io) {
        int n = io.read(IN, in, 0, in.length / 2);
        if (n == 0) {
            return Status.IDLE;
        }
        long start = io.nanoTime();
        if (firstSample < 0) {
            firstSample = start;
        }
        sync.push(in, 0, n);
        while (sync.next(symbols)) {
            int o = 0;
            if (!leadInWritten) {
                java.util.Arrays.fill(frame, 0, 2 * inner.leadIn(), 0f);
                o = inner.leadIn();
                leadInWritten = true;
            }
            // the link frame again, its known parts and header clean (checked here), its payload as received
            io.write(OUT, frame, 0, o + writer.write(sync.batchId(), symbols, inner.payloadOffset(), frame, o));
        }
        long end = io.nanoTime();
        busyNanos += end - start;
        // samples that should have arrived by now at the sample rate, against those taken
        double lag = (end - firstSample) * 1e-9 - sync.samples() / rate;
        maxLagSeconds = Math.max(maxLagSeconds, lag);
        if (lag > BEHIND_SECONDS && !isBehind) {
            behind++;
            io.log(String.format(Locale.ROOT, "behind the sample rate by %.2f s (%d samples taken in %.2f s)", lag,
                    sync.samples(), (end - firstSample) * 1e-9));
        }
        isBehind = lag > BEHIND_SECONDS;
        return Status.WORKED;
    }

    /** A radio's stream never ends while the flowgraph runs; waiting for it is no lost peer. */
    @Override
    public boolean idleMeansPeerLost() {
        return false;
    }

    @Override
    public String waitingFor() {
        return "samples on 'in'";
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        long samples = sync.samples();
        m.put("samples_in", samples);
        m.put("frames_out", sync.framesOut());
        m.put("frames_dropped", sync.droppedTotal());
        for (RadioSync.Drop d : RadioSync.Drop.values()) {
            m.put("dropped_" + d.name().toLowerCase(Locale.ROOT), sync.dropped(d));
        }
        m.put("false_alarms", sync.falseAlarms());
        // each frame's estimates, averaged over the frames handed out; the last frame's gain
        m.put("carrier_offset", sync.meanCarrierOffset());
        m.put("clock_offset_ppm", sync.meanClockOffsetPpm());
        m.put("snr_db", sync.meanSnrDb());
        m.put("gain", sync.gain());
        // seconds of work per second of samples at the sample rate: below 1 keeps up
        m.put("realtime_load", samples == 0 ? Double.NaN : busyNanos * 1e-9 / (samples / rate));
        m.put("max_lag_seconds", maxLagSeconds);
        m.put("behind", behind);
        return m;
    }
}
