package org.grmodelfree.block;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.grmodelfree.comm.Receiver;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.Networks;
import org.grmodelfree.train.ReceiverLearner;
import org.grmodelfree.train.ScheduledReceiver;
import org.grmodelfree.train.Schedule;
import org.grmodelfree.wire.ControlMessage;

/**
 * The receiver's train mode: by each frame's batch id, a supervised step on receiver-phase batches
 * and the per-example losses of transmitter-phase batches on 'losses'; frames that arrive damaged
 * or not at all are reported lost; checkpoints. Frozen (run-time parameter freeze), it decides
 * receiver-phase batches and counts their block errors (recent_bler) without a step, and still feeds
 * back the losses of transmitter-phase batches: the schedule runs on with fixed weights, and
 * unfrozen it trains on from the weights and optimiser state where it stopped.
 */
final class ReceiverTraining extends ReceiverKernel {
    /** Receiver-phase batches in the recent_bler statistic. */
    static final int RECENT = ReceiverBlock.RECENT;
    /** The reason of the Stop sent on 'losses' after the last batch of the schedule. */
    static final String END_OF_SCHEDULE = "the receiver finished the schedule";

    private final Schedule schedule;
    private final long endOfRun;
    private final Checkpointer checkpoints;
    private final ScheduledReceiver side;
    private final ReceiverLearner learner;
    private long nextBatch;
    private double lastRxLoss = Double.NaN;
    /** Block errors of the last RECENT receiver-phase batches (ring), decided before each step. */
    private final int[] recentErrors = new int[RECENT];
    private long recentBatches;
    private long trained;
    private long fedBack;
    /** Times the transmitter's batch ids went back (it resumed from an older checkpoint). */
    private long rewinds;
    private long lostReported;
    private long reportedPartial;
    private long learnNanos;
    /** No steps while set (run-time parameter freeze); frozenLogged: as last logged. */
    private boolean frozen;
    private boolean frozenLogged;
    private long frozenBatches;

    ReceiverTraining(ReceiverBlock.Settings s) {
        super(s.config());
        this.schedule = Schedule.of(c);
        this.endOfRun = BatchFraming.endOfRun(c);
        this.learner = new ReceiverLearner(Networks.create(c).receiver());
        this.side = new ScheduledReceiver(learner, c);
        this.checkpoints = new Checkpointer(ReceiverBlock.SPEC.name(), s.checkpoint(), s.checkpointSeconds(),
                s.modelOut(), c, learner.receiver().params(), learner.optimiser(), curve);
        this.frozen = s.freeze();
        this.nextBatch = checkpoints.resume();
    }

    @Override
    Receiver receiver() {
        return learner.receiver();
    }

    @Override
    long nextBatch() {
        return nextBatch;
    }

    @Override
    void beforeRead(BlockIo io, long now) {
        if (checkpoints.start(now) && nextBatch > 0) {
            io.log(String.format(Locale.ROOT, "resuming from %s at batch %d (iteration %d)", checkpoints.file(),
                    nextBatch, schedule.slot(Math.min(nextBatch, endOfRun)).iteration()));
        }
        if (frozen != frozenLogged) {
            frozenLogged = frozen;
            io.log(String.format(Locale.ROOT, frozen ? "learning frozen at batch %d (iteration %d): batches are"
                    + " decided and counted without a step" : "learning resumed at batch %d (iteration %d)", nextBatch,
                    schedule.slot(Math.min(nextBatch, endOfRun)).iteration()));
        }
    }

    @Override
    void onFrame(BlockIo io, long id, long now) {
        if (id >= endOfRun) {
            for (long b = nextBatch; b < endOfRun; b++) {
                reportLost(io, b, "missing before the end of the run");
            }
            nextBatch = endOfRun;
            String model = checkpoints.finish(nextBatch, now);
            if (model != null) {
                io.log(model);
            }
            if (io.connected(ReceiverBlock.LOSSES)) {
                // the end of the losses: a loss feedback between here and the transmitter ends on it
                io.send(ReceiverBlock.LOSSES, new ControlMessage.Stop(END_OF_SCHEDULE));
            }
            done = true;
            return;
        }
        if (id < nextBatch) {
            // Frames come in order, so an earlier batch means the transmitter went back: it was
            // restarted from a checkpoint older than this receiver's progress. Follow it: its batches
            // are new transmissions of the same (seeded) messages, and a transmitter-phase batch
            // ignored here would never get its losses, so every batch after it would wait for
            // them in vain.
            rewinds++;
            io.log("the transmitter went back from batch " + nextBatch + " to batch " + id + " (restarted from a"
                    + " checkpoint?): following it [" + rewinds + " so far]");
            nextBatch = id;
        }
        for (long b = nextBatch; b < id && b < nextBatch + 1000; b++) {
            reportLost(io, b, "no frame arrived; the next was batch " + id);
        }
        Schedule.Slot slot = schedule.slot(id);
        long t0 = System.nanoTime();
        float[] losses = side.onBatch(id, payload, !frozen);
        learnNanos += System.nanoTime() - t0;
        if (losses == null) {
            if (frozen) {
                frozenBatches++;
            } else {
                trained++;
            }
            lastRxLoss = side.lastLoss();
            recentErrors[(int) (recentBatches++ % RECENT)] = learner.lastErrors();
        } else if (io.connected(ReceiverBlock.LOSSES)) {
            io.send(ReceiverBlock.LOSSES, new ControlMessage.Losses(id, slot.iteration(),
                    Arrays.copyOf(losses, c.batchTx())));
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
    @Override
    void afterFrames(BlockIo io) {
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
        if (BlockIo.worthLogging(lostReported - 1, lostReported)) {
            io.log("batch " + id + " lost: " + why + " [" + lostReported + " so far]");
        }
        if (slot.transmitterPhase() && io.connected(ReceiverBlock.LOSSES)) {
            io.send(ReceiverBlock.LOSSES, new ControlMessage.Lost(id, slot.iteration(), why));
        }
    }

    @Override
    String summary() {
        return String.format(Locale.ROOT, "done: %d receiver steps, %d batches fed back, %d lost", trained, fedBack,
                lostReported);
    }

    @Override
    void stop(BlockIo io) {
        if (!done && nextBatch > 0) {
            checkpoints.save(nextBatch, io.nanoTime(), true);
        }
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
    void modeStats(Map<String, Object> m) {
        m.put("next_batch", nextBatch);
        m.put("receiver_steps", trained);
        m.put("batches_fed_back", fedBack);
        m.put("batches_lost", lostReported);
        m.put("transmitter_rewinds", rewinds);
        m.put("frozen", frozen);
        m.put("batches_frozen", frozenBatches);
        m.put("last_rx_loss", lastRxLoss);
        m.put("recent_bler", recentBler());
        m.put("learning_seconds", learnNanos / 1e9);
    }
}
