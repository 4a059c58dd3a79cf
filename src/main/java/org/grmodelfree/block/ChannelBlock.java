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
    public static final BlockSpec SPEC = new BlockSpec("channel", "Model-free Test Channel",
            "AWGN or Rayleigh block fading on a complex64 stream, with channel_model's leading-sample drop and"
                    + " trailing hold-back.",
            List.of(IN, OUT),
            TrainingParams.concat(List.of(
                    ParamSpec.choice("kind", "Channel", "awgn", List.of("awgn", "rbf", "none"),
                            "awgn, rbf (Rayleigh block fading plus AWGN) or none (no noise)"),
                    ParamSpec.real("snr_db", "SNR (dB)", 10.0, -50.0, 100.0, "Es / sigma^2 with Es = 1"),
                    ParamSpec.integer("symbols", "Fading block (N)", 4, 1L, 1024L,
                            "samples per fading block (rbf)"),
                    ParamSpec.integer("shift", "Dropped leading samples", 0, 0L, 1_000_000L,
                            "samples dropped at the start of the stream (channel_model drops 3)"),
                    ParamSpec.integer("hold_back", "Held-back samples", 0, 0L, 1_000_000L,
                            "newest samples held until more arrive (channel_model holds 5)"),
                    ParamSpec.integer("seed", "Seed", 1, null, null, "seed of noise and fading")),
                    BlockParams.STREAM_RUNNER));

    /** Samples taken per read: a whole message of an iteration's frames, passed on as one write. */
    private static final int CHUNK = 1 << 15;

    private final String kind;
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
        this.kind = p.string("kind");
        this.std = kind.equals("none") ? 0f : (float) Math.sqrt(Math.pow(10, -p.real("snr_db") / 10) / 2);
        this.block = (int) p.integer("symbols");
        this.holdBack = (int) p.integer("hold_back");
        this.toDrop = p.integer("shift");
        this.rng = new Rng(p.integer("seed") ^ 0xC4A7_7E11L);
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
            if (kind.equals("rbf")) {
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
