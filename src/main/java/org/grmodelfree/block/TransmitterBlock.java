package org.grmodelfree.block;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.FrameFormat;
import org.grmodelfree.comm.FrameWriter;
import org.grmodelfree.comm.MessageSource;
import org.grmodelfree.comm.Transmitter;
import org.grmodelfree.store.ModelFile;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.Networks;
import org.grmodelfree.train.Schedule;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.TransmitterLearner;
import org.grmodelfree.train.TransmitterSide;
import org.grmodelfree.wire.ControlMessage;

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
 * with the weights from before that batch's step (see {@link TransmitterSide}). In stream mode it
 * encodes the seeded messages of streaming batches with a trained model, or, with source stream,
 * the messages it reads on 'msg_in': one message index (0..M-1) per byte, so M must be at most 256.
 * A byte of M or more stops the block with an error naming the value, its position in the input
 * and M (user data is never silently altered). Only whole frames go out: each frame carries the
 * next frameMessages (the larger batch) messages read, as the seeded frames do; messages left over
 * when the block stops are not sent, and are counted ('messages_pending') and logged. Small batch
 * sizes give short frames and little delay.
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
            "stream mode with source stream:"
                    + " the messages to send, one message index (0..M-1) per byte");
    public static final PortSpec SENT = PortSpec.messageIn("sent", true,
            "train mode: what the policy sampler sent for each"
                    + " transmitter-phase batch (from the sampler's 'sent')");
    public static final PortSpec FEEDBACK = PortSpec.messageIn("feedback", true,
            "train mode: per-example losses of transmitter-phase"
                    + " batches (from the loss feedback's 'out')");
    public static final BlockSpec SPEC = new BlockSpec("transmitter", "Model-free Transmitter",
            "Encodes messages into complex64 frames with a learned transmitter and learns it from fed-back losses"
                    + " (policy gradient through a Gaussian policy sampler).",
            List.of(OUT, MSG_IN, SENT, FEEDBACK),
            TrainingParams.concat(List.of(BlockParams.MODE), TrainingParams.SCHEDULE, TrainingParams.EXPLORATION,
                    TrainingParams.LEARNING,
                    List.of(BlockParams.CHECKPOINT, BlockParams.CHECKPOINT_SECONDS, BlockParams.MODEL,
                            BlockParams.FRAMES,
                            SOURCE, FEEDBACK_TIMEOUT, MAX_SKIPS, RUN_AHEAD),
                    BlockParams.RUNNER));

    private final TrainConfig c;
    private final boolean train;
    private final Schedule schedule;
    private final FrameWriter writer;
    /** Frames of consecutive batches sent in one write (one message on the wire), at most. */
    private final int framesPerWrite;
    private final float[] frame;
    private final float[] payload;
    private final long endOfRun;
    private final long frameLimit;
    // train mode
    private final TransmitterSide side;
    private final Checkpoints checkpoints;
    private final long feedbackTimeoutNanos;
    /** The first feedback's wait: peers may still be starting. */
    private final long startupTimeoutNanos;
    /** Whether anything has arrived on 'feedback' yet (the receiver's side is up). */
    private boolean peersHeard;
    private final long maxSkips;
    private final float[] sent;
    private final float[] losses;
    private final LearningCurve curve;
    // stream mode
    private final Transmitter streamTx;
    private final MessageSource streamSource;
    private final int[] streamMsgs;
    private final FMatrixRMaj streamX = new FMatrixRMaj(1, 1);
    /** Stream mode, source stream: messages come from 'msg_in'. */
    private final boolean userMessages;
    /** The bytes of the next frame's messages read so far: msgBytes[0, have). */
    private final byte[] msgBytes;
    private int have;
    private long messagesIn;
    private boolean portsChecked;

    private long nextBatch;
    private boolean leadInWritten;
    private boolean haveSent;
    /** s^2 of the pending batch's 'sent' message (NaN: it did not say). */
    private double sentSigma2 = Double.NaN;
    /** s^2 set at run time, for 'sent' messages that do not carry theirs (NaN: the schedule's). */
    private double sigma2Set = Double.NaN;
    private boolean haveLosses;
    private long pendingSince;
    private long framesSent;
    private long learned;
    private long skipped;
    private long consecutiveSkips;
    private long stale;
    private long sentAhead;
    private long learnNanos;
    private double lastLoss = Double.NaN;

    public TransmitterBlock(Params p) {
        this.c = TrainingParams.config(p);
        this.train = p.choice(BlockParams.MODE, BlockParams.Mode.class) == BlockParams.Mode.TRAIN;
        this.schedule = Schedule.of(c);
        FrameFormat f = LinkFrames.format(c);
        this.writer = new FrameWriter(f);
        this.framesPerWrite = LinkFrames.framesPerWrite(f, schedule.batchesPerIteration());
        this.frame = new float[2 * (f.leadIn() + framesPerWrite * f.frameLength())];
        this.payload = new float[2 * f.payloadSymbols()];
        this.endOfRun = LinkFrames.endOfRun(c);
        this.frameLimit = p.integer(BlockParams.FRAMES);
        this.feedbackTimeoutNanos = (long) (p.real(FEEDBACK_TIMEOUT) * 1e9);
        this.startupTimeoutNanos = Math.max(feedbackTimeoutNanos, (long) (p.real(BlockParams.PEER_TIMEOUT) * 1e9));
        this.maxSkips = p.integer(MAX_SKIPS);
        this.sent = new float[2 * c.batchTx() * c.symbols()];
        this.losses = new float[c.batchTx()];
        this.curve = new LearningCurve();
        this.userMessages = p.choice(SOURCE, Source.class) == Source.STREAM;
        if (userMessages && train) {
            throw new IllegalArgumentException("transmitter: --source stream is for --mode stream (training uses the"
                    + " shared-seed messages)");
        }
        if (userMessages && c.messages() > 256) {
            throw new IllegalArgumentException("transmitter: --source stream carries one message index per byte, so"
                    + " M must be at most 256; the block has --messages " + c.messages());
        }
        this.msgBytes = userMessages ? new byte[LinkFrames.frameMessages(c)] : null;
        if (train) {
            Networks n = Networks.create(c);
            this.side = new TransmitterSide(new TransmitterLearner(n.transmitter(), c.sigma2(), c.baseline()), c,
                    p.bool(RUN_AHEAD));
            this.streamTx = null;
            this.streamSource = null;
            this.streamMsgs = null;
            TransmitterLearner l = side.learner();
            this.checkpoints = new Checkpoints(SPEC.name(), p, c, l.transmitter().params(), l.optimiser(), curve);
            this.nextBatch = checkpoints.resume();
            l.transmitter().parametersChanged();
        } else {
            this.side = null;
            this.checkpoints = null;
            this.streamTx = loadModel(p.string(BlockParams.MODEL), c).transmitter();
            this.streamSource = new MessageSource(c.messages(), c.seed());
            this.streamMsgs = new int[LinkFrames.frameMessages(c)];
        }
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
        return nextBatch;
    }

    /** The transmitter being trained (train mode) or used (stream mode). */
    public Transmitter transmitter() {
        return train ? side.learner().transmitter() : streamTx;
    }

    /** Per-iteration mean fed-back losses (rx loss NaN). */
    public LearningCurve curve() {
        return curve;
    }

    @Override
    public BlockSpec spec() {
        return SPEC;
    }

    @Override
    public Status work(BlockIo io) {
        if (!train) {
            return workStream(io);
        }
        long now = io.nanoTime();
        if (checkpoints.start(now) && nextBatch > 0) {
            io.log(String.format(Locale.ROOT, "resuming from %s at batch %d (iteration %d)", checkpoints.file(),
                    nextBatch, schedule.slot(nextBatch).iteration()));
        }
        return workTrain(io, now);
    }

    private Status workStream(BlockIo io) {
        if (frameLimit > 0 && nextBatch >= frameLimit) {
            emit(io, nextBatch, null);
            return Status.DONE;
        }
        if (!portsChecked) {
            portsChecked = true;
            if (io.connected(MSG_IN) != userMessages) {
                throw new IllegalArgumentException(userMessages
                        ? "transmitter: --source stream reads its messages on 'msg_in', which is not connected"
                        : "transmitter: 'msg_in' is connected but --source is seeded: give --source stream to send"
                                + " its messages");
            }
        }
        int b = LinkFrames.frameMessages(c);
        if (userMessages) {
            int n = io.readBytes(MSG_IN, msgBytes, have, b - have);
            for (int i = have; i < have + n; i++) {
                int v = msgBytes[i] & 0xFF;
                if (v >= c.messages()) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT, "transmitter: byte %d of 'msg_in'"
                            + " (counting from 0) is %d, not a message index below M = %d", messagesIn + i - have,
                            v, c.messages()));
                }
                streamMsgs[i] = v;
            }
            have += n;
            messagesIn += n;
            if (have < b) {
                return n > 0 ? Status.WORKED : Status.IDLE;
            }
            have = 0;
        } else {
            LinkFrames.streamMessages(streamSource, nextBatch);
            streamSource.next(streamMsgs, b);
        }
        streamTx.encode(streamMsgs, b, streamX);
        emit(io, nextBatch, streamX.data);
        nextBatch++;
        return Status.WORKED;
    }

    private Status workTrain(BlockIo io, long now) {
        long pending = side.pending();
        boolean progress = drain(io, pending);
        if (side.pending() != pending) {
            return Status.WORKED; // the receiver reported the pending batch lost; it was given up
        }
        if (pending >= 0) {
            Schedule.Slot slot = schedule.slot(pending);
            if (haveSent && haveLosses) {
                long t0 = System.nanoTime();
                double mean = side.learn(pending, sent, losses, Double.isNaN(sentSigma2) ? sigma2Set : sentSigma2);
                learnNanos += System.nanoTime() - t0;
                learned++;
                consecutiveSkips = 0;
                lastLoss = mean;
                haveSent = haveLosses = false;
                if (slot.step() == schedule.batchesPerIteration() - 1) {
                    curve.add(new LearningCurve.Point(slot.iteration() + 1, checkpoints.seconds(now), Double.NaN, mean,
                            Double.NaN));
                }
                checkpoints.save(nextBatch, now, false);
                return Status.WORKED;
            }
            if (now - pendingSince >= feedbackTimeout()) {
                giveUp(io, pending, "no " + missing() + " within the feedback timeout");
                return Status.WORKED;
            }
            if (nextBatch >= endOfRun || !side.canEncode(nextBatch)) {
                return progress ? Status.WORKED : Status.IDLE;
            }
        }
        if (nextBatch < endOfRun) {
            // every batch that may go now, in one write: the frames of an iteration travel as one
            // message, which saves each hop a message's wake-ups
            int o = 0;
            int frames = 0;
            do {
                if (side.pending() >= 0) {
                    sentAhead++;
                }
                int n = side.encode(nextBatch, payload, 0);
                java.util.Arrays.fill(payload, 2 * n, payload.length, 0f);
                o = append(nextBatch, payload, o);
                frames++;
                if (side.pending() == nextBatch) {
                    pendingSince = io.nanoTime();
                    haveSent = haveLosses = false;
                }
                nextBatch++;
            } while (frames < framesPerWrite && nextBatch < endOfRun && side.canEncode(nextBatch));
            io.write(OUT, frame, 0, o);
            return Status.WORKED;
        }
        emit(io, endOfRun, null);
        checkpoints.save(nextBatch, now, true);
        io.log(String.format(Locale.ROOT, "done: %d batches learned from, %d skipped", learned, skipped));
        return Status.DONE;
    }

    private long feedbackTimeout() {
        return peersHeard ? feedbackTimeoutNanos : startupTimeoutNanos;
    }

    private String missing() {
        return !haveSent && !haveLosses ? "losses (on 'feedback') and sent samples (on 'sent')"
                : !haveLosses ? "losses on 'feedback'" : "sent samples on 'sent'";
    }

    private void giveUp(BlockIo io, long batch, String why) {
        side.abandon(batch);
        skipped++;
        consecutiveSkips++;
        haveSent = haveLosses = false;
        io.log("batch " + batch + " skipped: " + why);
        if (consecutiveSkips >= maxSkips) {
            throw new IllegalStateException("transmitter: " + consecutiveSkips + " transmitter-phase batches in a row"
                    + " got no feedback (last: batch " + batch + ", " + why + "); is the receiver running and the"
                    + " loss feedback connected?");
        }
    }

    /** Takes the messages that have arrived; keeps those of the pending batch. Returns whether any came. */
    private boolean drain(BlockIo io, long pending) {
        boolean any = false;
        ControlMessage m;
        while ((m = io.receive(SENT)) != null) {
            any = true;
            if (m instanceof ControlMessage.Sent s && s.batchId() == pending) {
                if (s.samples().length != sent.length) {
                    throw new IllegalArgumentException("transmitter: 'sent' for batch " + pending + " holds "
                            + s.samples().length / 2 + " samples, a transmitter-phase batch has " + sent.length / 2);
                }
                System.arraycopy(s.samples(), 0, sent, 0, sent.length);
                sentSigma2 = s.sigma2();
                haveSent = true;
            } else {
                stale(io, m, SENT);
            }
        }
        while ((m = io.receive(FEEDBACK)) != null) {
            any = true;
            peersHeard = true;
            if (m instanceof ControlMessage.Losses l && l.batchId() == pending) {
                if (l.losses().length != losses.length) {
                    throw new IllegalArgumentException("transmitter: feedback for batch " + pending + " holds "
                            + l.losses().length + " losses, the batch has " + losses.length + " messages");
                }
                System.arraycopy(l.losses(), 0, losses, 0, losses.length);
                haveLosses = true;
            } else if (m instanceof ControlMessage.Lost l && l.batchId() == pending) {
                giveUp(io, pending, "the receiver reports it lost (" + l.reason() + ")");
                return true;
            } else {
                stale(io, m, FEEDBACK);
            }
        }
        return any;
    }

    private void stale(BlockIo io, ControlMessage m, PortSpec port) {
        stale++;
        if (stale <= 10 || Long.bitCount(stale) == 1) {
            io.log("ignored on '" + port.id() + "' (not for the pending batch " + side.pending() + "): " + m
                    + " [" + stale + " so far]");
        }
    }

    private void emit(BlockIo io, long batchId, float[] data) {
        if (data == null) {
            java.util.Arrays.fill(payload, 0f);
            data = payload;
        }
        io.write(OUT, frame, 0, append(batchId, data, 0));
    }

    /** Writes the frame of batchId at frame[o..] (after the stream's lead-in, first time); returns the new end. */
    private int append(long batchId, float[] data, int o) {
        if (!leadInWritten) {
            o += writer.writeLeadIn(frame, o);
            leadInWritten = true;
        }
        framesSent++;
        return o + writer.write(batchId, data, 0, frame, o);
    }

    /**
     * sigma2 (the only run-time parameter): the policy gradient assumes the s^2 the sampler reports
     * with each batch's samples; this value only stands in when a 'sent' message carries none.
     */
    @Override
    public void set(String id, Object value) {
        if (!id.equals("sigma2")) {
            Block.super.set(id, value);
        }
        sigma2Set = (Double) value;
    }

    /** With source stream, the messages come at the pace of the user's source: waiting for them is no lost peer. */
    @Override
    public boolean idleMeansPeerLost() {
        return !userMessages;
    }

    @Override
    public void stop(BlockIo io) {
        if (userMessages && have > 0) {
            io.log(String.format(Locale.ROOT, "%d messages read on 'msg_in' were not sent: a frame carries %d"
                    + " messages and only whole frames go out", have, LinkFrames.frameMessages(c)));
        }
    }

    @Override
    public String waitingFor() {
        if (userMessages) {
            return String.format(Locale.ROOT, "messages on 'msg_in' (%d of the %d of the next frame so far)", have,
                    LinkFrames.frameMessages(c));
        }
        long pending = train ? side.pending() : -1;
        if (pending >= 0) {
            return missing() + " of batch " + pending + " (iteration " + schedule.slot(pending).iteration() + ")";
        }
        return "room on 'out'";
    }

    @Override
    public long wakeAt() {
        return train && side.pending() >= 0 ? pendingSince + feedbackTimeout() : Long.MAX_VALUE;
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("frames_sent", framesSent);
        m.put("next_batch", nextBatch);
        if (userMessages) {
            m.put("messages_in", messagesIn);
            m.put("messages_pending", have);
        }
        if (train) {
            m.put("batches_learned", learned);
            m.put("batches_skipped", skipped);
            m.put("stale_messages", stale);
            m.put("batches_sent_ahead", sentAhead);
            m.put("last_tx_loss", lastLoss);
            m.put("learning_seconds", learnNanos / 1e9);
        }
        return m;
    }
}
