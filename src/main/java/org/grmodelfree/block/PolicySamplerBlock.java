package org.grmodelfree.block;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grmodelfree.comm.FrameFormat;
import org.grmodelfree.comm.FrameSync;
import org.grmodelfree.comm.FrameWriter;
import org.grmodelfree.comm.Rng;
import org.grmodelfree.train.Schedule;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.wire.ControlMessage;

/**
 * The Gaussian policy sampler, between the transmitter and the channel. In train mode it finds the
 * frames of the transmitter's stream, replaces the payload x of every transmitter-phase batch by
 * x_p = sqrt(1 - s^2) x + w, w ~ CN(0, s^2 I), posts x_p on "sent" for the transmitter's learner
 * (before the frame goes on) with the s^2 it used, and passes every other frame unchanged. s^2
 * follows the schedule unless set while the block runs ({@link #set}). In stream mode, or with
 * exploration off, samples pass straight through. The noise of batch b is drawn from the seed and
 * b, so a run is reproducible.
 */
public final class PolicySamplerBlock implements Block {
    public static final PortSpec IN = PortSpec.streamIn("in", PortSpec.Item.COMPLEX,
            "frames from the transmitter (no channel between)");
    public static final PortSpec OUT = PortSpec.streamOut("out", PortSpec.Item.COMPLEX, "frames to the channel");
    public static final PortSpec SENT = PortSpec.messageOut("sent", true,
            "train mode: x_p of each transmitter-phase batch (to the transmitter's 'sent')");
    public static final BlockSpec SPEC = new BlockSpec("policy-sampler", "Model-free Policy Sampler",
            "Gaussian exploration of the transmitter's output in transmitter-phase batches:"
                    + " x_p = sqrt(1 - s^2) x + w, w ~ CN(0, s^2 I); posts x_p for the transmitter's policy gradient.",
            List.of(IN, OUT, SENT),
            TrainingParams.concat(List.of(BlockParams.MODE), TrainingParams.SCHEDULE, TrainingParams.EXPLORATION,
                    BlockParams.RUNNER));

    /** Seed offset of the exploration noise. */
    private static final long NOISE_SEED = 0x5A3D_1E55L;

    /** The block's parameters, parsed once. */
    record Settings(BlockParams.Mode mode, TrainConfig config) {
        static Settings of(Params p) {
            return new Settings(p.choice(BlockParams.MODE, BlockParams.Mode.class), TrainingParams.config(p));
        }
    }

    private final TrainConfig c;
    private final boolean train;
    private final Schedule schedule;
    private final FrameSync sync;
    private final FrameWriter writer;
    private final float[] in;
    private final float[] payload;
    private final float[] frame;
    private final long endOfRun;
    private final Rng rng = new Rng(0);
    private boolean leadInWritten;
    /** End-of-run frames passed on so far. */
    private int endFrames;
    /** s^2 set at run time (replaces the schedule's), or NaN. */
    private double sigma2Set = Double.NaN;
    private boolean done;
    private long samplesIn;
    private long framesPerturbed;
    private long framesPassed;

    public PolicySamplerBlock(Params p) {
        Settings s = Settings.of(p);
        this.c = s.config();
        this.train = s.mode() == BlockParams.Mode.TRAIN;
        this.schedule = Schedule.of(c);
        FrameFormat f = BatchFraming.format(c);
        this.sync = new FrameSync(f);
        this.writer = new FrameWriter(f);
        // a whole message of the transmitter's (an iteration's frames) in one read, and every frame
        // it completes out in one write
        int inItems = Math.max(1 << 15, 2 * f.frameLength());
        this.in = new float[2 * inItems];
        this.payload = new float[2 * f.payloadSymbols()];
        this.frame = new float[2 * (f.leadIn() + (inItems / f.frameLength() + 2) * f.frameLength())];
        this.endOfRun = BatchFraming.endOfRun(c);
    }

    @Override
    public BlockSpec spec() {
        return SPEC;
    }

    @Override
    public Status work(BlockIo io) {
        if (done) {
            return Status.DONE;
        }
        int n = io.read(IN, in, 0, in.length / 2);
        if (n == 0) {
            return Status.IDLE;
        }
        samplesIn += n;
        if (!train) {
            io.write(OUT, in, 0, n);
            return Status.WORKED;
        }
        sync.push(in, 0, n);
        int o = 0;
        while (sync.next(payload)) {
            long id = sync.batchId();
            if (!leadInWritten) {
                o += writer.writeLeadIn(frame, o);
                leadInWritten = true;
            }
            if (id < endOfRun && schedule.slot(id).transmitterPhase()) {
                perturb(io, id);
                framesPerturbed++;
            } else {
                framesPassed++;
            }
            o += writer.write(id, payload, 0, frame, o);
            if (id >= endOfRun && ++endFrames >= BatchFraming.END_FRAMES) {
                io.write(OUT, frame, 0, o);
                done = true;
                io.log("end of run passed on after " + framesPerturbed + " perturbed and " + framesPassed
                        + " unchanged frames");
                return Status.DONE;
            }
        }
        if (o > 0) {
            io.write(OUT, frame, 0, o);
        }
        return Status.WORKED;
    }

    private void perturb(BlockIo io, long id) {
        Schedule.Slot slot = schedule.slot(id);
        double s2 = Double.isNaN(sigma2Set) ? c.sigma2At(slot.iteration()) : sigma2Set;
        float a = (float) Math.sqrt(1 - s2);
        float std = (float) Math.sqrt(s2 / 2);
        rng.reseed(c.seed() + NOISE_SEED, slot.iteration(), slot.stream());
        int values = 2 * c.batchTx() * c.symbols();
        for (int i = 0; i < values; i++) {
            payload[i] = a * payload[i] + std * (float) rng.nextGaussian();
        }
        if (io.connected(SENT)) {
            io.send(SENT, new ControlMessage.Sent(id, slot.iteration(), java.util.Arrays.copyOf(payload, values), s2));
        }
    }

    /** sigma2 (the only run-time parameter): used from the next transmitter-phase batch on. */
    @Override
    public void set(ParamSpec param, Object value) {
        if (param != TrainingParams.SIGMA2) {
            Block.super.set(param, value);
        }
        sigma2Set = (Double) value;
    }

    @Override
    public String waitingFor() {
        return "samples on 'in'";
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples_in", samplesIn);
        m.put("frames_perturbed", framesPerturbed);
        m.put("frames_unchanged", framesPassed);
        m.put("frame_header_errors", sync.headerErrors());
        m.put("partial_frames", sync.partialFrames());
        return m;
    }
}
