package org.grmodelfree.block;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.FrameFormat;
import org.grmodelfree.comm.FrameSync;
import org.grmodelfree.comm.MessageSource;
import org.grmodelfree.comm.MinDistanceDecoder;
import org.grmodelfree.comm.PrunedDecoder;
import org.grmodelfree.comm.Receiver;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.Networks;
import org.grmodelfree.train.ReceiverLearner;
import org.grmodelfree.train.ReceiverSide;
import org.grmodelfree.train.Schedule;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.wire.ControlMessage;

/**
 * The learned receiver: finds the batch frames in the complex64 stream it is given (after any
 * channel that delays, drops or holds back samples) and, by each frame's batch id, regenerates the
 * batch's training messages from the shared seed. In train mode it takes a supervised step on
 * receiver-phase batches and posts the per-example losses of transmitter-phase batches on
 * "losses"; a frame that arrives damaged or not at all is counted, and if it was a
 * transmitter-phase batch the transmitter is told at once ("lost"), so nothing is ever paired with
 * the wrong messages. In stream mode it decides every message of every frame with a trained model
 * and counts block errors against the seeded messages (reference seeded), or counts none (reference
 * none: the transmitter sends the user's messages, which the receiver cannot know). With output
 * stream it writes the decided message index of every message on 'msg_out', in order, one byte each
 * (so M must be at most 256).
 */
public final class ReceiverBlock implements Block {
    /**
     * The compute pool's spin-wait iterations in a receiver process ({@code -Dmodelfree.spins}):
     * its workers park soon after a step, leaving the cores to the other processes. The Python
     * bridge (blocks/modelfree/_jvm.py) and {@code train --transport zmq} start receivers with it,
     * and the bench times the stream receiver with it.
     */
    public static final int PROCESS_SPINS = 2000;
    /** Where stream mode's decisions go. */
    public enum Output implements ParamSpec.Choice {
        NONE, STREAM
    }

    /** What stream mode counts block errors against. */
    public enum Reference implements ParamSpec.Choice {
        SEEDED, NONE
    }

    /** Stream mode's decisions: the neural receiver, or minimum distance over the codebook ("min-distance"). */
    public enum Decoder implements ParamSpec.Choice {
        NEURAL, MIN_DISTANCE
    }

    public static final ParamSpec OUTPUT = ParamSpec.choice("output", "Message output", Output.NONE,
            "stream mode: stream writes every decided message index on msg_out, one per byte (M <= 256)");
    public static final ParamSpec REFERENCE = ParamSpec.choice("reference", "Error reference", Reference.SEEDED,
            "stream mode: count block errors against the shared-seed messages, or none"
                    + " (when the transmitter sends messages it is given)");
    public static final ParamSpec DECODER = ParamSpec.choice("decoder", "Decoder", Decoder.NEURAL,
            "stream mode: the neural receiver, or minimum-distance decisions over the model's"
                    + " codebook (maximum likelihood on AWGN)");
    public static final ParamSpec DECODER_THREADS = ParamSpec.integer("decoder_threads", "Decoder threads", 1, 1L,
            64L, "stream mode, neural decoder: threads each frame's decisions are split over (the"
                    + " block's own and worker threads, at most the cores); 1: the block's own").inAdvanced();

    public static final PortSpec IN = PortSpec.streamIn("in", PortSpec.Item.COMPLEX, "samples from the channel");
    public static final PortSpec LOSSES = PortSpec.messageOut("losses", true,
            "train mode: per-example losses of transmitter-phase"
                    + " batches, or 'lost' for a batch that did not arrive whole (to the loss feedback)");
    public static final PortSpec MSG_OUT = PortSpec.streamOut("msg_out", PortSpec.Item.BYTE, OUTPUT, Output.STREAM,
            "stream mode with output stream: the"
                    + " decided message index of every message, in order, one byte each");
    public static final BlockSpec SPEC = new BlockSpec("receiver", "Model-free Receiver",
            "Finds batch frames in complex64 samples, decodes them with a learned receiver, trains it on the"
                    + " shared-seed training messages and feeds back per-example losses.",
            List.of(IN, LOSSES, MSG_OUT),
            TrainingParams.concat(List.of(BlockParams.MODE), TrainingParams.SCHEDULE, TrainingParams.LEARNING,
                    List.of(BlockParams.CHECKPOINT, BlockParams.CHECKPOINT_SECONDS, BlockParams.MODEL,
                            BlockParams.FRAMES,
                            OUTPUT, REFERENCE, DECODER, DECODER_THREADS),
                    BlockParams.RUNNER));

    /** Receiver-phase batches in the recent_bler statistic. */
    static final int RECENT = 16;

    private final TrainConfig c;
    private final boolean train;
    private final Schedule schedule;
    private final FrameSync sync;
    private final float[] in;
    private final float[] payload;
    private final long endOfRun;
    private final long frameLimit;
    private final Checkpoints checkpoints;
    private final ReceiverSide side;
    private final ReceiverLearner learner;
    private final LearningCurve curve = new LearningCurve();
    private final MessageSource source;
    private final int[] msgs;
    private final int[] decisions;
    private final FMatrixRMaj y = new FMatrixRMaj(1, 1);
    private final MinDistanceDecoder minDistance;
    private final PrunedDecoder neural;
    /** Stream mode: decisions go out on 'msg_out'. */
    private final boolean outputStream;
    /** Stream mode: block errors are counted against the seeded messages. */
    private final boolean seededReference;
    private final byte[] decidedBytes;
    private long messagesOut;

    private long nextBatch;
    private boolean done;
    private double lastRxLoss = Double.NaN;
    /** Block errors of the last RECENT receiver-phase batches (ring), decided before each step. */
    private final int[] recentErrors = new int[RECENT];
    private long recentBatches;
    private long trained;
    private long fedBack;
    private long stale;
    private long lostReported;
    private long reportedPartial;
    private long framesDecoded;
    private long samplesIn;
    private long learnNanos;
    private long messagesDecided;
    private long blockErrors;

    public ReceiverBlock(Params p) {
        this.c = TrainingParams.config(p);
        this.train = p.choice(BlockParams.MODE, BlockParams.Mode.class) == BlockParams.Mode.TRAIN;
        this.schedule = Schedule.of(c);
        FrameFormat f = LinkFrames.format(c);
        this.sync = new FrameSync(f);
        this.in = new float[2 * 8192];
        this.payload = new float[2 * f.payloadSymbols()];
        this.endOfRun = LinkFrames.endOfRun(c);
        this.frameLimit = p.integer(BlockParams.FRAMES);
        this.msgs = new int[LinkFrames.frameMessages(c)];
        this.decisions = new int[LinkFrames.frameMessages(c)];
        this.source = new MessageSource(c.messages(), c.seed());
        this.outputStream = p.choice(OUTPUT, Output.class) == Output.STREAM;
        this.seededReference = p.choice(REFERENCE, Reference.class) == Reference.SEEDED;
        if (outputStream && train) {
            throw new IllegalArgumentException("receiver: --output stream is for --mode stream");
        }
        if (outputStream && c.messages() > 256) {
            throw new IllegalArgumentException("receiver: --output stream writes one message index per byte, so M must"
                    + " be at most 256; the block has --messages " + c.messages());
        }
        this.decidedBytes = outputStream ? new byte[LinkFrames.frameMessages(c)] : null;
        if (train) {
            this.learner = new ReceiverLearner(Networks.create(c).receiver());
            this.side = new ReceiverSide(learner, c);
            this.minDistance = null;
            this.neural = null;
            this.checkpoints = new Checkpoints(SPEC.name(), p, c, learner.receiver().params(), learner.optimiser(),
                    curve);
            this.nextBatch = checkpoints.resume();
        } else {
            org.grmodelfree.train.Trainer model = TransmitterBlock.loadModel(p.string(BlockParams.MODEL), c);
            this.learner = new ReceiverLearner(model.receiver());
            this.side = null;
            this.checkpoints = null;
            boolean md = p.choice(DECODER, Decoder.class) == Decoder.MIN_DISTANCE;
            if (md && model.config().channel() != org.grmodelfree.comm.ChannelKind.AWGN) {
                throw new IllegalArgumentException("receiver: the min-distance decoder is for AWGN models; this model"
                        + " is for " + model.config().channel().id());
            }
            this.minDistance = md ? new MinDistanceDecoder(model.transmitter().codebook()) : null;
            this.neural = md ? null : PrunedDecoder.forLink(model.receiver(), model.transmitter().codebook(),
                    model.config().channel().at(model.config().snrDb()), c.seed())
                    .threads((int) p.integer(DECODER_THREADS));
        }
    }

    public Receiver receiver() {
        return learner.receiver();
    }

    /** Per-iteration mean receiver-phase losses (tx loss NaN). */
    public LearningCurve curve() {
        return curve;
    }

    /** The id of the next batch expected. */
    public long nextBatch() {
        return nextBatch;
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
        long now = io.nanoTime();
        if (train && checkpoints.start(now) && nextBatch > 0) {
            io.log(String.format(Locale.ROOT, "resuming from %s at batch %d (iteration %d)", checkpoints.file(),
                    nextBatch, schedule.slot(Math.min(nextBatch, endOfRun)).iteration()));
        }
        int n = io.read(IN, in, 0, in.length / 2);
        if (n == 0) {
            return Status.IDLE;
        }
        samplesIn += n;
        sync.push(in, 0, n);
        while (!done && sync.next(payload)) {
            framesDecoded++;
            if (train) {
                onTrainingFrame(io, sync.batchId(), now);
            } else {
                onStreamFrame(io, sync.batchId());
            }
        }
        if (train) {
            reportPartial(io);
        }
        if (done) {
            io.log(train ? String.format(Locale.ROOT, "done: %d receiver steps, %d batches fed back, %d lost",
                    trained, fedBack, lostReported) : streamSummary());
            return Status.DONE;
        }
        return Status.WORKED;
    }

    private void onTrainingFrame(BlockIo io, long id, long now) {
        if (id >= endOfRun) {
            for (long b = nextBatch; b < endOfRun; b++) {
                reportLost(io, b, "missing before the end of the run");
            }
            nextBatch = endOfRun;
            checkpoints.save(nextBatch, now, true);
            done = true;
            return;
        }
        if (id < nextBatch) {
            stale++;
            io.log("frame of batch " + id + " ignored: batch " + nextBatch + " is next (" + stale + " so far)");
            return;
        }
        for (long b = nextBatch; b < id && b < nextBatch + 1000; b++) {
            reportLost(io, b, "no frame arrived; the next was batch " + id);
        }
        Schedule.Slot slot = schedule.slot(id);
        long t0 = System.nanoTime();
        float[] losses = side.onBatch(id, payload);
        learnNanos += System.nanoTime() - t0;
        if (losses == null) {
            trained++;
            lastRxLoss = side.lastLoss();
            recentErrors[(int) (recentBatches++ % RECENT)] = learner.lastErrors();
        } else if (io.connected(LOSSES)) {
            io.send(LOSSES, new ControlMessage.Losses(id, slot.iteration(), Arrays.copyOf(losses, c.batchTx())));
            fedBack++;
        }
        if (slot.step() == c.rxSteps() - 1) {
            curve.add(new LearningCurve.Point(slot.iteration() + 1, checkpoints.seconds(now), lastRxLoss, Double.NaN,
                    Double.NaN));
        }
        nextBatch = id + 1;
        checkpoints.save(nextBatch, now, false);
    }

    /** A frame whose header was read but whose end marker was missing: tell the transmitter. */
    private void reportPartial(BlockIo io) {
        if (sync.partialFrames() > reportedPartial) {
            reportedPartial = sync.partialFrames();
            long id = sync.lastPartialBatchId();
            if (id >= nextBatch && id < endOfRun) {
                reportLost(io, id, "the frame arrived damaged (samples lost or added inside it)");
            }
        }
    }

    private void reportLost(BlockIo io, long id, String why) {
        lostReported++;
        Schedule.Slot slot = schedule.slot(id);
        if (lostReported <= 10 || Long.bitCount(lostReported) == 1) {
            io.log("batch " + id + " lost: " + why + " [" + lostReported + " so far]");
        }
        if (slot.transmitterPhase() && io.connected(LOSSES)) {
            io.send(LOSSES, new ControlMessage.Lost(id, slot.iteration(), why));
        }
    }

    private void onStreamFrame(BlockIo io, long id) {
        if (frameLimit > 0 && id >= frameLimit) {
            done = true;
            return;
        }
        int b = LinkFrames.frameMessages(c);
        int[] labels = null;
        if (seededReference) {
            LinkFrames.streamMessages(source, id);
            source.next(msgs, b);
            labels = msgs;
        }
        y.reshape(b, 2 * c.symbols());
        System.arraycopy(payload, 0, y.data, 0, y.getNumElements());
        blockErrors += minDistance != null ? minDistance.decide(y, labels, decisions)
                : neural.decide(y, labels, decisions);
        messagesDecided += b;
        if (outputStream) {
            for (int i = 0; i < b; i++) {
                decidedBytes[i] = (byte) decisions[i];
            }
            io.writeBytes(MSG_OUT, decidedBytes, 0, b);
            messagesOut += b;
        }
        if (frameLimit > 0 && id == frameLimit - 1) {
            done = true; // the last frame: the end marker after it may be held back by the channel
        }
    }

    private String streamSummary() {
        if (!seededReference) {
            return String.format(Locale.ROOT, "done: %d frames, %d messages (no error reference)", framesDecoded,
                    messagesDecided);
        }
        return String.format(Locale.ROOT, "done: %d frames, %d messages, %d block errors (BLER %.3e)", framesDecoded,
                messagesDecided, blockErrors, messagesDecided == 0 ? Double.NaN : (double) blockErrors / messagesDecided);
    }

    @Override
    public void stop(BlockIo io) {
        if (train && !done && nextBatch > 0) {
            checkpoints.save(nextBatch, io.nanoTime(), true);
        }
    }

    /** With reference none the user's source sets the pace: waiting for samples is no lost peer. */
    @Override
    public boolean idleMeansPeerLost() {
        return train || seededReference;
    }

    @Override
    public String waitingFor() {
        if (!train) {
            return "samples on 'in'";
        }
        return "samples of batch " + nextBatch + " on 'in'" + (nextBatch >= endOfRun ? " (the end-of-run frame)" : "");
    }

    /**
     * The block error rate of the last {@link #RECENT} receiver-phase batches (unperturbed frames,
     * each decided before the receiver's step on it, so not yet trained on); NaN before the first.
     */
    private double recentBler() {
        int batches = (int) Math.min(recentBatches, RECENT);
        long errors = 0;
        for (int i = 0; i < batches; i++) {
            errors += recentErrors[i];
        }
        return batches == 0 ? Double.NaN : (double) errors / ((long) batches * c.batchRx());
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples_in", samplesIn);
        m.put("frames_decoded", framesDecoded);
        m.put("frame_header_errors", sync.headerErrors());
        m.put("partial_frames", sync.partialFrames());
        m.put("missed_frames", sync.missedFrames());
        if (train) {
            m.put("next_batch", nextBatch);
            m.put("receiver_steps", trained);
            m.put("batches_fed_back", fedBack);
            m.put("batches_lost", lostReported);
            m.put("stale_frames", stale);
            m.put("last_rx_loss", lastRxLoss);
            m.put("recent_bler", recentBler());
            m.put("learning_seconds", learnNanos / 1e9);
        } else {
            m.put("messages", messagesDecided);
            if (seededReference) {
                m.put("block_errors", blockErrors);
            }
            if (outputStream) {
                m.put("messages_out", messagesOut);
            }
            if (neural != null) {
                m.put("logits_per_message", neural.messagesDecided() == 0 ? Double.NaN
                        : (double) neural.logitsEvaluated() / neural.messagesDecided());
            }
        }
        return m;
    }
}
