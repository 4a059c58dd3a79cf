package org.grmodelfree.block;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.Rng;
import org.grmodelfree.data.Dataset;
import org.grmodelfree.semantic.Agent;
import org.grmodelfree.semantic.AgentLearner;
import org.grmodelfree.semantic.SemanticConfig;
import org.grmodelfree.semantic.SemanticTrainer;
import org.grmodelfree.wire.ControlMessage;

/**
 * One RL-SINFONY agent in a process of its own: it sees quadrant {@code agent} of each batch's
 * images (the batches follow from the shared seed), sends its channel inputs on "out" (perturbed by
 * its Gaussian policy in transmitter-phase batches, each image twice with {@code mirrored}) and, for
 * those, waits for the per-example
 * losses on "feedback" and takes one policy-gradient step. It never sees the receiver or the
 * channel: only losses come back.
 */
public final class SemanticAgentBlock implements Block {
    public static final BlockSpec SPEC = new BlockSpec("semantic-agent", "Semantic Agent (RL-SINFONY)",
            "One agent of the distributed image classifier: ResNet feature extractor on its image quadrant, learned"
                    + " transmitter, Gaussian exploration; learns from fed-back losses by policy gradient.",
            List.of(PortSpec.messageOut("out", false, "the agent's channel inputs of each batch (batch id, B x N_Tx"
                            + " values)"),
                    PortSpec.messageIn("feedback", false, "per-example losses of each transmitter-phase batch (from"
                            + " the semantic receiver's feedback port of this agent)")),
            SemanticParams.with(List.of(ParamSpec.integer("agent", "Agent", 0, 0L, 3L,
                    "which quadrant this agent sees: 0 top left, 1 top right, 2 bottom left, 3 bottom right"))));

    private final SemanticConfig c;
    private final int k;
    private final Dataset train;
    private final int perEpoch;
    private final long total;
    private final AgentLearner learner;
    private final int[] order;
    private final FMatrixRMaj quads;
    private final float[] weights;
    private final Rng rng = new Rng(0);
    private final Rng orderRng = new Rng(0);
    private long step;
    private boolean awaiting;
    private long sent;
    private long learned;
    private long ignored;

    public SemanticAgentBlock(Params p) {
        this.c = SemanticParams.config(p, 0, 0);
        this.k = (int) p.integer("agent");
        this.train = SemanticParams.train(c);
        this.perEpoch = SemanticParams.batchesPerEpoch(c, train);
        this.total = (long) perEpoch * (c.epochs() + c.fineTuneEpochs());
        // Every agent builds all four initial networks from the trainer's seed, so agent k starts
        // exactly as agent k of a one-process run; it keeps its own.
        Rng init = new Rng(c.seed() * 31 + 7);
        Agent mine = null;
        for (int a = 0; a <= k; a++) {
            mine = new Agent("agent" + a, c.reduced(), c.channelUses(), init);
        }
        this.learner = new AgentLearner(mine, c);
        this.order = new int[train.size()];
        this.quads = new FMatrixRMaj(c.batch(), mine.inputSize());
        this.weights = new float[c.sendsPerImage() * c.batch()];
    }

    @Override
    public BlockSpec spec() {
        return SPEC;
    }

    @Override
    public Status work(BlockIo io) {
        if (awaiting) {
            ControlMessage m = io.receive("feedback");
            if (m == null) {
                return Status.IDLE; // the runner reports a peer lost after peer_timeout of this
            }
            if (!(m instanceof ControlMessage.Losses l) || l.batchId() != step || l.losses().length != weights.length) {
                ignored++;
                io.log("agent " + k + ": ignoring " + describe(m) + " while waiting for the losses of batch " + step);
                return Status.WORKED;
            }
            float[] losses = l.losses();
            double mean = 0;
            for (float v : losses) {
                mean += v;
            }
            float base = c.baseline() ? (float) (mean / losses.length) : 0f;
            for (int i = 0; i < losses.length; i++) {
                weights[i] = losses[i] - base;
            }
            learner.learn(weights, c.lr());
            learned++;
            awaiting = false;
            step++;
            return Status.WORKED;
        }
        if (step >= total) {
            return Status.DONE;
        }
        int e = (int) (step / perEpoch);
        int i = (int) (step % perEpoch);
        if (i == 0 || step == 0) {
            SemanticTrainer.order(order, c.seed(), e, orderRng);
        }
        int b = c.batch();
        train.gatherQuadrant(order, i * b, b, k, quads.data);
        boolean explore = !SemanticParams.receiverStep(c, step, perEpoch);
        rng.reseed(c.seed(), step, 10 + k);
        FMatrixRMaj x = learner.send(quads, explore, rng);
        io.send("out", new ControlMessage.Sent(step, e, Arrays.copyOf(x.data, x.getNumElements())));
        sent++;
        if (explore) {
            awaiting = true;
        } else {
            step++;
        }
        if (i == perEpoch - 1 && !awaiting) {
            io.log(String.format(Locale.ROOT, "agent %d: epoch %d of %d sent", k, e + 1,
                    c.epochs() + c.fineTuneEpochs()));
        }
        return Status.WORKED;
    }

    static String describe(ControlMessage m) {
        return m.getClass().getSimpleName() + (m instanceof ControlMessage.Losses l ? " of batch " + l.batchId()
                : m instanceof ControlMessage.Sent s ? " of batch " + s.batchId() : "");
    }

    @Override
    public String waitingFor() {
        return awaiting ? "losses of batch " + step + " on 'feedback'" : "nothing";
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("agent", k);
        m.put("batches_sent", sent);
        m.put("batches_learned", learned);
        m.put("messages_ignored", ignored);
        return m;
    }
}
