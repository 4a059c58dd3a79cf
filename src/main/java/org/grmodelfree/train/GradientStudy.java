package org.grmodelfree.train;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.Channel;
import org.grmodelfree.comm.MessageSource;
import org.grmodelfree.comm.Receiver;
import org.grmodelfree.comm.Rng;
import org.grmodelfree.comm.Transmitter;
import org.grmodelfree.nn.Param;
import org.grmodelfree.nn.SoftmaxCrossEntropy;

/**
 * How well the policy gradient approximates the true transmitter gradient. With a differentiable
 * channel, the true gradient of the expected loss E[l(f_R(channel(f_T(m))))] with respect to the
 * transmitter parameters is computed by back-propagation over a large batch; the policy-gradient
 * estimate (exploration variance s^2, batch B, the trainer's own estimator) is compared with it
 * by cosine similarity and relative error over repeated trials, both in parameter space (what the
 * optimiser follows) and in codebook space (dL/dx of the M transmitted points, where the
 * estimator acts before the chain rule through the network). Nothing is updated.
 */
public final class GradientStudy {
    private final Transmitter tx;
    private final Receiver rx;
    private final Channel channel;
    private final long seed;

    /**
     * One (s^2, B) cell: mean and standard deviation over trials of the cosine similarity and
     * relative error of single estimates (variance shows here), and the cosine similarity of the
     * estimates' average over all trials (what remains is bias).
     */
    public record Cell(double sigma2, int batch, int trials, Stats params, Stats codebook) {
    }

    /** Agreement statistics in one space. */
    public record Stats(double cosineMean, double cosineStd, double relErrorMean, double relErrorStd,
                        double averagedCosine) {
    }

    /** The true gradient in both spaces. */
    public record Truth(double[] params, double[] codebook) {
    }

    public GradientStudy(Transmitter tx, Receiver rx, Channel channel, long seed) {
        this.tx = tx;
        this.rx = rx;
        this.channel = channel;
        this.seed = seed;
    }

    /** The true gradient from {@code messages} back-propagated examples. */
    public Truth trueGradient(int messages, int chunk) {
        List<Param> params = tx.params();
        double[] g = new double[size(params)];
        double[] gc = new double[tx.codebookGradient().getNumElements()];
        MessageSource src = new MessageSource(tx.messages(), seed);
        Rng rng = new Rng(seed);
        int[] msgs = new int[chunk];
        float[] losses = new float[chunk];
        FMatrixRMaj x = new FMatrixRMaj(1, 1);
        FMatrixRMaj y = new FMatrixRMaj(1, 1);
        FMatrixRMaj probs = new FMatrixRMaj(1, 1);
        FMatrixRMaj gx = new FMatrixRMaj(1, 1);
        int done = 0;
        for (int round = 0; done < messages; round++) {
            int b = Math.min(chunk, messages - done);
            src.position(round, 11);
            src.next(msgs, b);
            rng.reseed(seed, round, 12);
            tx.encode(msgs, b, x);
            channel.apply(x, y, rng);
            FMatrixRMaj logits = rx.forward(y);
            probs.reshape(logits.numRows, logits.numCols);
            SoftmaxCrossEntropy.forward(logits, msgs, probs, losses);
            SoftmaxCrossEntropy.backward(probs, msgs, 1f / messages, probs);
            FMatrixRMaj gy = rx.backward(probs, true);
            channel.backward(gy, gx);
            tx.backward(msgs, gx);
            accumulate(params, g);
            accumulate(tx.codebookGradient().data, gc);
            done += b;
        }
        return new Truth(g, gc);
    }

    /** Agreement of the policy-gradient estimate (s^2, batch, baseline) with {@code truth}. */
    public Cell measure(Truth truth, double sigma2, int batch, int trials, Baseline baseline) {
        TransmitterLearner learner = new TransmitterLearner(tx, sigma2, baseline);
        List<Param> params = tx.params();
        MessageSource src = new MessageSource(tx.messages(), seed + 1);
        Rng rng = new Rng(seed + 1);
        int[] msgs = new int[batch];
        float[] losses = new float[batch];
        FMatrixRMaj x = new FMatrixRMaj(1, 1);
        FMatrixRMaj xp = new FMatrixRMaj(1, 1);
        FMatrixRMaj y = new FMatrixRMaj(1, 1);
        FMatrixRMaj probs = new FMatrixRMaj(1, 1);
        Agreement ap = new Agreement(truth.params(), trials);
        Agreement ac = new Agreement(truth.codebook(), trials);
        for (int t = 0; t < trials; t++) {
            src.position(t, batch);
            src.next(msgs, batch);
            rng.reseed(seed + 1, t, batch + 1_000_000L * Double.hashCode(sigma2));
            tx.encode(msgs, batch, x);
            learner.policy().perturb(x, xp, rng);
            channel.apply(xp, y, rng);
            FMatrixRMaj logits = rx.forward(y);
            probs.reshape(logits.numRows, logits.numCols);
            SoftmaxCrossEntropy.forward(logits, msgs, probs, losses);
            learner.gradient(msgs, x, xp, losses);
            java.util.Arrays.fill(ap.est, 0);
            accumulate(params, ap.est);
            java.util.Arrays.fill(ac.est, 0);
            accumulate(tx.codebookGradient().data, ac.est);
            ap.add(t);
            ac.add(t);
        }
        return new Cell(sigma2, batch, trials, ap.stats(), ac.stats());
    }

    /** Per-trial cosine and relative error against a truth, and the running sum of estimates. */
    private static final class Agreement {
        final double[] truth;
        final double[] est;
        final double[] sum;
        final double[] cos;
        final double[] rel;
        final double truthNorm;

        Agreement(double[] truth, int trials) {
            this.truth = truth;
            this.est = new double[truth.length];
            this.sum = new double[truth.length];
            this.cos = new double[trials];
            this.rel = new double[trials];
            this.truthNorm = norm(truth);
        }

        void add(int t) {
            double dot = 0;
            double diff = 0;
            for (int i = 0; i < est.length; i++) {
                sum[i] += est[i];
                dot += est[i] * truth[i];
                double d = est[i] - truth[i];
                diff += d * d;
            }
            cos[t] = dot / (norm(est) * truthNorm + 1e-300);
            rel[t] = Math.sqrt(diff) / (truthNorm + 1e-300);
        }

        Stats stats() {
            double dot = 0;
            for (int i = 0; i < sum.length; i++) {
                dot += sum[i] * truth[i];
            }
            return new Stats(mean(cos), std(cos), mean(rel), std(rel), dot / (norm(sum) * truthNorm + 1e-300));
        }
    }

    /** Every (s^2, B) pair. */
    public List<Cell> sweep(Truth truth, double[] sigma2s, int[] batches, int trials, Baseline baseline) {
        List<Cell> out = new ArrayList<>();
        for (int b : batches) {
            for (double s2 : sigma2s) {
                out.add(measure(truth, s2, b, trials, baseline));
            }
        }
        return out;
    }

    private static int size(List<Param> params) {
        int n = 0;
        for (Param p : params) {
            n += p.size();
        }
        return n;
    }

    private static void accumulate(List<Param> params, double[] g) {
        int o = 0;
        for (Param p : params) {
            float[] d = p.grad().data;
            for (int i = 0; i < p.size(); i++) {
                g[o++] += d[i];
            }
        }
    }

    private static void accumulate(float[] d, double[] g) {
        for (int i = 0; i < g.length; i++) {
            g[i] += d[i];
        }
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d * d;
        }
        return Math.sqrt(s);
    }

    static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }

    static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double d : v) {
            s += (d - m) * (d - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
