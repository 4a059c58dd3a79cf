package org.grmodelfree.bench;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.AwgnReceiver;
import org.grmodelfree.comm.Channel;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.comm.MessageSource;
import org.grmodelfree.comm.Rng;
import org.grmodelfree.nn.Adam;
import org.grmodelfree.nn.Parallel;
import org.grmodelfree.nn.SoftmaxCrossEntropy;
import org.grmodelfree.train.Baseline;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.TransmitterLearner;

/**
 * Where an alternating iteration's time goes ({@code modelfree bench --breakdown}): the steps of
 * AlternatingTrainer's iteration (the default AWGN link, M = 256, N = 4, B = 1000), called one by
 * one as the trainer calls them, with the wall time and the calling thread's CPU time of each.
 * With {@code -Dmodelfree.threads=1} the CPU times are the whole cost of each step on one core;
 * with more threads the wall times include the dispatch to and the wait for the workers.
 */
final class IterationBreakdown {
    private static final String[] PARTS = {
        "receiver phase: messages, encode, channel",
        "receiver phase: receiver forward (8->256 ReLU, 256->256)",
        "receiver phase: softmax, decisions, dL/dlogits",
        "receiver phase: receiver backward (dW2, dX2, dW1)",
        "receiver phase: Adam (receiver)",
        "transmitter phase: messages, encode, policy, channel",
        "transmitter phase: receiver forward",
        "transmitter phase: per-example losses",
        "transmitter phase: policy gradient, transmitter backward",
        "transmitter phase: Adam (transmitter)",
        "transmitter phase: codebook (ELU, 256->8, normalisation)",
    };

    private IterationBreakdown() {
    }

    static void run(int warmup, int iterations, PrintWriter out) {
        TrainConfig c = TrainingBench.timedConfig(org.grmodelfree.train.Method.ALTERNATING, warmup + iterations + 1,
                1000);
        int b = c.batchRx();
        org.grmodelfree.train.Networks nets = org.grmodelfree.train.Networks.create(c);
        AwgnReceiver rx = (AwgnReceiver) nets.receiver();
        TransmitterLearner txl = new TransmitterLearner(nets.transmitter(), c.sigma2(), Baseline.MEAN);
        Adam rxAdam = new Adam(rx.params());
        Channel channel = ChannelKind.AWGN.at(c.snrDb());
        MessageSource source = new MessageSource(c.messages(), c.seed());
        Rng rng = new Rng(c.seed());
        int[] msgs = new int[b];
        int[] decisions = new int[b];
        float[] losses = new float[b];
        FMatrixRMaj x = new FMatrixRMaj(1, 1);
        FMatrixRMaj xp = new FMatrixRMaj(1, 1);
        FMatrixRMaj y = new FMatrixRMaj(1, 1);
        FMatrixRMaj grad = new FMatrixRMaj(b, c.messages());
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] wall = new long[PARTS.length];
        long[] cpu = new long[PARTS.length];
        long wallTotal = 0;
        long cpuTotal = 0;
        for (int it = 0; it < warmup + iterations; it++) {
            if (it == warmup) {
                java.util.Arrays.fill(wall, 0);
                java.util.Arrays.fill(cpu, 0);
            }
            long w0 = System.nanoTime();
            long c0 = mx.getCurrentThreadCpuTime();
            long[] t = {w0, c0};
            source.position(it, 0);
            source.next(msgs, b);
            rng.reseed(c.seed(), it, 0);
            txl.transmitter().encode(msgs, b, x);
            channel.apply(x, y, rng);
            lap(0, t, wall, cpu, mx);
            FMatrixRMaj logits = rx.forward(y);
            lap(1, t, wall, cpu, mx);
            SoftmaxCrossEntropy.forwardBackward(logits, msgs, 1f / b, grad, losses, decisions);
            lap(2, t, wall, cpu, mx);
            rx.backward(grad, false);
            lap(3, t, wall, cpu, mx);
            rxAdam.step(c.lrRx());
            lap(4, t, wall, cpu, mx);
            source.position(it, 1 << 20);
            source.next(msgs, b);
            rng.reseed(c.seed(), it, 1 << 20);
            txl.transmitter().encode(msgs, b, x);
            txl.policy().perturb(x, xp, rng);
            channel.apply(xp, y, rng);
            lap(5, t, wall, cpu, mx);
            logits = rx.forward(y);
            lap(6, t, wall, cpu, mx);
            SoftmaxCrossEntropy.losses(logits, msgs, losses);
            lap(7, t, wall, cpu, mx);
            txl.gradient(msgs, x, xp, losses);
            lap(8, t, wall, cpu, mx);
            txl.optimiser().step(c.lrTx());
            txl.transmitter().parametersChanged();
            lap(9, t, wall, cpu, mx);
            txl.transmitter().codebook();
            lap(10, t, wall, cpu, mx);
            if (it >= warmup) {
                wallTotal += t[0] - w0;
                cpuTotal += t[1] - c0;
            }
        }
        out.printf(Locale.ROOT, "alternating iteration, B=%d, M=%d, N=%d, by step (mean of %d after %d warm-up; %d threads;"
                        + " CPU of the calling thread only)%n", b, c.messages(), c.symbols(), iterations, warmup,
                Parallel.threads());
        for (int i = 0; i < PARTS.length; i++) {
            out.printf(Locale.ROOT, "  %-58s %7.3f ms wall %7.3f ms CPU%n", PARTS[i], wall[i] / 1e6 / iterations,
                    cpu[i] / 1e6 / iterations);
        }
        out.printf(Locale.ROOT, "  %-58s %7.3f ms wall %7.3f ms CPU%n", "total", wallTotal / 1e6 / iterations,
                cpuTotal / 1e6 / iterations);
        out.flush();
    }

    private static void lap(int part, long[] t, long[] wall, long[] cpu, ThreadMXBean mx) {
        long w = System.nanoTime();
        long c = mx.getCurrentThreadCpuTime();
        wall[part] += w - t[0];
        cpu[part] += c - t[1];
        t[0] = w;
        t[1] = c;
    }
}
