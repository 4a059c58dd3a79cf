package org.grmodelfree.block;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grmodelfree.comm.Receiver;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.TrainConfig;

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
 *
 * <p>The block is the declaration (ports, parameters, their parsed {@code Settings}); its work is
 * done by the kernel of its mode, {@link ReceiverTraining} or {@link ReceiverStreaming}, chosen once
 * when it is built.
 */
public final class ReceiverBlock implements Block {
    /**
     * The compute pool's spin-wait iterations in a receiver process ({@code -Dmodelfree.spins}):
     * its workers park soon after a step, leaving the cores to the other processes. The Python
     * bridge (python/gnuradio/modelfree/_jvm.py) and {@code train --transport zmq} start receivers with it,
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
            "stream mode with output stream: the decided message index of every message, in order, one byte each");
    public static final BlockSpec SPEC = new BlockSpec("receiver", "Model-free Receiver",
            "Finds batch frames in complex64 samples, decodes them with a learned receiver, trains it on the"
                    + " shared-seed training messages and feeds back per-example losses.",
            List.of(IN, LOSSES, MSG_OUT),
            TrainingParams.concat(List.of(BlockParams.MODE), TrainingParams.SCHEDULE, TrainingParams.LEARNING,
                    List.of(BlockParams.CHECKPOINT, BlockParams.CHECKPOINT_SECONDS, BlockParams.MODEL,
                            BlockParams.MODEL_OUT, BlockParams.FRAMES, BlockParams.FREEZE,
                            OUTPUT, REFERENCE, DECODER, DECODER_THREADS),
                    BlockParams.RUNNER));

    /** Receiver-phase batches in the recent_bler statistic. */
    static final int RECENT = 16;

    /** The block's parameters, parsed once. */
    record Settings(BlockParams.Mode mode, TrainConfig config, String checkpoint, double checkpointSeconds,
                    String model, String modelOut, long frames, boolean freeze, Output output, Reference reference, Decoder decoder,
                    int decoderThreads) {
        static Settings of(Params p) {
            return new Settings(p.choice(BlockParams.MODE, BlockParams.Mode.class), TrainingParams.config(p),
                    p.string(BlockParams.CHECKPOINT), p.real(BlockParams.CHECKPOINT_SECONDS),
                    p.string(BlockParams.MODEL), p.string(BlockParams.MODEL_OUT), p.integer(BlockParams.FRAMES),
                    p.bool(BlockParams.FREEZE), p.choice(OUTPUT, Output.class),
                    p.choice(REFERENCE, Reference.class), p.choice(DECODER, Decoder.class),
                    (int) p.integer(DECODER_THREADS));
        }
    }

    /** The work of the block's mode. */
    private final ReceiverKernel kernel;

    public ReceiverBlock(Params p) {
        Settings s = Settings.of(p);
        TrainConfig c = s.config();
        boolean train = s.mode() == BlockParams.Mode.TRAIN;
        if (s.output() == Output.STREAM && train) {
            throw new IllegalArgumentException("receiver: --output stream is for --mode stream");
        }
        if (s.output() == Output.STREAM && c.messages() > 256) {
            throw new IllegalArgumentException("receiver: --output stream writes one message index per byte, so M must"
                    + " be at most 256; the block has --messages " + c.messages());
        }
        this.kernel = train ? new ReceiverTraining(s) : new ReceiverStreaming(s);
    }

    public Receiver receiver() {
        return kernel.receiver();
    }

    /** Per-iteration mean receiver-phase losses (tx loss NaN). */
    public LearningCurve curve() {
        return kernel.curve;
    }

    /** The id of the next batch expected. */
    public long nextBatch() {
        return kernel.nextBatch();
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
     * freeze (the only run-time parameter): while true, receiver-phase batches are decided and
     * counted (recent_bler) without a step; stream mode has fixed weights anyway.
     */
    @Override
    public void set(ParamSpec param, Object value) {
        if (param != BlockParams.FREEZE) {
            Block.super.set(param, value);
        }
        kernel.freeze((Boolean) value);
    }

    @Override
    public void stop(BlockIo io) {
        kernel.stop(io);
    }

    /** With reference none the user's source sets the pace: waiting for samples is no lost peer. */
    @Override
    public boolean idleMeansPeerLost() {
        return kernel.idleMeansPeerLost();
    }

    @Override
    public String waitingFor() {
        return kernel.waitingFor();
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        kernel.stats(m);
        return m;
    }
}
