package org.grmodelfree.block;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.grmodelfree.comm.Transmitter;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.Networks;
import org.grmodelfree.train.Schedule;
import org.grmodelfree.train.TransmitterLearner;
import org.grmodelfree.train.ScheduledTransmitter;
import org.grmodelfree.wire.ControlMessage;

/**
 * The transmitter's train mode: follows the schedule with the shared-seed training messages, waits
 * for each transmitter-phase batch's 'sent' samples and 'feedback' losses and takes a policy-gradient
 * step, gives up batches whose feedback does not come in time, and checkpoints. Frozen (run-time
 * parameter freeze), it still waits for each batch's feedback, which paces the link as in training,
 * but takes no step: weights, optimiser and learning curve stay as they are until it is unfrozen.
 */
final class TransmitterTraining extends TransmitterKernel {
    /**
     * The largest {@link ScheduledTransmitter#explorationRatio} a batch may have and be learned from:
     * the policy's own samples give 1 within a few per cent (2BN degrees of freedom), samples of other
     * messages 1 + 2(1 - s^2)/s^2 (19 at s^2 = 0.1, 99 at 0.02). A batch above it is skipped: its
     * 'sent' and its losses would not belong together.
     */
    static final double MAX_EXPLORATION_RATIO = 3.0;
    private final ScheduledTransmitter side;
    private final Checkpointer checkpoints;
    private final long endOfRun;
    private final long feedbackTimeoutNanos;
    /** The first feedback's wait: peers may still be starting. */
    private final long startupTimeoutNanos;
    private final long maxSkips;
    private final float[] sent;
    private final float[] losses;
    /** Whether anything has arrived on 'feedback' yet (the receiver's side is up). */
    private boolean peersHeard;
    private boolean haveSent;
    /** s^2 of the pending batch's 'sent' message (NaN: it did not say). */
    private double sentSigma2 = Double.NaN;
    /** s^2 set at run time, for 'sent' messages that do not carry theirs (NaN: the schedule's). */
    private double sigma2Set = Double.NaN;
    private boolean haveLosses;
    private long pendingSince;
    private long learned;
    private long skipped;
    private long consecutiveSkips;
    private long stale;
    private long rejected;
    private long sentAhead;
    /** Batches whose 'sent' did not fit what was encoded (see MAX_EXPLORATION_RATIO). */
    private long inconsistent;
    /** The largest exploration ratio of a batch learned from. */
    private double explorationMax;
    private long learnNanos;
    private double lastLoss = Double.NaN;
    /** No policy-gradient steps while set (run-time parameter freeze); frozenLogged: as last logged. */
    private boolean frozen;
    private boolean frozenLogged;
    private long frozenBatches;

    TransmitterTraining(TransmitterBlock.Settings s) {
        super(s.config());
        this.endOfRun = BatchFraming.endOfRun(c);
        this.feedbackTimeoutNanos = (long) (s.feedbackTimeoutSeconds() * 1e9);
        this.startupTimeoutNanos = Math.max(feedbackTimeoutNanos, (long) (s.peerTimeoutSeconds() * 1e9));
        this.maxSkips = s.maxSkips();
        this.sent = new float[2 * c.batchTx() * c.symbols()];
        this.losses = new float[c.batchTx()];
        Networks n = Networks.create(c);
        this.side = new ScheduledTransmitter(new TransmitterLearner(n.transmitter(), c.sigma2(), c.baseline()), c,
                s.runAhead());
        TransmitterLearner l = side.learner();
        this.checkpoints = new Checkpointer(TransmitterBlock.SPEC.name(), s.checkpoint(), s.checkpointSeconds(),
                s.modelOut(), c, l.transmitter().params(), l.optimiser(), curve);
        this.frozen = s.freeze();
        this.nextBatch = checkpoints.resume();
        l.transmitter().parametersChanged();
    }

    @Override
    Transmitter transmitter() {
        return side.learner().transmitter();
    }

    @Override
    Block.Status work(BlockIo io) {
        long now = io.nanoTime();
        if (checkpoints.start(now) && nextBatch > 0) {
            io.log(String.format(Locale.ROOT, "resuming from %s at batch %d (iteration %d)", checkpoints.file(),
                    nextBatch, schedule.slot(nextBatch).iteration()));
        }
        if (frozen != frozenLogged) {
            frozenLogged = frozen;
            io.log(String.format(Locale.ROOT, frozen ? "learning frozen at batch %d (iteration %d): feedback is taken"
                    + " without a step" : "learning resumed at batch %d (iteration %d)", nextBatch,
                    schedule.slot(Math.min(nextBatch, endOfRun)).iteration()));
        }
        long pending = side.pending();
        boolean progress = drain(io, pending);
        if (side.pending() != pending) {
            return Block.Status.WORKED; // the receiver reported the pending batch lost; it was given up
        }
        if (pending >= 0) {
            Schedule.Slot slot = schedule.slot(pending);
            if (haveSent && haveLosses && frozen) {
                side.abandon(pending);
                frozenBatches++;
                consecutiveSkips = 0;
                haveSent = haveLosses = false;
                checkpoints.save(nextBatch, now, false);
                return Block.Status.WORKED;
            }
            if (haveSent && haveLosses) {
                double ratio = side.explorationRatio(pending, sent, Double.isNaN(sentSigma2) ? sigma2Set : sentSigma2);
                if (!(ratio <= MAX_EXPLORATION_RATIO)) {
                    inconsistent++;
                    giveUp(io, pending, String.format(Locale.ROOT, "its 'sent' samples are not what this transmitter"
                            + " encoded for it (exploration noise %.1f times the policy's; a sampler of another run"
                            + " or a forged message?)", ratio));
                    return Block.Status.WORKED;
                }
                explorationMax = Math.max(explorationMax, ratio);
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
                return Block.Status.WORKED;
            }
            if (now - pendingSince >= feedbackTimeout()) {
                giveUp(io, pending, "no " + missing() + " within the feedback timeout");
                return Block.Status.WORKED;
            }
            if (nextBatch >= endOfRun || !side.canEncode(nextBatch)) {
                return progress ? Block.Status.WORKED : Block.Status.IDLE;
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
                Arrays.fill(payload, 2 * n, payload.length, 0f);
                o = append(nextBatch, payload, o);
                frames++;
                if (side.pending() == nextBatch) {
                    pendingSince = io.nanoTime();
                    haveSent = haveLosses = false;
                }
                nextBatch++;
            } while (frames < framesPerWrite && nextBatch < endOfRun && side.canEncode(nextBatch));
            io.write(TransmitterBlock.OUT, frame, 0, o);
            return Block.Status.WORKED;
        }
        emitEnd(io, endOfRun);
        String model = checkpoints.finish(nextBatch, now);
        if (model != null) {
            io.log(model);
        }
        io.log(String.format(Locale.ROOT, "done: %d batches learned from, %d skipped", learned, skipped));
        return Block.Status.DONE;
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
        while ((m = io.receive(TransmitterBlock.SENT)) != null) {
            any = true;
            if (m instanceof ControlMessage.Sent s && s.batchId() == pending) {
                if (s.samples().length != sent.length) {
                    reject(io, TransmitterBlock.SENT, "'sent' for batch " + pending + " holds " + s.samples().length / 2
                            + " samples, a transmitter-phase batch has " + sent.length / 2);
                    continue;
                }
                System.arraycopy(s.samples(), 0, sent, 0, sent.length);
                sentSigma2 = s.sigma2();
                haveSent = true;
            } else {
                stale(io, m, TransmitterBlock.SENT);
            }
        }
        while ((m = io.receive(TransmitterBlock.FEEDBACK)) != null) {
            any = true;
            peersHeard = true;
            if (m instanceof ControlMessage.Losses l && l.batchId() == pending) {
                if (l.losses().length != losses.length) {
                    reject(io, TransmitterBlock.FEEDBACK, "feedback for batch " + pending + " holds "
                            + l.losses().length + " losses, the batch has " + losses.length + " messages");
                    continue;
                }
                System.arraycopy(l.losses(), 0, losses, 0, losses.length);
                haveLosses = true;
            } else if (m instanceof ControlMessage.Lost l && l.batchId() == pending) {
                giveUp(io, pending, "the receiver reports it lost (" + l.reason() + ")");
                return true;
            } else {
                stale(io, m, TransmitterBlock.FEEDBACK);
            }
        }
        return any;
    }

    /** A message for the pending batch that cannot be its (the wrong size): logged and skipped. */
    private void reject(BlockIo io, PortSpec port, String why) {
        rejected++;
        if (BlockIo.worthLogging(rejected - 1, rejected)) {
            io.log("rejected on '" + port.id() + "': " + why + " [" + rejected + " so far]");
        }
    }

    private void stale(BlockIo io, ControlMessage m, PortSpec port) {
        stale++;
        if (BlockIo.worthLogging(stale - 1, stale)) {
            io.log("ignored on '" + port.id() + "' (not for the pending batch " + side.pending() + "): " + m
                    + " [" + stale + " so far]");
        }
    }

    @Override
    void sigma2(double value) {
        sigma2Set = value;
    }

    @Override
    void freeze(boolean frozen) {
        this.frozen = frozen;
    }

    @Override
    boolean idleMeansPeerLost() {
        return true;
    }

    @Override
    String waitingFor() {
        long pending = side.pending();
        if (pending >= 0) {
            return missing() + " of batch " + pending + " (iteration " + schedule.slot(pending).iteration() + ")";
        }
        return "room on 'out'";
    }

    @Override
    long wakeAt() {
        return side.pending() >= 0 ? pendingSince + feedbackTimeout() : Long.MAX_VALUE;
    }

    @Override
    void stats(Map<String, Object> m) {
        m.put("batches_learned", learned);
        m.put("batches_skipped", skipped);
        m.put("stale_messages", stale);
        m.put("rejected_messages", rejected);
        m.put("batches_sent_ahead", sentAhead);
        m.put("inconsistent_sent", inconsistent);
        m.put("exploration_ratio_max", explorationMax);
        m.put("frozen", frozen);
        m.put("batches_frozen", frozenBatches);
        m.put("last_tx_loss", lastLoss);
        m.put("learning_seconds", learnNanos / 1e9);
    }
}
