package org.grmodelfree.block;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grmodelfree.comm.Rng;
import org.grmodelfree.wire.ControlMessage;

/**
 * The feedback link from the receiver's side to the transmitter's side: passes each batch's
 * per-example losses (and the receiver's "lost" notices) on, in order. It is also where the
 * feedback can be made imperfect, to measure what that costs: a fixed delay, a probability of
 * dropping a message, and uniform quantisation of the losses to a number of bits (per message, from
 * 0 to the batch's largest loss). It counts what it passed, dropped and delayed, and the
 * quantisation error. It ends (status done) when the receiver's Stop arrives, which the receiver
 * sends on 'losses' when it has finished the schedule, once every message it holds has fallen due
 * and gone out; the Stop itself is not passed on, since the transmitter has finished by then.
 */
public final class LossFeedbackBlock implements Block {
    public static final PortSpec IN = PortSpec.messageIn("in", false, "losses from the receiver's 'losses'");
    public static final PortSpec OUT = PortSpec.messageOut("out", false, "losses to the transmitter's 'feedback'");
    public static final ParamSpec DELAY_MS = ParamSpec.real("delay_ms", "Delay (ms)", 0.0, 0.0, 3_600_000.0,
            "extra delay of every message, milliseconds");
    public static final ParamSpec DROP = ParamSpec.real("drop", "Drop probability", 0.0, 0.0, 1.0,
            "probability that a message is dropped");
    public static final ParamSpec QUANTIZE_BITS = ParamSpec.integer("quantize_bits", "Quantisation bits", 0, 0L, 24L,
            "bits per loss, uniform from 0 to the batch's largest loss (0: float32 as sent)");
    public static final ParamSpec SEED = ParamSpec.integer("seed", "Seed", 1, null, null, "seed of the drops");
    public static final BlockSpec SPEC = new BlockSpec("loss-feedback", "Model-free Loss Feedback",
            "Carries per-example losses from the receiver to the transmitter, with optional delay, drops and"
                    + " quantisation.",
            List.of(IN, OUT),
            TrainingParams.concat(List.of(DELAY_MS, DROP, QUANTIZE_BITS, SEED),
                    BlockParams.RUNNER));

    private record Delayed(long due, long arrived, ControlMessage message) {
    }

    /** The block's parameters, parsed once. */
    record Settings(double delayMs, double drop, int quantizeBits, long seed) {
        static Settings of(Params p) {
            return new Settings(p.real(DELAY_MS), p.real(DROP), (int) p.integer(QUANTIZE_BITS), p.integer(SEED));
        }
    }

    private final long delayNanos;
    private final double drop;
    private final int bits;
    private final Rng rng;
    /**
     * Messages held for their delay at most: a training run has one in flight per transmitter-phase
     * batch, so this bounds the memory a flood of messages can take (200,000 queued losses took 2 GB)
     * without touching any real run; more are dropped and counted ({@code dropped_overflow}), and
     * the transmitter skips those batches when their feedback does not come.
     */
    static final int MAX_QUEUED = 4096;

    private final ArrayDeque<Delayed> queue = new ArrayDeque<>();
    private long overflowed;
    private long received;
    private long forwarded;
    private long dropped;
    private long lossValues;
    private double maxQuantError;
    private double sumSqQuantError;
    private double sumDelayNanos;
    /** The receiver's Stop has come: end once the queue is empty. */
    private boolean stopReceived;

    public LossFeedbackBlock(Params p) {
        Settings s = Settings.of(p);
        this.delayNanos = (long) (s.delayMs() * 1e6);
        this.drop = s.drop();
        this.bits = s.quantizeBits();
        this.rng = new Rng(s.seed() ^ 0xFEEDBAC4L);
    }

    @Override
    public BlockSpec spec() {
        return SPEC;
    }

    @Override
    public Status work(BlockIo io) {
        boolean worked = false;
        ControlMessage m;
        while ((m = io.receive(IN)) != null) {
            worked = true;
            if (m instanceof ControlMessage.Stop) {
                stopReceived = true;
                continue;
            }
            received++;
            if (drop > 0 && rng.nextDouble() < drop) {
                dropped++;
                continue;
            }
            if (queue.size() >= MAX_QUEUED) {
                overflowed++;
                if (BlockIo.worthLogging(overflowed - 1, overflowed)) {
                    io.log("dropped: " + MAX_QUEUED + " messages are already waiting for their delay to pass ["
                            + overflowed + " so far]");
                }
                continue;
            }
            long now = io.nanoTime();
            queue.add(new Delayed(now + delayNanos, now, quantise(m)));
        }
        long now = io.nanoTime();
        while (!queue.isEmpty() && queue.peek().due() <= now) {
            Delayed d = queue.poll();
            io.send(OUT, d.message());
            forwarded++;
            sumDelayNanos += io.nanoTime() - d.arrived();
            worked = true;
        }
        if (stopReceived && queue.isEmpty()) {
            io.log("done: the receiver finished the schedule; " + forwarded + " messages forwarded, " + dropped
                    + " dropped");
            return Status.DONE;
        }
        return worked ? Status.WORKED : Status.IDLE;
    }

    private ControlMessage quantise(ControlMessage m) {
        if (bits == 0 || !(m instanceof ControlMessage.Losses l)) {
            return m;
        }
        float[] v = l.losses().clone();
        org.grmodelfree.comm.LossQuantizer.quantize(v, v.length, bits);
        for (int i = 0; i < v.length; i++) {
            double e = Math.abs(v[i] - l.losses()[i]);
            maxQuantError = Math.max(maxQuantError, e);
            sumSqQuantError += e * e;
        }
        lossValues += v.length;
        return new ControlMessage.Losses(l.batchId(), l.iteration(), v);
    }

    @Override
    public String waitingFor() {
        return queue.isEmpty() ? "losses on 'in'" : queue.size() + " delayed messages to fall due";
    }

    @Override
    public long wakeAt() {
        return queue.isEmpty() ? Long.MAX_VALUE : queue.peek().due();
    }

    /**
     * A relay has no schedule, so silence on 'in' is not a fault (in stream mode nothing comes at
     * all); the transmitter reports losses that do not arrive.
     */
    @Override
    public boolean idleMeansPeerLost() {
        return false;
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("received", received);
        m.put("forwarded", forwarded);
        m.put("dropped", dropped);
        m.put("queued", (long) queue.size());
        m.put("dropped_overflow", overflowed);
        m.put("mean_latency_ms", forwarded == 0 ? Double.NaN : sumDelayNanos / forwarded / 1e6);
        if (bits > 0) {
            m.put("quantization_rms_error", lossValues == 0 ? Double.NaN : Math.sqrt(sumSqQuantError / lossValues));
            m.put("quantization_max_error", maxQuantError);
        }
        return m;
    }
}
