package org.grmodelfree.semantic.block;

import java.util.ArrayList;
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
import org.grmodelfree.semantic.model.Agent;
import org.grmodelfree.semantic.model.AgentLearner;
import org.grmodelfree.semantic.model.SemanticConfig;
import org.grmodelfree.semantic.model.SemanticTrainer;
import org.grmodelfree.semantic.store.SemanticBlockCheckpoint;
import org.grmodelfree.wire.ControlMessage;

/**
 * One RL-SINFONY agent in a process of its own: it sees quadrant {@code agent} of each batch's
 * images (the batches follow from the shared seed), sends its channel inputs on "out" (perturbed by
 * its Gaussian policy in transmitter-phase batches, each image twice with {@code mirrored}) and, for
 * those, waits for the per-example
 * losses on "feedback" and takes one policy-gradient step. It never sees the receiver or the
 * channel: only losses come back.
 *
 * <p>Faults: with {@code checkpoint} it saves its step, weights, batch-norm statistics, Adam state
 * and counters atomically after a policy-gradient step (when checkpoint_seconds have passed; the
 * receiver has then handled every batch before that step) and at the end, and a restarted agent
 * resumes from that file. When the receiver says (a {@code Phase} message on "feedback") that it is
 * at a later batch, the agent skips forward to it with the weights it has. When no losses come
 * within feedback_timeout it sends the same batch again (a restarted receiver lost it). After its
 * last batch it waits for the receiver's {@code Stop}, re-sending that batch likewise.
 */
public final class SemanticAgentBlock implements Block {
    public static final PortSpec OUT = PortSpec.messageOut("out", false,
            "the agent's channel inputs of each batch (batch id, B x N_Tx values)");
    public static final PortSpec FEEDBACK = PortSpec.messageIn("feedback", false,
            "per-example losses of each transmitter-phase batch (from"
                    + " the semantic receiver's feedback port of this agent)");
    public static final ParamSpec AGENT = ParamSpec.integer("agent", "Agent", 0, 0L, 3L,
            "which quadrant this agent sees: 0 top left, 1 top right, 2 bottom left, 3 bottom right");
    public static final ParamSpec OUTPUT = ParamSpec.choice("output", "Output", "message", List.of("message", "stream"),
            "message: each batch as one message on 'out' (re-sent when no answer comes); stream: the channel inputs"
                    + " as complex64 samples on 'features', N_Tx / 2 per image, batch after batch, for GNU Radio"
                    + " channel blocks (nothing is re-sent; the receiver needs input stream)");
    public static final PortSpec FEATURES = PortSpec.streamOut("features", PortSpec.Item.COMPLEX, OUTPUT.id(), "stream",
            "output stream: the agent's channel inputs of every batch, in order, N_Tx / 2 complex samples per image,"
                    + " each batch followed by zeros up to a multiple of 16 samples (to channel blocks, then the semantic receiver's input of this agent)");
    public static final ParamSpec FEEDBACK_TIMEOUT = ParamSpec.real("feedback_timeout", "Feedback timeout", 10.0, 0.01,
            86400.0, "seconds to wait for the receiver's answer to a batch (its losses, or its stop after the"
                    + " last batch) before sending the same batch again").inAdvanced();
    public static final BlockSpec SPEC = new BlockSpec("semantic-agent", "Semantic Agent (RL-SINFONY)",
            "One agent of the distributed image classifier: ResNet feature extractor on its image quadrant, learned"
                    + " transmitter, Gaussian exploration; learns from fed-back losses by policy gradient.",
            List.of(OUT, FEEDBACK, FEATURES),
            SemanticParams.with(List.of(AGENT, FEEDBACK_TIMEOUT, OUTPUT)));

    /** The block's parameters, parsed once. */
    record Settings(SemanticConfig config, int agent, double feedbackTimeoutSeconds, double peerTimeoutSeconds,
                    String checkpoint, double checkpointSeconds, boolean stream) {
        static Settings of(Params p) {
            return new Settings(SemanticParams.config(p, 0, 0), (int) p.integer(AGENT), p.real(FEEDBACK_TIMEOUT),
                    p.real(BlockParams.PEER_TIMEOUT), p.string(BlockParams.CHECKPOINT),
                    p.real(BlockParams.CHECKPOINT_SECONDS), p.string(OUTPUT).equals("stream"));
        }
    }

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
    private final SemanticParams.Checkpointing checkpoints;
    private final long feedbackTimeoutNanos;
    private final long peerTimeoutNanos;
    /** output stream: batches go on 'features' once each, never re-sent (a stream loses nothing). */
    private final boolean stream;
    /** The step the checkpoint resumed at, -1 when the run started afresh. */
    private final long resumedAt;
    private int orderEpoch = -1;
    private long step;
    /** Waiting for the losses of batch step. */
    private boolean awaiting;
    /** Every batch sent: waiting for the receiver's Stop. */
    private boolean ending;
    private boolean started;
    /** The last batch sent, re-sent as it is when no answer comes within feedback_timeout. */
    private ControlMessage.Sent lastSent;
    private long lastSendAt;
    /** When the current wait began or the last message arrived on 'feedback'. */
    private long lastHeard;
    private long sent;
    private long resent;
    private long learned;
    private long ignored;
    private long skippedForward;

    public SemanticAgentBlock(Params p) {
        Settings s = Settings.of(p);
        if (s.stream()) {
            SemanticParams.refuseStreamResume(SPEC.name(), s.checkpoint());
        }
        this.c = s.config();
        this.k = s.agent();
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
        this.feedbackTimeoutNanos = (long) (s.feedbackTimeoutSeconds() * 1e9);
        this.peerTimeoutNanos = (long) (s.peerTimeoutSeconds() * 1e9);
        this.stream = s.stream();
        List<org.grmodelfree.nn.Param> tensors = new ArrayList<>(mine.params());
        tensors.addAll(mine.buffers());
        this.checkpoints = new SemanticParams.Checkpointing(SPEC.name(), k, s.checkpoint(), s.checkpointSeconds(), c,
                tensors, learner.optimiser());
        SemanticBlockCheckpoint.Loaded l = checkpoints.resume();
        if (l != null) {
            step = l.step();
            sent = count(l, "batches_sent");
            resent = count(l, "batches_resent");
            learned = count(l, "batches_learned");
            ignored = count(l, "messages_ignored");
            skippedForward = count(l, "steps_skipped");
        }
        this.resumedAt = l == null ? -1 : l.step();
    }

    static long count(SemanticBlockCheckpoint.Loaded l, String name) {
        return l.counters().getOrDefault(name, 0.0).longValue();
    }

    @Override
    public BlockSpec spec() {
        return SPEC;
    }

    @Override
    public Status work(BlockIo io) {
        long now = io.nanoTime();
        if (!started) {
            started = true;
            lastHeard = now;
            if (resumedAt >= 0) {
                io.log(String.format(Locale.ROOT, "agent %d: resuming from %s at batch %d (epoch %d)", k,
                        checkpoints.file(), resumedAt, resumedAt / perEpoch + 1));
            }
        }
        boolean progress = false;
        ControlMessage m;
        while ((m = io.receive(FEEDBACK)) != null) {
            lastHeard = now;
            progress = true;
            if (m instanceof ControlMessage.Stop stop) {
                if (step < total) {
                    throw new IllegalStateException("agent " + k + ": the receiver stopped (" + stop.reason()
                            + ") on 'feedback' while this agent was at batch " + step + " of " + total);
                }
                checkpoints.save(step, counters(), now, true);
                io.log(String.format(Locale.ROOT, "agent %d: done: %d batches sent, %d learned from, %d re-sent,"
                        + " %d steps skipped", k, sent, learned, resent, skippedForward));
                return Status.DONE;
            }
            if (m instanceof ControlMessage.Phase ph) {
                // the receiver discarded a batch of ours as stale and says where it is
                if (ph.batchId() > step && ph.batchId() < total) {
                    io.log("agent " + k + ": the receiver is at batch " + ph.batchId() + "; skipping forward from"
                            + " batch " + step + (awaiting ? " (its losses will not come)" : ""));
                    skippedForward += ph.batchId() - step;
                    step = ph.batchId();
                    awaiting = false;
                }
                continue;
            }
            if (awaiting && m instanceof ControlMessage.Losses l && l.batchId() == step) {
                if (l.losses().length != weights.length) {
                    throw new IllegalStateException("agent " + k + ": on 'feedback' expected " + weights.length
                            + " losses of batch " + step + ", got " + l.losses().length
                            + " (do the agents and the receiver agree on batch and mirrored?)");
                }
                learn(l.losses());
                awaiting = false;
                step++;
                checkpoints.save(step, counters(), now, false);
                continue;
            }
            ignored++;
            io.log("agent " + k + ": ignoring " + describe(m) + " on 'feedback' while "
                    + (awaiting ? "waiting for the losses of batch " + step : "at batch " + step));
        }
        if (awaiting || ending) {
            if (!stream && now - lastSendAt >= feedbackTimeoutNanos) {
                io.log("agent " + k + ": nothing from the receiver on 'feedback' within feedback_timeout; sending batch "
                        + lastSent.batchId() + " again");
                io.send(OUT, lastSent);
                resent++;
                lastSendAt = io.nanoTime();
                return Status.WORKED;
            }
            if (awaiting && now - lastHeard >= peerTimeoutNanos) {
                throw new IllegalStateException(String.format(Locale.ROOT, "agent %d: nothing arrived on 'feedback'"
                        + " for %.1f s while waiting for the losses of batch %d (sent %d times); has the receiver"
                        + " stopped?", k, peerTimeoutNanos / 1e9, step, 1 + resent));
            }
            return progress ? Status.WORKED : Status.IDLE;
        }
        if (step >= total) {
            if (lastSent == null) {
                return Status.DONE; // resumed from the checkpoint of a finished run
            }
            ending = true;
            lastHeard = now;
            io.log(String.format(Locale.ROOT, "agent %d: all %d batches sent; waiting for the receiver to finish", k,
                    total));
            return Status.WORKED;
        }
        send(io);
        return Status.WORKED;
    }

    private void learn(float[] losses) {
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
    }

    private void send(BlockIo io) {
        int e = (int) (step / perEpoch);
        int i = (int) (step % perEpoch);
        if (e != orderEpoch) {
            SemanticTrainer.order(order, c.seed(), e, orderRng);
            orderEpoch = e;
        }
        int b = c.batch();
        train.gatherQuadrant(order, i * b, b, k, quads.data);
        boolean explore = !SemanticParams.receiverStep(c, step, perEpoch);
        rng.reseed(c.seed(), step, 10 + k);
        FMatrixRMaj x = learner.send(quads, explore, rng);
        lastSent = new ControlMessage.Sent(step, e, Arrays.copyOf(x.data, x.getNumElements()));
        if (stream) {
            int values = lastSent.samples().length;
            io.write(FEATURES, lastSent.samples(), 0, values / 2);
            int pad = SemanticParams.streamSamples(values) - values / 2;
            if (pad > 0) {
                io.write(FEATURES, new float[2 * pad], 0, pad);
            }
        } else {
            io.send(OUT, lastSent);
        }
        lastSendAt = io.nanoTime();
        sent++;
        if (explore) {
            awaiting = true;
            lastHeard = lastSendAt;
        } else {
            step++;
        }
        if (i == perEpoch - 1 && !awaiting) {
            io.log(String.format(Locale.ROOT, "agent %d: epoch %d of %d sent", k, e + 1,
                    c.epochs() + c.fineTuneEpochs()));
        }
    }

    private Map<String, Object> counters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("batches_sent", sent);
        m.put("batches_resent", resent);
        m.put("batches_learned", learned);
        m.put("messages_ignored", ignored);
        m.put("steps_skipped", skippedForward);
        return m;
    }

    static String describe(ControlMessage m) {
        return m.getClass().getSimpleName() + (m instanceof ControlMessage.Losses l ? " of batch " + l.batchId()
                : m instanceof ControlMessage.Sent s ? " of batch " + s.batchId() : "");
    }

    @Override
    public String waitingFor() {
        return awaiting ? "losses of batch " + step + " on 'feedback'"
                : ending ? "the receiver's stop on 'feedback' (all " + total + " batches sent)" : "nothing";
    }

    @Override
    public long wakeAt() {
        return (awaiting || ending) && !stream ? lastSendAt + feedbackTimeoutNanos : Long.MAX_VALUE;
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("agent", k);
        m.put("next_batch", step);
        m.putAll(counters());
        return m;
    }
}
