package org.grmodelfree.block;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.Rng;
import org.grmodelfree.data.Dataset;
import org.grmodelfree.semantic.Awgn;
import org.grmodelfree.semantic.SemanticConfig;
import org.grmodelfree.semantic.SemanticReceiver;
import org.grmodelfree.semantic.SemanticReceiverLearner;
import org.grmodelfree.semantic.SemanticTrainer;
import org.grmodelfree.wire.ControlMessage;

/**
 * The RL-SINFONY receiver in a process of its own: it collects each batch from the four agents
 * ("in0".."in3"), passes it through its built-in AWGN channel (SNR drawn per example and agent from
 * [snr_low_db, snr_high_db]; set both to a large value when a real channel lies between), and then
 * either takes a supervised step (receiver-phase batches and fine-tuning) or sends the per-example
 * cross-entropies back to every agent ("feedback0".."feedback3"). Labels come from the shared seed.
 * Its stats report the accuracy on the receiver-phase batches of the last epoch.
 */
public final class SemanticReceiverBlock implements Block {
    private static final int AGENTS = SemanticConfig.AGENTS;

    public static final BlockSpec SPEC = new BlockSpec("semantic-receiver", "Semantic Receiver (RL-SINFONY)",
            "Receiver of the distributed image classifier: shared dense layer per agent, mean over agents, softmax"
                    + " over the classes; feeds per-example losses back to the agents.",
            List.of(PortSpec.messageIn("in0", false, "agent 0's channel inputs"),
                    PortSpec.messageIn("in1", false, "agent 1's channel inputs"),
                    PortSpec.messageIn("in2", false, "agent 2's channel inputs"),
                    PortSpec.messageIn("in3", false, "agent 3's channel inputs"),
                    PortSpec.messageOut("feedback0", false, "losses of transmitter-phase batches to agent 0"),
                    PortSpec.messageOut("feedback1", false, "losses of transmitter-phase batches to agent 1"),
                    PortSpec.messageOut("feedback2", false, "losses of transmitter-phase batches to agent 2"),
                    PortSpec.messageOut("feedback3", false, "losses of transmitter-phase batches to agent 3")),
            SemanticParams.with(List.of(
                    ParamSpec.real("snr_low_db", "Lowest SNR (dB)", -4.0, -100.0, 400.0,
                            "built-in AWGN channel: lowest SNR, drawn uniformly per example"),
                    ParamSpec.real("snr_high_db", "Highest SNR (dB)", 6.0, -100.0, 400.0,
                            "built-in AWGN channel: highest SNR"))));

    private static final String[] IN = {"in0", "in1", "in2", "in3"};
    private static final String[] FEEDBACK = {"feedback0", "feedback1", "feedback2", "feedback3"};

    private final SemanticConfig c;
    private final Dataset train;
    private final int perEpoch;
    private final long total;
    private final SemanticReceiverLearner learner;
    private final ControlMessage.Sent[] slots = new ControlMessage.Sent[AGENTS];
    private final int[] order;
    private final int[] labels;
    private final float[] losses;
    private final FMatrixRMaj one;
    private final FMatrixRMaj stacked;
    private final Rng rng = new Rng(0);
    private final Rng orderRng = new Rng(0);
    private long step;
    private long rxSteps;
    private long txSteps;
    private long lastEpochImages;
    private long lastEpochErrors;
    private double lastEpochLoss;

    public SemanticReceiverBlock(Params p) {
        double lo = p.real("snr_low_db");
        double hi = p.real("snr_high_db");
        if (lo > hi) {
            throw new IllegalArgumentException("snr_low_db " + lo + " is above snr_high_db " + hi);
        }
        this.c = SemanticParams.config(p, lo, hi);
        this.train = SemanticParams.train(c);
        this.perEpoch = SemanticParams.batchesPerEpoch(c, train);
        this.total = (long) perEpoch * (c.epochs() + c.fineTuneEpochs());
        // The receiver's initial weights come after the four agents' in the trainer's draw order.
        Rng init = new Rng(c.seed() * 31 + 7);
        for (int a = 0; a < AGENTS; a++) {
            new org.grmodelfree.semantic.Agent("agent" + a, c.reduced(), c.channelUses(), init);
        }
        this.learner = new SemanticReceiverLearner(new SemanticReceiver(AGENTS, c.channelUses(), c.rxWidth(),
                SemanticConfig.CLASSES, init), c);
        this.order = new int[train.size()];
        int sends = c.sendsPerImage() * c.batch();
        this.labels = new int[sends];
        this.losses = new float[sends];
        this.one = new FMatrixRMaj(sends, c.channelUses());
        this.stacked = new FMatrixRMaj(AGENTS * sends, c.channelUses());
    }

    @Override
    public BlockSpec spec() {
        return SPEC;
    }

    @Override
    public Status work(BlockIo io) {
        if (step >= total) {
            return Status.DONE;
        }
        boolean progress = false;
        int have = 0;
        // a transmitter-phase batch carries each image sendsPerImage times (mirrored exploration)
        int b = (SemanticParams.receiverStep(c, step, perEpoch) ? 1 : c.sendsPerImage()) * c.batch();
        for (int a = 0; a < AGENTS; a++) {
            if (slots[a] == null) {
                ControlMessage m = io.receive(IN[a]);
                if (m != null) {
                    if (!(m instanceof ControlMessage.Sent s) || s.batchId() != step
                            || s.samples().length != b * c.channelUses()) {
                        throw new IllegalStateException("semantic receiver: on " + IN[a] + " expected batch " + step
                                + " of " + b * c.channelUses() + " values, got " + SemanticAgentBlock.describe(m)
                                + (m instanceof ControlMessage.Sent s2 ? " of " + s2.samples().length + " values" : ""));
                    }
                    slots[a] = s;
                    progress = true;
                }
            }
            if (slots[a] != null) {
                have++;
            }
        }
        if (have < AGENTS) {
            return progress ? Status.WORKED : Status.IDLE; // the runner reports a peer lost after peer_timeout
        }
        decode(io);
        return Status.WORKED;
    }

    private void decode(BlockIo io) {
        int b = c.batch();
        int e = (int) (step / perEpoch);
        int i = (int) (step % perEpoch);
        if (i == 0 || step == 0) {
            SemanticTrainer.order(order, c.seed(), e, orderRng);
        }
        boolean receiverStep = SemanticParams.receiverStep(c, step, perEpoch);
        int rows = (receiverStep ? 1 : c.sendsPerImage()) * b;
        train.gatherLabels(order, i * b, b, labels);
        for (int copy = 1; copy < rows / b; copy++) {
            System.arraycopy(labels, 0, labels, copy * b, b);
        }
        rng.reseed(c.seed(), step, 20);
        one.reshape(rows, c.channelUses());
        stacked.reshape(AGENTS * rows, c.channelUses());
        for (int a = 0; a < AGENTS; a++) {
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

    @Override
    public String waitingFor() {
        StringBuilder s = new StringBuilder("batch " + step + " from");
        for (int a = 0; a < AGENTS; a++) {
            if (slots[a] == null) {
                s.append(" '").append(IN[a]).append("'");
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
        m.put("last_epoch_images", lastEpochImages);
        m.put("last_epoch_accuracy", lastEpochImages == 0 ? Double.NaN : 1 - (double) lastEpochErrors / lastEpochImages);
        m.put("last_epoch_loss", lastEpochImages == 0 ? Double.NaN : lastEpochLoss / lastEpochImages);
        return m;
    }
}
