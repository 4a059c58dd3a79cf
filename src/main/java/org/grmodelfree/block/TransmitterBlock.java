package org.grmodelfree.block;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.grmodelfree.comm.Transmitter;
import org.grmodelfree.store.ModelFile;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.TrainConfig;

/**
 * The learned transmitter: encodes batches of messages into framed complex64 samples. In train
 * mode it follows the schedule with the shared-seed training messages and, for each
 * transmitter-phase batch, waits for what the policy sampler sent ("sent") and for the per-example
 * losses ("feedback"), then takes one policy-gradient step; feedback that does not come within
 * feedback_timeout is given up (the batch is skipped, counted and logged), and a run of max_skips
 * such batches ends the block with an error naming what it waited for. Until the first feedback
 * arrives, it waits up to peer_timeout instead, so peers that start later (GNU Radio starts its
 * flowgraph only after every block is built) cost no batch. With run_ahead (the default)
 * it sends the next iteration's receiver-phase batches while a transmitter-phase batch waits for its
 * feedback, so the receiver trains instead of waiting for the round trip; those batches are encoded
 * with the weights from before that batch's step (see {@link ScheduledTransmitter}). In stream mode it
 * encodes the seeded messages of streaming batches with a trained model, or, with source stream,
 * the messages it reads on 'msg_in': one message index (0..M-1) per byte, so M must be at most 256.
 * A byte of M or more stops the block with an error naming the value, its position in the input
 * and M (user data is never silently altered). Only whole frames go out: each frame carries the
 * next frameMessages (the larger batch) messages read, as the seeded frames do; messages left over
 * when the block stops are not sent, and are counted ('messages_pending') and logged. Small batch
 * sizes give short frames and little delay.
 *
 * <p>The block is the declaration (ports, parameters, their parsed {@code Settings}); its work is
 * done by the kernel of its mode, {@link TransmitterTraining} or {@link TransmitterStreaming}, chosen once
 * when it is built.
 */
public final class TransmitterBlock implements Block {
    /** Where stream mode's messages come from. */
    public enum Source implements ParamSpec.Choice {
        SEEDED, STREAM
    }

    public static final ParamSpec SOURCE = ParamSpec.choice("source", "Message source", Source.SEEDED,
            "stream mode: the shared-seed messages (the receiver counts block errors), or"
                    + " the message indices read on msg_in (one per byte, M <= 256)");
    public static final ParamSpec FEEDBACK_TIMEOUT = ParamSpec.real("feedback_timeout", "Feedback timeout", 5.0, 0.01,
            86400.0, "seconds to wait for a batch's losses before skipping it").inAdvanced();
    public static final ParamSpec MAX_SKIPS = ParamSpec.integer("max_skips", "Skips before failing", 10, 1L, null,
            "consecutive skipped batches after which the block stops with an error").inAdvanced();
    public static final ParamSpec RUN_AHEAD = ParamSpec.bool("run_ahead", "Run ahead", true,
            "send the next receiver phase while a transmitter-phase batch waits for its"
                    + " feedback (encoded with the weights from before that step)").inAdvanced();

    public static final PortSpec OUT = PortSpec.streamOut("out", PortSpec.Item.COMPLEX,
            "framed complex64 samples: lead-in zeros, then one frame per batch");
    public static final PortSpec MSG_IN = PortSpec.streamIn("msg_in", PortSpec.Item.BYTE, SOURCE, Source.STREAM,
            "stream mode with source stream: the messages to send, one message index (0..M-1) per byte");
    public static final PortSpec SENT = PortSpec.messageIn("sent", true,
            "train mode: what the policy sampler sent for each transmitter-phase batch (from the sampler's 'sent')");
    public static final PortSpec FEEDBACK = PortSpec.messageIn("feedback", true,
            "train mode: per-example losses of transmitter-phase batches (from the loss feedback's 'out')");
    public static final BlockSpec SPEC = new BlockSpec("transmitter", "Model-free Transmitter",
            "Encodes messages into complex64 frames with a learned transmitter and learns it from fed-back losses"
                    + " (policy gradient through a Gaussian policy sampler).",
            List.of(OUT, MSG_IN, SENT, FEEDBACK),
            TrainingParams.concat(List.of(BlockParams.MODE), TrainingParams.SCHEDULE, TrainingParams.EXPLORATION,
                    TrainingParams.LEARNING,
                    List.of(BlockParams.CHECKPOINT, BlockParams.CHECKPOINT_SECONDS, BlockParams.MODEL,
                            BlockParams.MODEL_OUT, BlockParams.FRAMES, BlockParams.FREEZE,
                            SOURCE, FEEDBACK_TIMEOUT, MAX_SKIPS, RUN_AHEAD),
                    BlockParams.RUNNER));

    /** The block's parameters, parsed once. */
    record Settings(BlockParams.Mode mode, TrainConfig config, String checkpoint, double checkpointSeconds,
                    String model, String modelOut, long frames, boolean freeze, Source source, double feedbackTimeoutSeconds, long maxSkips,
                    boolean runAhead, double peerTimeoutSeconds) {
        static Settings of(Params p) {
            return new Settings(p.choice(BlockParams.MODE, BlockParams.Mode.class), TrainingParams.config(p),
                    p.string(BlockParams.CHECKPOINT), p.real(BlockParams.CHECKPOINT_SECONDS),
                    p.string(BlockParams.MODEL), p.string(BlockParams.MODEL_OUT), p.integer(BlockParams.FRAMES),
                    p.bool(BlockParams.FREEZE), p.choice(SOURCE, Source.class),
                    p.real(FEEDBACK_TIMEOUT), p.integer(MAX_SKIPS), p.bool(RUN_AHEAD),
                    p.real(BlockParams.PEER_TIMEOUT));
        }
    }

    /** The work of the block's mode. */
    private final TransmitterKernel kernel;

    public TransmitterBlock(Params p) {
        Settings s = Settings.of(p);
        TrainConfig c = s.config();
        boolean train = s.mode() == BlockParams.Mode.TRAIN;
        if (s.source() == Source.STREAM && train) {
            throw new IllegalArgumentException("transmitter: --source stream is for --mode stream (training uses the"
                    + " shared-seed messages)");
        }
        if (s.source() == Source.STREAM && c.messages() > 256) {
            throw new IllegalArgumentException("transmitter: --source stream carries one message index per byte, so"
                    + " M must be at most 256; the block has --messages " + c.messages());
        }
        this.kernel = train ? new TransmitterTraining(s) : new TransmitterStreaming(s);
    }

    /**
     * The trained link model of stream mode; names the parameter when it is missing, and refuses a
     * model whose messages M or channel uses N differ from the block's (the frames would not match).
     */
    static org.grmodelfree.train.Trainer loadModel(String path, TrainConfig c) {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("stream mode needs --model: the trained model.msgpack");
        }
        org.grmodelfree.train.Trainer model;
        try {
            model = ModelFile.restore(ModelFile.load(Path.of(path)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model " + path + ": " + e.getMessage(), e);
        }
        TrainConfig m = model.config();
        if (m.messages() != c.messages() || m.symbols() != c.symbols()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "model %s is for M=%d messages and N=%d channel uses, the block has --messages %d --symbols %d:"
                            + " give the model's values", path, m.messages(), m.symbols(), c.messages(), c.symbols()));
        }
        return model;
    }

    /** The id of the next batch to encode (after a resume: where the checkpoint left off). */
    public long nextBatch() {
        return kernel.nextBatch;
    }

    /** The transmitter being trained (train mode) or used (stream mode). */
    public Transmitter transmitter() {
        return kernel.transmitter();
    }

    /** Per-iteration mean fed-back losses (rx loss NaN). */
    public LearningCurve curve() {
        return kernel.curve;
    }

    @Override
    public BlockSpec spec() {
        return SPEC;
    }

    @Override
    public Status work(BlockIo io) {
        return kernel.work(io);
    }

    /**
     * The run-time parameters. sigma2: the policy gradient assumes the s^2 the sampler reports with
     * each batch's samples; this value only stands in when a 'sent' message carries none. freeze:
     * while true, the feedback of transmitter-phase batches is taken without a policy-gradient step
     * (stream mode has fixed weights anyway).
     */
    @Override
    public void set(ParamSpec param, Object value) {
        if (param == TrainingParams.SIGMA2) {
            kernel.sigma2((Double) value);
        } else if (param == BlockParams.FREEZE) {
            kernel.freeze((Boolean) value);
        } else {
            Block.super.set(param, value);
        }
    }

    /** With source stream, the messages come at the pace of the user's source: waiting for them is no lost peer. */
    @Override
    public boolean idleMeansPeerLost() {
        return kernel.idleMeansPeerLost();
    }

    @Override
    public void stop(BlockIo io) {
        kernel.stop(io);
    }

    @Override
    public String waitingFor() {
        return kernel.waitingFor();
    }

    @Override
    public long wakeAt() {
        return kernel.wakeAt();
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("frames_sent", kernel.framesSent());
        m.put("next_batch", kernel.nextBatch);
        kernel.stats(m);
        return m;
    }
}
