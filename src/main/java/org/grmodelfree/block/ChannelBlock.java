package org.grmodelfree.block;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grmodelfree.comm.Rng;

/**
 * A simulated channel on the sample stream, for runs without GNU Radio and for tests: AWGN at an
 * SNR (Es = 1), optionally Rayleigh block fading constant over blocks of N samples counted from
 * the start of the stream, then the sample bookkeeping of GNU Radio's channel_model made
 * explicit: the first "shift" samples are dropped and the newest "hold_back" samples are held
 * until more arrive. Nothing about frames or training is known here.
 */
public final class ChannelBlock implements Block {
    public static final PortSpec IN = PortSpec.streamIn("in", PortSpec.Item.COMPLEX, "samples from the policy sampler");
    public static final PortSpec OUT = PortSpec.streamOut("out", PortSpec.Item.COMPLEX, "samples to the receiver");

    /** The channel the block applies. */
    public enum Kind implements ParamSpec.Choice {
        AWGN, RBF, NONE
    }

    public static final ParamSpec KIND = ParamSpec.choice("kind", "Channel", Kind.AWGN,
            "awgn, rbf (Rayleigh block fading plus AWGN) or none (no noise)");
    public static final ParamSpec SNR_DB = ParamSpec.real("snr_db", "SNR (dB)", 10.0, -50.0, 100.0,
            "Es / sigma^2 with Es = 1");
    public static final ParamSpec SYMBOLS = ParamSpec.integer("symbols", "Fading block (N)", 4, 1L, 1024L,
            "samples per fading block (rbf)");
    public static final ParamSpec SHIFT = ParamSpec.integer("shift", "Dropped leading samples", 0, 0L, 1_000_000L,
            "samples dropped at the start of the stream (channel_model drops 3)");
    public static final ParamSpec HOLD_BACK = ParamSpec.integer("hold_back", "Held-back samples", 0, 0L, 1_000_000L,
            "newest samples held until more arrive (channel_model holds 5)");
    public static final ParamSpec SEED = ParamSpec.integer("seed", "Seed", 1, null, null, "seed of noise and fading");
    public static final BlockSpec SPEC = new BlockSpec("channel", "Model-free Test Channel",
            "AWGN or Rayleigh block fading on a complex64 stream, with channel_model's leading-sample drop and"
                    + " trailing hold-back.",
            List.of(IN, OUT),
            TrainingParams.concat(List.of(KIND, SNR_DB, SYMBOLS, SHIFT, HOLD_BACK, SEED),
                    BlockParams.STREAM_RUNNER));

    /** Samples taken per read: a whole message of an iteration's frames, passed on as one write. */
    private static final int CHUNK = 1 << 15;

    /** The block's parameters, parsed. */
    record Settings(Kind kind, double snrDb, int symbols, int holdBack, long shift, long seed) {
        static Settings of(Params p) {
            return new Settings(p.choice(KIND, Kind.class), p.real(SNR_DB), (int) p.integer(SYMBOLS),
                    (int) p.integer(HOLD_BACK), p.integer(SHIFT), p.integer(SEED));
        }
    }

    private final Kind kind;
    private final float std;
    private final int block;
    private final int holdBack;
    private final Rng rng;
    private final float[] buf;
    private long toDrop;
    private int held;
    private long index;
    private float hr = 1;
    private float hi;
    private long samplesIn;
    private long samplesOut;

    public ChannelBlock(Params p) {
        Settings s = Settings.of(p);
        this.kind = s.kind();
        this.std = kind == Kind.NONE ? 0f : (float) Math.sqrt(Math.pow(10, -s.snrDb() / 10) / 2);
        this.block = s.symbols();
        this.holdBack = s.holdBack();
        this.toDrop = s.shift();
        this.rng = new Rng(s.seed() ^ 0xC4A7_7E11L);
        this.buf = new float[2 * (holdBack + CHUNK)];
    }

    @Override
    public BlockSpec spec() {
        return SPEC;
    }

    @Override
    public Status work(BlockIo io) {
        int n = io.read(IN, buf, held, CHUNK);
        if (n == 0) {
            return Status.IDLE;
        }
        samplesIn += n;
        for (int i = held; i < held + n; i++, index++) {
            float xr = buf[2 * i];
            float xi = buf[2 * i + 1];
            if (kind == Kind.RBF) {
                if (index % block == 0) {
                    float s = (float) Math.sqrt(0.5);
                    hr = s * (float) rng.nextGaussian();
                    hi = s * (float) rng.nextGaussian();
                }
                float r = hr * xr - hi * xi;
                xi = hr * xi + hi * xr;
                xr = r;
            }
            if (std > 0) {
                xr += std * (float) rng.nextGaussian();
                xi += std * (float) rng.nextGaussian();
            }
            buf[2 * i] = xr;
            buf[2 * i + 1] = xi;
        }
        int avail = held + n;
        int start = (int) Math.min(toDrop, avail);
        toDrop -= start;
        int emit = Math.max(0, avail - start - holdBack);
        if (emit > 0) {
            io.write(OUT, buf, start, emit);
            samplesOut += emit;
        }
        held = avail - start - emit;
        System.arraycopy(buf, 2 * (start + emit), buf, 0, 2 * held);
        return Status.WORKED;
    }

    @Override
    public String waitingFor() {
        return "samples on 'in'";
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples_in", samplesIn);
        m.put("samples_out", samplesOut);
        m.put("samples_held", (long) held);
        return m;
    }
}
