package org.grmodelfree.semantic.block;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.block.Block;
import org.grmodelfree.block.BlockIo;
import org.grmodelfree.block.BlockParams;
import org.grmodelfree.block.BlockSpec;
import org.grmodelfree.block.ParamSpec;
import org.grmodelfree.block.Params;
import org.grmodelfree.block.PortSpec;
import org.grmodelfree.comm.Rng;
import org.grmodelfree.semantic.data.Dataset;
import org.grmodelfree.semantic.model.Awgn;
import org.grmodelfree.semantic.model.SemanticConfig;
import org.grmodelfree.semantic.model.SemanticReceiver;
import org.grmodelfree.semantic.model.SemanticReceiverLearner;
import org.grmodelfree.semantic.model.SemanticTrainer;
import org.grmodelfree.semantic.store.SemanticBlockCheckpoint;
import org.grmodelfree.wire.ControlMessage;

/**
 * The RL-SINFONY receiver in a process of its own: it collects each batch from the four agents
 * ("in0".."in3"), passes it through its built-in AWGN channel (SNR drawn per example and agent from
 * [snr_low_db, snr_high_db]; set both to a large value when a real channel lies between), and then
 * either takes a supervised step (receiver-phase batches and fine-tuning) or sends the per-example
 * cross-entropies back to every agent ("feedback0".."feedback3"). Labels come from the shared seed.
 * Its stats report the accuracy on the receiver-phase batches of the last epoch. At the end it
 * sends {@code Stop} on every feedback port.
 *
 * <p>Faults: with {@code checkpoint} it saves its step, weights, Adam state and counters atomically
 * after a batch (when checkpoint_seconds have passed) and at the end; a restarted receiver resumes
 * from that file. A batch older than its step (from a restarted agent, or sent again) is discarded,
 * counted and answered with a {@code Phase} message naming the receiver's batch, so that agent
 * skips forward. When all four agents have sent and some batch is ahead of its step (the batches in
 * between went to a receiver that has since been restarted), it skips forward to the latest.
 */
public final class SemanticReceiverBlock implements Block {
    private static final int AGENTS = SemanticConfig.AGENTS;

    public static final PortSpec IN0 = PortSpec.messageIn("in0", false, "agent 0's channel inputs");
    public static final PortSpec IN1 = PortSpec.messageIn("in1", false, "agent 1's channel inputs");
    public static final PortSpec IN2 = PortSpec.messageIn("in2", false, "agent 2's channel inputs");
    public static final PortSpec IN3 = PortSpec.messageIn("in3", false, "agent 3's channel inputs");
    public static final PortSpec FEEDBACK0 = PortSpec.messageOut("feedback0", false,
            "losses of transmitter-phase batches to agent 0");
    public static final PortSpec FEEDBACK1 = PortSpec.messageOut("feedback1", false,
            "losses of transmitter-phase batches to agent 1");
    public static final PortSpec FEEDBACK2 = PortSpec.messageOut("feedback2", false,
            "losses of transmitter-phase batches to agent 2");
    public static final PortSpec FEEDBACK3 = PortSpec.messageOut("feedback3", false,
            "losses of transmitter-phase batches to agent 3");
    public static final ParamSpec SNR_LOW_DB = ParamSpec.real("snr_low_db", "Lowest SNR (dB)", -4.0, -100.0, 400.0,
            "built-in AWGN channel: lowest SNR, drawn uniformly per example");
    public static final ParamSpec SNR_HIGH_DB = ParamSpec.real("snr_high_db", "Highest SNR (dB)", 6.0, -100.0, 400.0,
            "built-in AWGN channel: highest SNR");
    public static final ParamSpec INPUT = ParamSpec.choice("input", "Input", "message", List.of("message", "stream"),
            "message: each agent's batches as messages on in0..in3, through the built-in AWGN channel; stream: as"
                    + " complex64 streams on features0..features3 (N_Tx / 2 samples per image, batch after batch) that"
                    + " have crossed the flowgraph's channel blocks; the built-in channel is then off");
    private static final String STREAM_DOC = "'s channel inputs as a complex64 stream, N_Tx / 2 samples per image,"
            + " batch after batch (each padded to a multiple of 16 samples), after the flowgraph's channel";
    public static final PortSpec FEATURES0 = PortSpec.streamIn("features0", PortSpec.Item.COMPLEX, INPUT.id(), "stream",
            "agent 0" + STREAM_DOC);
    public static final PortSpec FEATURES1 = PortSpec.streamIn("features1", PortSpec.Item.COMPLEX, INPUT.id(), "stream",
            "agent 1" + STREAM_DOC);
    public static final PortSpec FEATURES2 = PortSpec.streamIn("features2", PortSpec.Item.COMPLEX, INPUT.id(), "stream",
            "agent 2" + STREAM_DOC);
    public static final PortSpec FEATURES3 = PortSpec.streamIn("features3", PortSpec.Item.COMPLEX, INPUT.id(), "stream",
            "agent 3" + STREAM_DOC);
    public static final BlockSpec SPEC = new BlockSpec("semantic-receiver", "Semantic Receiver (RL-SINFONY)",
            "Receiver of the distributed image classifier: shared dense layer per agent, mean over agents, softmax"
                    + " over the classes; feeds per-example losses back to the agents.",
            List.of(IN0, IN1, IN2, IN3, FEATURES0, FEATURES1, FEATURES2, FEATURES3, FEEDBACK0, FEEDBACK1, FEEDBACK2,
                    FEEDBACK3),
            SemanticParams.with(List.of(SNR_LOW_DB, SNR_HIGH_DB, INPUT)));

    /** Agent a's input and feedback ports. */
    private static final PortSpec[] IN = {IN0, IN1, IN2, IN3};
    private static final PortSpec[] FEEDBACK = {FEEDBACK0, FEEDBACK1, FEEDBACK2, FEEDBACK3};
    private static final PortSpec[] FEATURES = {FEATURES0, FEATURES1, FEATURES2, FEATURES3};

    /** The block's parameters, parsed once; the SNR range is checked first. */
    record Settings(SemanticConfig config, String checkpoint, double checkpointSeconds, boolean stream) {
        static Settings of(Params p) {
            double lo = p.real(SNR_LOW_DB);
            double hi = p.real(SNR_HIGH_DB);
            if (lo > hi) {
                throw new IllegalArgumentException("snr_low_db " + lo + " is above snr_high_db " + hi);
            }
            return new Settings(SemanticParams.config(p, lo, hi), p.string(BlockParams.CHECKPOINT),
                    p.real(BlockParams.CHECKPOINT_SECONDS), p.string(INPUT).equals("stream"));
        }
    }

    private final SemanticConfig c;
    private final Dataset train;
    private final int perEpoch;
    private final long total;
    private final SemanticReceiverLearner learner;
    private final ControlMessage.Sent[] slots = new ControlMessage.Sent[AGENTS];
    /** input stream: each agent's values of the current batch as they arrive, and how many have. */
    private final boolean stream;
    private final float[][] streamed;
    private final int[] streamedValues = new int[AGENTS];
    /** Per agent, the last stale batch discarded (-1: none). */
    private final long[] lastDiscarded = {-1, -1, -1, -1};
    private final int[] order;
    private final int[] labels;
    private final float[] losses;
    private final FMatrixRMaj one;
    private final FMatrixRMaj stacked;
    private final Rng rng = new Rng(0);
    private final Rng orderRng = new Rng(0);
    private final SemanticParams.Checkpointing checkpoints;
    /** The step the checkpoint resumed at, -1 when the run started afresh. */
    private final long resumedAt;
    private int orderEpoch = -1;
    private boolean started;
    private long step;
    private long rxSteps;
    private long txSteps;
    private long staleBatches;
    private long rejected;
    private long skippedSteps;
    private long lastEpochImages;
    private long lastEpochErrors;
    private double lastEpochLoss;

    public SemanticReceiverBlock(Params p) {
        Settings s = Settings.of(p);
        if (s.stream()) {
            SemanticParams.refuseStreamResume(SPEC.name(), s.checkpoint());
        }
        this.c = s.config();
        this.train = SemanticParams.train(c);
        this.perEpoch = SemanticParams.batchesPerEpoch(c, train);
        this.total = (long) perEpoch * (c.epochs() + c.fineTuneEpochs());
        // The receiver's initial weights come after the four agents' in the trainer's draw order.
        Rng init = new Rng(c.seed() * 31 + 7);
        for (int a = 0; a < AGENTS; a++) {
            new org.grmodelfree.semantic.model.Agent("agent" + a, c.reduced(), c.channelUses(), init);
        }
        this.learner = new SemanticReceiverLearner(new SemanticReceiver(AGENTS, c.channelUses(), c.rxWidth(),
                SemanticConfig.CLASSES, init), c);
        this.order = new int[train.size()];
        int sends = c.sendsPerImage() * c.batch();
        this.labels = new int[sends];
        this.losses = new float[sends];
        this.one = new FMatrixRMaj(sends, c.channelUses());
        this.stacked = new FMatrixRMaj(AGENTS * sends, c.channelUses());
        this.stream = s.stream();
        this.streamed = stream ? new float[AGENTS][2 * SemanticParams.streamSamples(sends * c.channelUses())] : null;
        this.checkpoints = new SemanticParams.Checkpointing(SPEC.name(), -1, s.checkpoint(), s.checkpointSeconds(), c,
                learner.receiver().params(), learner.optimiser());
        SemanticBlockCheckpoint.Loaded l = checkpoints.resume();
        if (l != null) {
            step = l.step();
            rxSteps = SemanticAgentBlock.count(l, "receiver_steps");
            txSteps = SemanticAgentBlock.count(l, "losses_fed_back");
            staleBatches = SemanticAgentBlock.count(l, "stale_batches");
            skippedSteps = SemanticAgentBlock.count(l, "steps_skipped");
            lastEpochImages = SemanticAgentBlock.count(l, "last_epoch_images");
            lastEpochErrors = SemanticAgentBlock.count(l, "last_epoch_errors");
            lastEpochLoss = l.counters().getOrDefault("last_epoch_loss", 0.0);
        }
        this.resumedAt = l == null ? -1 : l.step();
    }

    @Override
    public BlockSpec spec() {
        return SPEC;
    }

    /** Values per agent in batch id's message: B x N_Tx, twice the rows in mirrored transmitter-phase batches. */
    private int rows(long id) {
        return (SemanticParams.receiverStep(c, id, perEpoch) ? 1 : c.sendsPerImage()) * c.batch();
    }

    @Override
    public Status work(BlockIo io) {
        if (!started) {
            started = true;
            if (resumedAt >= 0) {
                io.log(String.format(Locale.ROOT, "semantic receiver: resuming from %s at batch %d (epoch %d)",
                        checkpoints.file(), resumedAt, resumedAt / perEpoch + 1));
            }
        }
        if (step >= total) {
            return finish(io);
        }
        if (stream) {
            return readStreams(io);
        }
        boolean progress = false;
        int have = 0;
        for (int a = 0; a < AGENTS; a++) {
            ControlMessage m;
            while (slots[a] == null && (m = io.receive(IN[a])) != null) {
                progress = true;
                if (!(m instanceof ControlMessage.Sent s)) {
                    reject(io, a, "expected a Sent message of batch " + step + " or later, got "
                            + SemanticAgentBlock.describe(m));
                    continue;
                }
                if (s.batchId() >= total) {
                    reject(io, a, "got batch " + s.batchId() + ", but the run has batches 0.." + (total - 1)
                            + " (do all processes have the same schedule?)");
                    continue;
                }
                if (s.batchId() < step) {
                    discard(io, a, s.batchId(), step);
                    continue;
                }
                int values = rows(s.batchId()) * c.channelUses();
                if (s.samples().length != values) {
                    reject(io, a, "expected " + values + " values in batch " + s.batchId() + ", got "
                            + s.samples().length + " (do all processes have the same batch and mirrored?)");
                    continue;
                }
                slots[a] = s;
            }
            if (slots[a] != null) {
                have++;
            }
        }
        if (have < AGENTS) {
            return progress ? Status.WORKED : Status.IDLE; // the runner reports a peer lost after peer_timeout
        }
        long ahead = step;
        for (ControlMessage.Sent s : slots) {
            ahead = Math.max(ahead, s.batchId());
        }
        if (ahead > step) {
            // batches up to 'ahead' were lost (sent to a receiver that was restarted since): go on
            // from the latest batch that every agent can still send
            io.log(String.format(Locale.ROOT, "semantic receiver: skipping forward %d steps, from batch %d to batch"
                    + " %d, the batches the agents send now", ahead - step, step, ahead));
            skippedSteps += ahead - step;
            step = ahead;
            boolean waiting = false;
            for (int a = 0; a < AGENTS; a++) {
                if (slots[a].batchId() < step) {
                    discard(io, a, slots[a].batchId(), step);
                    slots[a] = null;
                    waiting = true;
                }
            }
            if (waiting) {
                return Status.WORKED;
            }
        }
        decode(io);
        checkpoints.save(step, counters(), io.nanoTime(), false);
        return Status.WORKED;
    }

    /**
     * input stream: reads each agent's stream up to the end of the current batch (streams keep order
     * and lose nothing, so the batch is the next rows(step) x N_Tx values of every stream, then the
     * padding) and decodes the batch when all four are complete.
     */
    private Status readStreams(BlockIo io) {
        int values = 2 * SemanticParams.streamSamples(rows(step) * c.channelUses());
        boolean progress = false;
        int complete = 0;
        for (int a = 0; a < AGENTS; a++) {
            int want = (values - streamedValues[a]) / 2;
            if (want > 0) {
                int got = io.read(FEATURES[a], streamed[a], streamedValues[a] / 2, want);
                streamedValues[a] += 2 * got;
                progress |= got > 0;
            }
            if (streamedValues[a] == values) {
                complete++;
            }
        }
        if (complete < AGENTS) {
            return progress ? Status.WORKED : Status.IDLE; // the runner reports a peer lost after peer_timeout
        }
        decode(io);
        Arrays.fill(streamedValues, 0);
        checkpoints.save(step, counters(), io.nanoTime(), false);
        return Status.WORKED;
    }

    /**
     * Drops agent a's stale batch (from before a restart of that agent, or a re-send) and tells the
     * agent where the receiver is, so that it skips forward.
     */
    /** A message on an agent's input that cannot be taken: logged with its reason and skipped. */
    private void reject(BlockIo io, int agent, String why) {
        rejected++;
        if (BlockIo.worthLogging(rejected - 1, rejected)) {
            io.log("semantic receiver: rejected on " + IN[agent].id() + ": " + why + " [" + rejected + " so far]");
        }
    }

    private void discard(BlockIo io, int a, long id, long at) {
        staleBatches++;
        if (lastDiscarded[a] != id) { // the same batch sent again while the receiver waited: logged once
            lastDiscarded[a] = id;
            io.log("semantic receiver: discarding stale batch " + id + " from agent " + a + " on " + IN[a].id()
                    + " (at batch " + at + "); telling it on " + FEEDBACK[a].id());
        }
        io.send(FEEDBACK[a], new ControlMessage.Phase(at / perEpoch, SemanticParams.receiverStep(c, at, perEpoch)
                ? ControlMessage.Phase.RECEIVER : ControlMessage.Phase.TRANSMITTER, rows(at), at));
    }

    private Status finish(BlockIo io) {
        checkpoints.save(step, counters(), io.nanoTime(), true);
        for (PortSpec f : FEEDBACK) {
            io.send(f, new ControlMessage.Stop("run complete after " + total + " batches"));
        }
        io.log(String.format(Locale.ROOT, "semantic receiver: done: %d batches, %d stale discarded, %d steps skipped",
                step, staleBatches, skippedSteps));
        return Status.DONE;
    }

    private void decode(BlockIo io) {
        int b = c.batch();
        int e = (int) (step / perEpoch);
        int i = (int) (step % perEpoch);
        if (e != orderEpoch) {
            SemanticTrainer.order(order, c.seed(), e, orderRng);
            orderEpoch = e;
        }
        boolean receiverStep = SemanticParams.receiverStep(c, step, perEpoch);
        int rows = rows(step);
        train.gatherLabels(order, i * b, b, labels);
        for (int copy = 1; copy < rows / b; copy++) {
            System.arraycopy(labels, 0, labels, copy * b, b);
        }
        rng.reseed(c.seed(), step, 20);
        one.reshape(rows, c.channelUses());
        stacked.reshape(AGENTS * rows, c.channelUses());
        for (int a = 0; a < AGENTS; a++) {
            if (stream) {
                // the flowgraph's channel has already acted: no built-in noise
                System.arraycopy(streamed[a], 0, stacked.data, a * rows * c.channelUses(), rows * c.channelUses());
                continue;
            }
            System.arraycopy(slots[a].samples(), 0, one.data, 0, rows * c.channelUses());
            Awgn.transmit(one, stacked, a * rows, c.snrLowDb(), c.snrHighDb(), rng);
            slots[a] = null;
        }
        boolean lastEpoch = e == c.epochs() + c.fineTuneEpochs() - 1;
        if (receiverStep) {
            double loss = learner.step(stacked, labels, losses, c.lr());
            rxSteps++;
            if (lastEpoch) {
                lastEpochImages += b;
                lastEpochErrors += learner.lastErrors();
                lastEpochLoss += loss * b;
            }
        } else {
            learner.losses(stacked, labels, losses);
            for (int a = 0; a < AGENTS; a++) {
                io.send(FEEDBACK[a], new ControlMessage.Losses(step, e, Arrays.copyOf(losses, rows)));
            }
            txSteps++;
        }
        if (i == perEpoch - 1) {
            io.log(String.format(Locale.ROOT, "semantic receiver: epoch %d of %d done", e + 1,
                    c.epochs() + c.fineTuneEpochs()));
        }
        step++;
    }

    private Map<String, Object> counters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("receiver_steps", rxSteps);
        m.put("losses_fed_back", txSteps);
        m.put("stale_batches", staleBatches);
        m.put("rejected_messages", rejected);
        m.put("steps_skipped", skippedSteps);
        m.put("last_epoch_images", lastEpochImages);
        m.put("last_epoch_errors", lastEpochErrors);
        m.put("last_epoch_loss", lastEpochLoss);
        return m;
    }

    @Override
    public String waitingFor() {
        StringBuilder s = new StringBuilder("batch " + step + " from");
        for (int a = 0; a < AGENTS; a++) {
            if (stream) {
                s.append(" '").append(FEATURES[a].id()).append("' (").append(streamedValues[a] / 2).append(" of ")
                        .append(SemanticParams.streamSamples(rows(step) * c.channelUses())).append(" samples)");
            } else if (slots[a] == null) {
                s.append(" '").append(IN[a].id()).append("'");
            }
        }
        return s.toString();
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("batches", step);
        m.put("receiver_steps", rxSteps);
        m.put("losses_fed_back", txSteps);
        m.put("stale_batches", staleBatches);
        m.put("rejected_messages", rejected);
        m.put("steps_skipped", skippedSteps);
        m.put("last_epoch_images", lastEpochImages);
        m.put("last_epoch_accuracy", lastEpochImages == 0 ? Double.NaN : 1 - (double) lastEpochErrors / lastEpochImages);
        m.put("last_epoch_loss", lastEpochImages == 0 ? Double.NaN : lastEpochLoss / lastEpochImages);
        return m;
    }
}
