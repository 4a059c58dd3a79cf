package org.grmodelfree.comm;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LT;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.nn.Dense;
import org.grmodelfree.nn.Gemm;
import org.grmodelfree.nn.Parallel;
import org.grmodelfree.nn.SoftmaxCrossEntropy;

/**
 * A receiver's decisions, argmax_m (h W + b)_m over its output layer, at a fraction of the cost of
 * the full layer and with exactly the full network's result: the same decision as
 * {@code argmax(receiver.forward(y))} for every input, ties included (the lowest index wins).
 *
 * <p>The output layer is M x hidden (W here stored hidden x M, as {@link Dense} keeps it). Per
 * message it costs the receiver's hidden layer plus about 2 k hidden multiply-adds instead of M
 * hidden:
 * <ol>
 * <li>h = ReLU(hiddenLayer(frontEnd(y))), computed exactly as the receiver computes it (the
 * arithmetic of {@link Dense#forwardRow}, element for element);</li>
 * <li>t = Q^T h for an orthonormal basis Q (hidden x k) and approximate logits
 * z~ = b + A t with A = W^T Q;</li>
 * <li>a certified bound: the logit the network computes, r_m = fl(h . W_m + b_m), lies within
 * z~_m +- (e_m P + c_m N + beta_m), where e_m is the norm of W_m's part outside span(Q)
 * (Cauchy-Schwarz), P bounds the norm of h's part outside span(Q), N bounds |h|, and c_m, beta_m
 * cover every rounding: the reference's own, that of t, z~ and the bound itself, and Q not being
 * exactly orthonormal in float;</li>
 * <li>the logit of the best guess argmax z~ is evaluated (a vectorised dot product, enclosed in an
 * interval that covers the reference's rounding); it is a lower bound on the network's maximum
 * logit, so every m whose upper bound falls below it cannot be the decision;</li>
 * <li>the surviving candidates are evaluated the same way; if the intervals of more than one of them
 * reach the best lower bound (a near tie within rounding), those few are recomputed with exactly
 * the reference's arithmetic ({@link Gemm#productElement}) and compared as the reference does.</li>
 * </ol>
 * A message whose hidden activations are not finite, or whose bounds are not finite, is decided
 * with the reference arithmetic throughout. The basis only affects speed, never a decision: by
 * default it is the top-k principal directions of the hidden activations of calibration inputs
 * (received blocks like the ones to decode), or W's top-k left singular vectors when none are given.
 *
 * <p>The work is blocked so that every weight loaded serves several messages: a frame is decided
 * in blocks of one vector's width of messages (8 with AVX2). The hidden layer and the projection
 * are register-blocked products over four messages at a time; the upper bounds are computed with
 * the block's messages in the vector lanes (each element of A broadcast once for all of them),
 * which also finds each message's best guess and, in one pass, the candidates of all of them.
 *
 * <p>The decoder copies the receiver's hidden and output layers when it is built; it is for a fixed
 * receiver (stream decoding) and must be rebuilt after training. {@link #decide} allocates nothing
 * and is not reentrant. By default it runs on the calling thread; {@link #threads} splits each batch
 * over the threads of {@link Parallel}'s worker pool (the result does not depend on the split).
 */
public final class PrunedDecoder {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Doubles in half a vector of floats' lanes (the norm bounds are computed in double). */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Messages per register block of the hidden layer and the projection (L is a multiple of it). */
    private static final int ROWS = 4;
    /** Unit roundoff of float. */
    private static final double U = 0x1p-24;
    /** Hidden norms above this are decided by the reference arithmetic (nothing can overflow). */
    private static final double HUGE = 1e30;
    /** The basis is padded with zero vectors to a multiple of this (the projection's block). */
    private static final int GROUP = 2;
    /** The ranks {@link #forLink} tries. */
    private static final int[] RANKS = {8, 10, 12, 16, 24, 32, 48, 64};
    /**
     * Cost of evaluating one logit (a dot product over the hidden layer from a row of W that is
     * rarely in L1, and its bookkeeping) in units of one basis vector (projecting h onto it, plus
     * its column of A for every logit).
     */
    private static final double LOGIT_COST = 1.7;
    /**
     * Cost of the full output layer as a matrix product, per M hidden / (M + hidden) multiply-adds,
     * in the same units.
     */
    private static final double FULL_LAYER_COST = 0.85;

    static {
        if (L % ROWS != 0 || L % D.length() != 0) {
            throw new IllegalStateException("pruned decoder: vectors of " + L + " floats are not a multiple of " + ROWS
                    + " or of " + D.length() + " doubles");
        }
    }

    private final Receiver rx;
    private final int messages;
    private final int inputs;
    private final int hidden;
    /** hidden rounded up to whole vectors: the hidden layer's stride in h, wT and qP (zeros past hidden). */
    private final int hiddenPad;
    private final int rank;
    private final int rankPadded;
    private final boolean certified;
    /** inputs x hidden and hidden: the hidden layer's weights and bias. */
    private final float[] w1;
    private final float[] b1;
    /** hidden x M: the output layer's weights, as the reference multiplies them. */
    private final float[] w;
    /** M x hiddenPad: W transposed, for the vectorised dot products. */
    private final float[] wT;
    /** The output layer's bias. */
    private final float[] bias;
    /** bias + beta, rounded up. */
    private final float[] biasHi;
    /**
     * Q as the projection reads it: for each pair of basis vectors, their values one vector's width
     * of the hidden layer at a time, the pair's two chunks side by side (rankPadded x hiddenPad).
     */
    private final float[] qP;
    /**
     * A = W^T Q (M x rank) as the upper bounds read it: for each group of 8 messages, rank rows of
     * their 8 values (row j holds A[m..m+7][j]); the messages past the last whole group follow, one
     * row each (see {@link #aIndex}).
     */
    private final float[] aG;
    private final float[] eCoef;
    private final float[] cCoef;
    private final double[] sigmaW;
    private final double[] sigmaB;
    private final double delta;
    private final double tSlack;
    /** 1 + 4 gamma_hidden: |h|^2 from its float sum of squares. */
    private final double normScale;

    /** Per-part working state: part 0 serves the calling thread, the rest the parallel parts. */
    private final Part[] parts;
    private final Dispatch dispatch = new Dispatch();
    private int threads = 1;

    /**
     * @param rx          the receiver; its parameters must not change while this decoder is used
     * @param rank        k, the size of the basis, 1..hidden
     * @param calibration received blocks (rows x 2N) like those to be decoded, to choose the basis;
     *                    null for the output layer's singular vectors. Not modified.
     */
    public PrunedDecoder(Receiver rx, int rank, FMatrixRMaj calibration) {
        this(rx, checkRank(rx, rank), principalDirections(rx, calibration));
    }

    private static int checkRank(Receiver rx, int rank) {
        if (rank < 1 || rank > rx.output().in()) {
            throw new IllegalArgumentException("pruned decoder: rank " + rank + " outside 1.." + rx.output().in());
        }
        return rank;
    }

    /** @param basis orthonormal vectors (rows), the first rank of which are used; rank 0 for the full layer */
    private PrunedDecoder(Receiver rx, int rank, double[][] basis) {
        Dense out = rx.output();
        Dense first = rx.hiddenLayer();
        this.rx = rx;
        this.messages = out.out();
        this.hidden = out.in();
        this.hiddenPad = (hidden + L - 1) / L * L;
        this.inputs = first.in();
        this.rank = rank;
        this.rankPadded = (rank + GROUP - 1) / GROUP * GROUP;
        this.w1 = first.weight().value().data.clone();
        this.b1 = first.bias().value().data.clone();
        this.w = out.weight().value().data.clone();
        this.wT = new float[messages * hiddenPad];
        for (int p = 0; p < hidden; p++) {
            for (int m = 0; m < messages; m++) {
                wT[m * hiddenPad + p] = w[p * messages + m];
            }
        }
        this.bias = out.bias().value().data.clone();
        // the basis Q, one vector per row, as the bounds' coefficients read it (zero rows past the rank)
        float[] qT = new float[rankPadded * hidden];
        this.qP = new float[rankPadded * hiddenPad];
        for (int j = 0; j < rank; j++) {
            for (int p = 0; p < hidden; p++) {
                qT[j * hidden + p] = (float) basis[j][p];
                qP[(j - j % 2) * hiddenPad + 2 * (p - p % L) + (j % 2) * L + p % L] = qT[j * hidden + p];
            }
        }
        this.delta = orthonormalityDefect(qT);
        this.aG = new float[messages * rank];
        this.biasHi = new float[messages];
        this.eCoef = new float[messages];
        this.cCoef = new float[messages];
        this.sigmaW = new double[messages];
        this.sigmaB = new double[messages];
        double eta = gamma(hidden) * Math.sqrt(1 + delta);
        this.tSlack = Math.sqrt(rank) * eta;
        this.normScale = 1 + 4 * gamma(hidden);
        this.certified = rank > 0 && delta < 0.5 && coefficients(eta, qT);
        this.parts = new Part[Math.max(1, 2 * Parallel.threads())];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = new Part();
        }
    }

    /**
     * A decoder for a link: the basis is fitted to the codebook sent through the channel, 8
     * blocks per message, with noise drawn from seed, and the rank is the one of {@link #RANKS}
     * that decides those blocks at the least estimated cost (or the full layer if pruning would
     * not pay).
     *
     * @param codebook M x 2N, not modified
     */
    public static PrunedDecoder forLink(Receiver rx, FMatrixRMaj codebook, Channel channel, long seed) {
        int copies = 8;
        FMatrixRMaj x = new FMatrixRMaj(copies * codebook.numRows, codebook.numCols);
        for (int r = 0; r < x.numRows; r++) {
            System.arraycopy(codebook.data, (r % codebook.numRows) * codebook.numCols, x.data, r * x.numCols,
                    x.numCols);
        }
        FMatrixRMaj y = new FMatrixRMaj(1, 1);
        channel.apply(x, y, new Rng(seed));
        double[][] basis = principalDirections(rx, y);
        int hidden = rx.output().in();
        int messages = rx.output().out();
        PrunedDecoder best = new PrunedDecoder(rx, 0, basis);
        double bestCost = FULL_LAYER_COST * messages * hidden / (messages + hidden);
        int[] decisions = new int[y.numRows];
        for (int k : RANKS) {
            if (k > hidden) {
                break;
            }
            PrunedDecoder d = new PrunedDecoder(rx, k, basis);
            d.decide(y, null, decisions);
            double cost = k + LOGIT_COST * d.logitsEvaluated() / d.messagesDecided();
            if (cost < bestCost) {
                best = d;
                bestCost = cost;
            }
        }
        for (Part p : best.parts) {
            p.messagesDecided = 0;
            p.dotProducts = 0;
            p.referenceFallbacks = 0;
        }
        return best;
    }

    /**
     * Splits each batch over up to n threads (the caller and {@link Parallel}'s workers, at most
     * {@link Parallel#threads()}); 1, the default, decides on the calling thread. Decisions do not
     * depend on it. Returns this decoder.
     */
    public PrunedDecoder threads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("pruned decoder: " + n + " threads; at least 1");
        }
        this.threads = Math.min(n, Parallel.threads());
        return this;
    }

    /** The threads a batch is split over (see {@link #threads(int)}). */
    public int threads() {
        return threads;
    }

    /** k, the size of the basis; 0 when the full output layer is computed (pruning would not pay). */
    public int rank() {
        return rank;
    }

    /** Messages decided so far. */
    public long messagesDecided() {
        long n = 0;
        for (Part p : parts) {
            n += p.messagesDecided;
        }
        return n;
    }

    /** Output logits evaluated so far (the full layer would evaluate M per message). */
    public long logitsEvaluated() {
        long n = 0;
        for (Part p : parts) {
            n += p.dotProducts;
        }
        return n;
    }

    /** Messages decided so far (partly or wholly) with the reference arithmetic: near ties, non-finite inputs. */
    public long referenceFallbacks() {
        long n = 0;
        for (Part p : parts) {
            n += p.referenceFallbacks;
        }
        return n;
    }

    /**
     * Decides each row of y (rows x 2N) into decisions; returns the number that differ from labels
     * (0 when labels is null). y and labels not modified, decisions modified.
     */
    public int decide(FMatrixRMaj y, int[] labels, int[] decisions) {
        int rows = y.numRows;
        if (decisions.length < rows || (labels != null && labels.length < rows)) {
            throw new IllegalArgumentException("pruned decoder: " + rows + " rows, but room for " + decisions.length
                    + " decisions" + (labels == null ? "" : " and " + labels.length + " labels"));
        }
        if (rank == 0) {
            parts[0].messagesDecided += rows;
            parts[0].dotProducts += (long) rows * messages;
            return SoftmaxCrossEntropy.argmax(rx.forward(y), labels, decisions);
        }
        FMatrixRMaj front = rx.frontEnd(y);
        if (front.numCols != inputs) {
            throw new IllegalArgumentException("pruned decoder: rows of " + y.numCols + " values; the receiver takes "
                    + rx.symbols() * 2);
        }
        float[] x = front.data;
        int blocks = (rows + L - 1) / L;
        int units = threads == 1 ? 1 : Math.min(blocks, threads == Parallel.threads() ? 2 * threads : threads);
        if (units <= 1) {
            parts[0].decide(x, 0, rows, decisions);
        } else {
            dispatch.x = x;
            dispatch.rows = rows;
            dispatch.per = (blocks + units - 1) / units * L;
            dispatch.decisions = decisions;
            try {
                Parallel.run(dispatch, units, 1, true);
            } finally {
                dispatch.x = null;
                dispatch.decisions = null;
            }
        }
        int errors = 0;
        if (labels != null) {
            for (int i = 0; i < rows; i++) {
                if (labels[i] != decisions[i]) {
                    errors++;
                }
            }
        }
        return errors;
    }

    /** A batch split in units of whole blocks; a chunk of units runs on the part of its first unit. */
    private final class Dispatch implements Parallel.RangeTask {
        float[] x;
        int rows;
        int per;
        int[] decisions;

        @Override
        public void run(int from, int to) {
            Part part = parts[from];
            for (int u = from; u < to; u++) {
                int i0 = u * per;
                if (i0 < rows) {
                    part.decide(x, i0, Math.min(rows, i0 + per), decisions);
                }
            }
        }
    }

    /** The working state of one thread's share of a batch: a block of L messages at a time. */
    private final class Part {
        /**
         * The block's hidden activations in panels of 4 messages (ROWS): a panel holds its messages'
         * values one vector's width at a time, the 4 chunks side by side; message l's value p is at
         * (l - l % 4) hiddenPad + 4 (p - p % L) + (l % 4) L + p % L (zeros past hidden).
         */
        final float[] h = new float[L * hiddenPad];
        /** One message's hidden activations in a row, for the reference arithmetic. */
        final float[] rowH = new float[hidden];
        /** rankPadded x L: t, the block's messages in the lanes. */
        final float[] tT = new float[rankPadded * L];
        /** M x L: the upper bounds on the logits, the block's messages in the lanes. */
        final float[] ubT = new float[messages * L];
        final double[] sumSq = new double[L];
        /**
         * t as tT, in double (the norm bounds read it). Kept rather than converted from tT: Java 17's
         * compiler does not vectorise the float-to-double conversion, which took a decision from
         * 448-465 to 737-738 ns of CPU (measured).
         */
        final double[] tTd = new double[rankPadded * L];
        final double[] pUp = new double[L];
        final double[] nUp = new double[L];
        final float[] pLane = new float[L];
        final float[] nLane = new float[L];
        /** Per group of 8 messages (the last may have fewer), the largest upper bound of each lane. */
        final float[] groupMax = new float[(messages + 7) / 8 * L];
        final float[] topLane = new float[L];
        final float[] firstGroup = new float[L];
        /** The best guess of each lane (see {@link #bestGuesses}). */
        final int[] guess = new int[L];
        /** h . W_guess of each lane. */
        final float[] guessDot = new float[L];
        final int[] m0 = new int[L];
        /** The lower bound each message's candidates must reach, rounded down; +infinity for a lane not decided here. */
        final float[] lf = new float[L];
        /** The lane is decided by the bounds (a message of the block, not left to the reference). */
        final boolean[] active = new boolean[L];
        final double[] lBest = new double[L];
        /** The message is decided by the reference arithmetic. */
        final boolean[] reference = new boolean[L];
        final int[] row = new int[L];
        /** Per message (lane), the logits evaluated and their intervals. */
        final int[] count = new int[L];
        final int[] evaluated = new int[L * messages];
        final double[] lo = new double[L * messages];
        final double[] hi = new double[L * messages];
        long messagesDecided;
        long dotProducts;
        long referenceFallbacks;

        /** Decides rows [from, to) of the front end's output x. */
        void decide(float[] x, int from, int to, int[] decisions) {
            for (int i0 = from; i0 < to; i0 += L) {
                block(x, i0, Math.min(L, to - i0), decisions);
            }
            messagesDecided += to - from;
        }

        /** Decides rows i0 .. i0 + n - 1 (n <= L; the lanes past n repeat the last row and are ignored). */
        private void block(float[] x, int i0, int n, int[] decisions) {
            for (int l = 0; l < L; l++) {
                row[l] = i0 + Math.min(l, n - 1);
            }
            for (int g = 0; g < L; g += ROWS) {
                hidden4(x, g);
            }
            if (!certified) {
                for (int l = 0; l < n; l++) {
                    decisions[i0 + l] = referenceArgmax(l);
                }
                return;
            }
            for (int g = 0; g < L; g += ROWS) {
                for (int j = 0; j < rankPadded; j += GROUP) {
                    project4x2(g, j);
                }
            }
            normBounds();
            upperBounds();
            bestGuesses();
            candidates(n);
            for (int l = 0; l < n; l++) {
                decisions[i0 + l] = reference[l] ? referenceArgmax(l) : resolve(l);
            }
        }

        /**
         * Rows g .. g + 3 of the block's h = ReLU(x W1 + b1), each element with the arithmetic of
         * {@link Dense#forwardRow} (fused multiply-adds in order from zero, then the bias; the
         * scalar tail columns as {@link Gemm#productElement}), and their |h|^2.
         */
        private void hidden4(float[] x, int g) {
            int x0 = row[g] * inputs;
            int x1 = row[g + 1] * inputs;
            int x2 = row[g + 2] * inputs;
            int x3 = row[g + 3] * inputs;
            int h0 = g * hiddenPad;
            int h1 = h0 + L;
            int h2 = h1 + L;
            int h3 = h2 + L;
            // ReLU as Math.max(v, 0f) takes it (NaN stays NaN, -0 becomes +0), in a compare and a blend
            FloatVector ss0 = FloatVector.zero(S);
            FloatVector ss1 = ss0;
            FloatVector ss2 = ss0;
            FloatVector ss3 = ss0;
            int j = 0;
            for (; j + 2 * L <= hidden; j += 2 * L) {
                FloatVector s00 = FloatVector.zero(S);
                FloatVector s01 = s00;
                FloatVector s10 = s00;
                FloatVector s11 = s00;
                FloatVector s20 = s00;
                FloatVector s21 = s00;
                FloatVector s30 = s00;
                FloatVector s31 = s00;
                for (int q = 0, wo = j; q < inputs; q++, wo += hidden) {
                    FloatVector c0 = FloatVector.fromArray(S, w1, wo);
                    FloatVector c1 = FloatVector.fromArray(S, w1, wo + L);
                    FloatVector v = FloatVector.broadcast(S, x[x0 + q]);
                    s00 = v.fma(c0, s00);
                    s01 = v.fma(c1, s01);
                    v = FloatVector.broadcast(S, x[x1 + q]);
                    s10 = v.fma(c0, s10);
                    s11 = v.fma(c1, s11);
                    v = FloatVector.broadcast(S, x[x2 + q]);
                    s20 = v.fma(c0, s20);
                    s21 = v.fma(c1, s21);
                    v = FloatVector.broadcast(S, x[x3 + q]);
                    s30 = v.fma(c0, s30);
                    s31 = v.fma(c1, s31);
                }
                FloatVector c0 = FloatVector.fromArray(S, b1, j);
                FloatVector c1 = FloatVector.fromArray(S, b1, j + L);
                FloatVector v = s00.add(c0);
                v = v.blend(0f, v.compare(LE, 0f));
                v.intoArray(h, h0 + 4 * j);
                ss0 = v.fma(v, ss0);
                v = s01.add(c1);
                v = v.blend(0f, v.compare(LE, 0f));
                v.intoArray(h, h0 + 4 * j + 4 * L);
                ss0 = v.fma(v, ss0);
                v = s10.add(c0);
                v = v.blend(0f, v.compare(LE, 0f));
                v.intoArray(h, h1 + 4 * j);
                ss1 = v.fma(v, ss1);
                v = s11.add(c1);
                v = v.blend(0f, v.compare(LE, 0f));
                v.intoArray(h, h1 + 4 * j + 4 * L);
                ss1 = v.fma(v, ss1);
                v = s20.add(c0);
                v = v.blend(0f, v.compare(LE, 0f));
                v.intoArray(h, h2 + 4 * j);
                ss2 = v.fma(v, ss2);
                v = s21.add(c1);
                v = v.blend(0f, v.compare(LE, 0f));
                v.intoArray(h, h2 + 4 * j + 4 * L);
                ss2 = v.fma(v, ss2);
                v = s30.add(c0);
                v = v.blend(0f, v.compare(LE, 0f));
                v.intoArray(h, h3 + 4 * j);
                ss3 = v.fma(v, ss3);
                v = s31.add(c1);
                v = v.blend(0f, v.compare(LE, 0f));
                v.intoArray(h, h3 + 4 * j + 4 * L);
                ss3 = v.fma(v, ss3);
            }
            for (; j + L <= hidden; j += L) {
                FloatVector s0 = FloatVector.zero(S);
                FloatVector s1 = s0;
                FloatVector s2 = s0;
                FloatVector s3 = s0;
                for (int q = 0, wo = j; q < inputs; q++, wo += hidden) {
                    FloatVector c0 = FloatVector.fromArray(S, w1, wo);
                    s0 = FloatVector.broadcast(S, x[x0 + q]).fma(c0, s0);
                    s1 = FloatVector.broadcast(S, x[x1 + q]).fma(c0, s1);
                    s2 = FloatVector.broadcast(S, x[x2 + q]).fma(c0, s2);
                    s3 = FloatVector.broadcast(S, x[x3 + q]).fma(c0, s3);
                }
                FloatVector c0 = FloatVector.fromArray(S, b1, j);
                FloatVector v = s0.add(c0);
                v = v.blend(0f, v.compare(LE, 0f));
                v.intoArray(h, h0 + 4 * j);
                ss0 = v.fma(v, ss0);
                v = s1.add(c0);
                v = v.blend(0f, v.compare(LE, 0f));
                v.intoArray(h, h1 + 4 * j);
                ss1 = v.fma(v, ss1);
                v = s2.add(c0);
                v = v.blend(0f, v.compare(LE, 0f));
                v.intoArray(h, h2 + 4 * j);
                ss2 = v.fma(v, ss2);
                v = s3.add(c0);
                v = v.blend(0f, v.compare(LE, 0f));
                v.intoArray(h, h3 + 4 * j);
                ss3 = v.fma(v, ss3);
            }
            float q0 = ss0.reduceLanes(ADD);
            float q1 = ss1.reduceLanes(ADD);
            float q2 = ss2.reduceLanes(ADD);
            float q3 = ss3.reduceLanes(ADD);
            for (; j < hidden; j++) {
                int o = 4 * (j - j % L) + j % L;
                float v = Math.max(Gemm.productElement(x, x0, w1, inputs, hidden, j) + b1[j], 0f);
                h[h0 + o] = v;
                q0 = Math.fma(v, v, q0);
                v = Math.max(Gemm.productElement(x, x1, w1, inputs, hidden, j) + b1[j], 0f);
                h[h1 + o] = v;
                q1 = Math.fma(v, v, q1);
                v = Math.max(Gemm.productElement(x, x2, w1, inputs, hidden, j) + b1[j], 0f);
                h[h2 + o] = v;
                q2 = Math.fma(v, v, q2);
                v = Math.max(Gemm.productElement(x, x3, w1, inputs, hidden, j) + b1[j], 0f);
                h[h3 + o] = v;
                q3 = Math.fma(v, v, q3);
            }
            sumSq[g] = q0;
            sumSq[g + 1] = q1;
            sumSq[g + 2] = q2;
            sumSq[g + 3] = q3;
        }

        /** t[j], t[j + 1] of messages g .. g + 3 (eight independent dot products over the hidden layer), into tT. */
        private void project4x2(int g, int j) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector b0 = a0;
            FloatVector b1v = a0;
            FloatVector b2 = a0;
            FloatVector b3 = a0;
            // the panels of h and Q are read in order, each chunk at a constant offset
            for (int ho = g * hiddenPad, qo = j * hiddenPad, end = qo + 2 * hiddenPad; qo < end;
                    ho += 4 * L, qo += 2 * L) {
                FloatVector u = FloatVector.fromArray(S, qP, qo);
                FloatVector v = FloatVector.fromArray(S, qP, qo + L);
                FloatVector z = FloatVector.fromArray(S, h, ho);
                a0 = u.fma(z, a0);
                b0 = v.fma(z, b0);
                z = FloatVector.fromArray(S, h, ho + L);
                a1 = u.fma(z, a1);
                b1v = v.fma(z, b1v);
                z = FloatVector.fromArray(S, h, ho + 2 * L);
                a2 = u.fma(z, a2);
                b2 = v.fma(z, b2);
                z = FloatVector.fromArray(S, h, ho + 3 * L);
                a3 = u.fma(z, a3);
                b3 = v.fma(z, b3);
            }
            float ta0 = a0.reduceLanes(ADD);
            float ta1 = a1.reduceLanes(ADD);
            float ta2 = a2.reduceLanes(ADD);
            float ta3 = a3.reduceLanes(ADD);
            float tb0 = b0.reduceLanes(ADD);
            float tb1 = b1v.reduceLanes(ADD);
            float tb2 = b2.reduceLanes(ADD);
            float tb3 = b3.reduceLanes(ADD);
            int o = j * L + g;
            tT[o] = ta0;
            tT[o + 1] = ta1;
            tT[o + 2] = ta2;
            tT[o + 3] = ta3;
            tTd[o] = ta0;
            tTd[o + 1] = ta1;
            tTd[o + 2] = ta2;
            tTd[o + 3] = ta3;
            o += L;
            tT[o] = tb0;
            tT[o + 1] = tb1;
            tT[o + 2] = tb2;
            tT[o + 3] = tb3;
            tTd[o] = tb0;
            tTd[o + 1] = tb1;
            tTd[o + 2] = tb2;
            tTd[o + 3] = tb3;
        }

        /**
         * N >= |h| and P >= |(I - Q Q^T) h| for each lane, from |h|^2 - (1 - delta) |t|^2 with t's
         * rounding taken off |t| (in double, half a block of lanes at a time). If |h| is not finite
         * or too large for the bounds, the message is left to the reference (and its lane's bounds
         * computed with P = N = 0, then ignored).
         */
        private void normBounds() {
            for (int l0 = 0; l0 < L; l0 += D.length()) {
                DoubleVector n = DoubleVector.fromArray(D, sumSq, l0).mul(normScale).sqrt().mul(1 + 1e-7);
                DoubleVector tt = DoubleVector.zero(D);
                for (int j = 0, o = l0; j < rank; j++, o += L) {
                    DoubleVector t = DoubleVector.fromArray(D, tTd, o);
                    tt = t.fma(t, tt);
                }
                DoubleVector tLow = tt.sqrt().sub(n.mul(tSlack));
                tLow = tLow.blend(0, tLow.compare(LT, 0));
                DoubleVector p2 = n.mul(n).sub(tLow.mul(tLow).mul(1 - delta));
                p2.blend(0, p2.compare(LT, 0)).sqrt().add(n.mul(1e-7)).intoArray(pUp, l0);
                n.intoArray(nUp, l0);
            }
            for (int l = 0; l < L; l++) {
                double n = nUp[l];
                reference[l] = !(n < HUGE);
                if (reference[l]) {
                    nUp[l] = 0;
                    pLane[l] = 0;
                    nLane[l] = 0;
                } else {
                    pLane[l] = roundUp(pUp[l]);
                    nLane[l] = roundUp(n);
                }
            }
        }

        /**
         * ubT = upper bounds on the network's logits, fl(fl(fl(biasHi + A t) + e P) + c N), for the
         * block's messages at once (lanes), four logits at a time; each lane's first largest bound
         * (its best guess; a bound that is NaN is never the guess, and never prunes).
         */
        private void upperBounds() {
            int m = 0;
            for (; m + 8 <= messages; m += 8) {
                FloatVector u0 = FloatVector.broadcast(S, biasHi[m]);
                FloatVector u1 = FloatVector.broadcast(S, biasHi[m + 1]);
                FloatVector u2 = FloatVector.broadcast(S, biasHi[m + 2]);
                FloatVector u3 = FloatVector.broadcast(S, biasHi[m + 3]);
                FloatVector u4 = FloatVector.broadcast(S, biasHi[m + 4]);
                FloatVector u5 = FloatVector.broadcast(S, biasHi[m + 5]);
                FloatVector u6 = FloatVector.broadcast(S, biasHi[m + 6]);
                FloatVector u7 = FloatVector.broadcast(S, biasHi[m + 7]);
                for (int j = 0, ao = m * rank; j < rank; j++, ao += 8) {
                    FloatVector t = FloatVector.fromArray(S, tT, j * L);
                    u0 = FloatVector.broadcast(S, aG[ao]).fma(t, u0);
                    u1 = FloatVector.broadcast(S, aG[ao + 1]).fma(t, u1);
                    u2 = FloatVector.broadcast(S, aG[ao + 2]).fma(t, u2);
                    u3 = FloatVector.broadcast(S, aG[ao + 3]).fma(t, u3);
                    u4 = FloatVector.broadcast(S, aG[ao + 4]).fma(t, u4);
                    u5 = FloatVector.broadcast(S, aG[ao + 5]).fma(t, u5);
                    u6 = FloatVector.broadcast(S, aG[ao + 6]).fma(t, u6);
                    u7 = FloatVector.broadcast(S, aG[ao + 7]).fma(t, u7);
                }
                // P and N are reloaded here rather than kept in registers the products need
                FloatVector pv = FloatVector.fromArray(S, pLane, 0);
                FloatVector nv = FloatVector.fromArray(S, nLane, 0);
                int o = m * L;
                u0 = FloatVector.broadcast(S, cCoef[m]).fma(nv, FloatVector.broadcast(S, eCoef[m]).fma(pv, u0));
                u0.intoArray(ubT, o);
                u1 = FloatVector.broadcast(S, cCoef[m + 1]).fma(nv, FloatVector.broadcast(S, eCoef[m + 1]).fma(pv, u1));
                u1.intoArray(ubT, o + L);
                u2 = FloatVector.broadcast(S, cCoef[m + 2]).fma(nv, FloatVector.broadcast(S, eCoef[m + 2]).fma(pv, u2));
                u2.intoArray(ubT, o + 2 * L);
                u3 = FloatVector.broadcast(S, cCoef[m + 3]).fma(nv, FloatVector.broadcast(S, eCoef[m + 3]).fma(pv, u3));
                u3.intoArray(ubT, o + 3 * L);
                u4 = FloatVector.broadcast(S, cCoef[m + 4]).fma(nv, FloatVector.broadcast(S, eCoef[m + 4]).fma(pv, u4));
                u4.intoArray(ubT, o + 4 * L);
                u5 = FloatVector.broadcast(S, cCoef[m + 5]).fma(nv, FloatVector.broadcast(S, eCoef[m + 5]).fma(pv, u5));
                u5.intoArray(ubT, o + 5 * L);
                u6 = FloatVector.broadcast(S, cCoef[m + 6]).fma(nv, FloatVector.broadcast(S, eCoef[m + 6]).fma(pv, u6));
                u6.intoArray(ubT, o + 6 * L);
                u7 = FloatVector.broadcast(S, cCoef[m + 7]).fma(nv, FloatVector.broadcast(S, eCoef[m + 7]).fma(pv, u7));
                u7.intoArray(ubT, o + 7 * L);
                // the group's largest bound per lane (compare and blend: a helper taking vectors
                // would not always be inlined, and a vector passed as an argument is boxed)
                u0 = u0.blend(u1, u1.compare(GT, u0));
                u2 = u2.blend(u3, u3.compare(GT, u2));
                u4 = u4.blend(u5, u5.compare(GT, u4));
                u6 = u6.blend(u7, u7.compare(GT, u6));
                u0 = u0.blend(u2, u2.compare(GT, u0));
                u4 = u4.blend(u6, u6.compare(GT, u4));
                u0.blend(u4, u4.compare(GT, u0)).intoArray(groupMax, m / 8 * L);
            }
            if (m < messages) { // the last group, of fewer than 8
                FloatVector top = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                for (int k = m; k < messages; k++) {
                    FloatVector u = FloatVector.broadcast(S, biasHi[k]);
                    for (int j = 0, ao = k * rank; j < rank; j++, ao++) {
                        u = FloatVector.broadcast(S, aG[ao]).fma(FloatVector.fromArray(S, tT, j * L), u);
                    }
                    u = FloatVector.broadcast(S, cCoef[k]).fma(FloatVector.fromArray(S, nLane, 0),
                            FloatVector.broadcast(S, eCoef[k]).fma(FloatVector.fromArray(S, pLane, 0), u));
                    u.intoArray(ubT, k * L);
                    top = top.blend(u, u.compare(GT, top));
                }
                top.intoArray(groupMax, m / 8 * L);
            }
        }

        /**
         * Each lane's best guess into guess: the first message whose upper bound is the largest
         * (found through the groups' maxima); -1 if its bounds are NaN (a message left to the
         * reference).
         */
        private void bestGuesses() {
            FloatVector top = FloatVector.fromArray(S, groupMax, 0);
            for (int go = L; go < groupMax.length; go += L) {
                FloatVector v = FloatVector.fromArray(S, groupMax, go);
                top = top.blend(v, v.compare(GT, top));
            }
            top.intoArray(topLane, 0);
            // each lane's first group that holds its top, without a branch per group: the groups
            // backwards, so that the first one overwrites the others (-1: none, a NaN top)
            FloatVector first = FloatVector.broadcast(S, -1f);
            for (int go = groupMax.length - L, g = go / L * 8; go >= 0; go -= L, g -= 8) {
                first = first.blend((float) g, FloatVector.fromArray(S, groupMax, go).compare(EQ, top));
            }
            first.intoArray(firstGroup, 0);
            for (int l = 0; l < L; l++) {
                int g = (int) firstGroup[l];
                float t = topLane[l];
                guess[l] = -1;
                for (int m = g, end = g < 0 ? g : Math.min(messages, g + 8); m < end; m++) {
                    if (ubT[m * L + l] == t) {
                        guess[l] = m;
                        break;
                    }
                }
            }
        }

        /**
         * Evaluates each message's best guess, whose logit bounds the network's maximum from
         * below, then in one pass over the bounds of all the block's messages every other logit
         * whose upper bound reaches its message's lower bound, raising that bound as it goes.
         */
        private void candidates(int n) {
            for (int g = 0; g < L; g += ROWS) {
                guesses4(g, n);
            }
            for (int l = 0; l < L; l++) {
                lf[l] = Float.POSITIVE_INFINITY;
                count[l] = 0;
                active[l] = false;
                if (l >= n || reference[l]) {
                    continue;
                }
                int g = guess[l];
                if (g < 0 || !record(l, g, guessDot[l])) {
                    reference[l] = true;
                    continue;
                }
                active[l] = true;
                m0[l] = g;
                ubT[g * L + l] = Float.NEGATIVE_INFINITY; // evaluated: no longer a candidate
                lBest[l] = lo[l * messages];
                lf[l] = roundDown(lBest[l]);
            }
            // every m whose bound is not below its lane's lower bound (NaN included) is looked at.
            // (The lower bounds are reloaded for every m: a vector carried around the loop would be
            // boxed at the merge after an update, which allocates.)
            int m = 0;
            for (; m + 4 <= messages; m += 4) {
                FloatVector lv = FloatVector.fromArray(S, lf, 0);
                int o = m * L;
                if (!FloatVector.fromArray(S, ubT, o).compare(LT, lv)
                        .and(FloatVector.fromArray(S, ubT, o + L).compare(LT, lv))
                        .and(FloatVector.fromArray(S, ubT, o + 2 * L).compare(LT, lv))
                        .and(FloatVector.fromArray(S, ubT, o + 3 * L).compare(LT, lv)).allTrue()) {
                    for (int k = m; k < m + 4; k++) {
                        candidate(k);
                    }
                }
            }
            for (; m < messages; m++) {
                candidate(m);
            }
        }

        /** Evaluates logit m for every active lane whose lower bound its upper bound reaches (or is NaN). */
        private void candidate(int m) {
            int o = m * L;
            for (int l = 0; l < L; l++) {
                if (ubT[o + l] < lf[l] || !active[l] || m == m0[l]) {
                    continue;
                }
                if (!evaluate(l, m)) {
                    reference[l] = true;
                    active[l] = false;
                    lf[l] = Float.POSITIVE_INFINITY;
                    continue;
                }
                double v = lo[l * messages + count[l] - 1];
                if (v > lBest[l]) {
                    lBest[l] = v;
                    lf[l] = roundDown(v);
                }
            }
        }

        /**
         * Lane l's decision from its evaluated logits: the one whose interval reaches the best lower
         * bound, or, if several do (a near tie within rounding), the reference's choice among them.
         */
        private int resolve(int l) {
            int base = l * messages;
            int c = count[l];
            double best = lBest[l];
            int decision = -1;
            int near = 0;
            for (int e = base; e < base + c; e++) {
                if (hi[e] >= best) {
                    near++;
                    decision = evaluated[e];
                }
            }
            if (near == 1) {
                return decision;
            }
            referenceFallbacks++;
            loadRow(l);
            decision = -1;
            float bv = 0;
            for (int e = base; e < base + c; e++) {
                if (hi[e] >= best) {
                    int m = evaluated[e];
                    float v = referenceLogit(m);
                    if (decision < 0 || v > bv || (v == bv && m < decision)) {
                        decision = m;
                        bv = v;
                    }
                }
            }
            return decision;
        }

        /**
         * Evaluates logit m of lane l with a vectorised dot product into the next interval [lo, hi]
         * of that lane, which contains the reference's value; false if it is not finite.
         */
        private boolean evaluate(int l, int m) {
            return record(l, m, dot(l, m));
        }

        /**
         * The dot products of the best guesses of lanes g .. g + 3 (one panel of h) into guessDot,
         * the four rows of W read side by side (a lane without a guess reads row 0, ignored).
         */
        private void guesses4(int g, int n) {
            int w0 = guessRow(g, n) * hiddenPad;
            int w1r = guessRow(g + 1, n) * hiddenPad;
            int w2 = guessRow(g + 2, n) * hiddenPad;
            int w3 = guessRow(g + 3, n) * hiddenPad;
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector c0 = a0;
            FloatVector c1 = a0;
            FloatVector c2 = a0;
            FloatVector c3 = a0;
            int p = 0;
            int ho = g * hiddenPad; // chunk p of lane g + r at ho + 4 p + r L
            for (; p + 2 * L <= hiddenPad; p += 2 * L, ho += 8 * L) {
                a0 = FloatVector.fromArray(S, wT, w0 + p).fma(FloatVector.fromArray(S, h, ho), a0);
                a1 = FloatVector.fromArray(S, wT, w1r + p).fma(FloatVector.fromArray(S, h, ho + L), a1);
                a2 = FloatVector.fromArray(S, wT, w2 + p).fma(FloatVector.fromArray(S, h, ho + 2 * L), a2);
                a3 = FloatVector.fromArray(S, wT, w3 + p).fma(FloatVector.fromArray(S, h, ho + 3 * L), a3);
                c0 = FloatVector.fromArray(S, wT, w0 + p + L).fma(FloatVector.fromArray(S, h, ho + 4 * L), c0);
                c1 = FloatVector.fromArray(S, wT, w1r + p + L).fma(FloatVector.fromArray(S, h, ho + 5 * L), c1);
                c2 = FloatVector.fromArray(S, wT, w2 + p + L).fma(FloatVector.fromArray(S, h, ho + 6 * L), c2);
                c3 = FloatVector.fromArray(S, wT, w3 + p + L).fma(FloatVector.fromArray(S, h, ho + 7 * L), c3);
            }
            if (p < hiddenPad) {
                a0 = FloatVector.fromArray(S, wT, w0 + p).fma(FloatVector.fromArray(S, h, ho), a0);
                a1 = FloatVector.fromArray(S, wT, w1r + p).fma(FloatVector.fromArray(S, h, ho + L), a1);
                a2 = FloatVector.fromArray(S, wT, w2 + p).fma(FloatVector.fromArray(S, h, ho + 2 * L), a2);
                a3 = FloatVector.fromArray(S, wT, w3 + p).fma(FloatVector.fromArray(S, h, ho + 3 * L), a3);
            }
            guessDot[g] = a0.add(c0).reduceLanes(ADD);
            guessDot[g + 1] = a1.add(c1).reduceLanes(ADD);
            guessDot[g + 2] = a2.add(c2).reduceLanes(ADD);
            guessDot[g + 3] = a3.add(c3).reduceLanes(ADD);
        }

        /** The row of W lane l's guess reads: its guess, or row 0 for a lane that has none. */
        private int guessRow(int l, int n) {
            return l < n && !reference[l] && guess[l] >= 0 ? guess[l] : 0;
        }

        /** h . W_m of lane l (a vectorised dot product). */
        private float dot(int l, int m) {
            int wo = m * hiddenPad;
            int ho = (l - l % ROWS) * hiddenPad + (l % ROWS) * L; // chunk p of the row at ho + 4 p
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            int p = 0;
            for (; p + 4 * L <= hiddenPad; p += 4 * L, ho += 16 * L) {
                a0 = FloatVector.fromArray(S, wT, wo + p).fma(FloatVector.fromArray(S, h, ho), a0);
                a1 = FloatVector.fromArray(S, wT, wo + p + L).fma(FloatVector.fromArray(S, h, ho + 4 * L), a1);
                a2 = FloatVector.fromArray(S, wT, wo + p + 2 * L).fma(FloatVector.fromArray(S, h, ho + 8 * L), a2);
                a3 = FloatVector.fromArray(S, wT, wo + p + 3 * L).fma(FloatVector.fromArray(S, h, ho + 12 * L), a3);
            }
            for (; p < hiddenPad; p += L, ho += 4 * L) {
                a0 = FloatVector.fromArray(S, wT, wo + p).fma(FloatVector.fromArray(S, h, ho), a0);
            }
            return a0.add(a1).add(a2.add(a3)).reduceLanes(ADD);
        }

        /**
         * Lane l's logit m from its dot product d, into the next interval [lo, hi] of that lane,
         * which contains the reference's value (any order of the dot product's sum is covered);
         * false if it is not finite.
         */
        private boolean record(int l, int m, float d) {
            double v = (double) d + bias[m];
            double sigma = sigmaW[m] * nUp[l] + sigmaB[m];
            dotProducts++;
            int e = l * messages + count[l]++;
            evaluated[e] = m;
            lo[e] = v - sigma;
            hi[e] = v + sigma;
            return Double.isFinite(v);
        }

        /** Lane l's decision with the reference's arithmetic for every logit, as SoftmaxCrossEntropy.argmax takes it. */
        private int referenceArgmax(int l) {
            referenceFallbacks++;
            dotProducts += messages;
            loadRow(l);
            int best = 0;
            float bv = referenceLogit(0);
            for (int m = 1; m < messages; m++) {
                float v = referenceLogit(m);
                if (v > bv) {
                    bv = v;
                    best = m;
                }
            }
            return best;
        }

        /** Lane l's hidden activations, out of their panel, into rowH. */
        private void loadRow(int l) {
            int ho = (l - l % ROWS) * hiddenPad + (l % ROWS) * L;
            for (int p = 0; p < hidden; p++) {
                rowH[p] = h[ho + 4 * (p - p % L) + p % L];
            }
        }

        /** Logit m of the message in rowH exactly as the receiver's output layer computes it (product, then bias). */
        private float referenceLogit(int m) {
            return Gemm.productElement(rowH, 0, w, hidden, messages, m) + bias[m];
        }
    }

    /** gamma_n = n u / (1 - n u), the classic bound on the relative rounding of an n-term dot product. */
    private static double gamma(int n) {
        return n * U / (1 - n * U);
    }

    private static float roundUp(double x) {
        float f = (float) x;
        return f < x ? Math.nextUp(f) : f;
    }

    private static float roundDown(double x) {
        float f = (float) x;
        return f > x ? Math.nextDown(f) : f;
    }

    /**
     * Orthonormal directions of the hidden layer, most important first (rows): the principal
     * directions of the calibration inputs' hidden activations (the second moment of h / |h|),
     * or without calibration the left singular vectors of the output layer's W (eigenvectors of
     * W W^T).
     */
    private static double[][] principalDirections(Receiver rx, FMatrixRMaj calibration) {
        Dense out = rx.output();
        int hidden = out.in();
        int messages = out.out();
        double[][] g = new double[hidden][hidden];
        if (calibration == null) {
            float[] w = out.weight().value().data;
            for (int a = 0; a < hidden; a++) {
                for (int b = 0; b <= a; b++) {
                    double s = 0;
                    for (int m = 0; m < messages; m++) {
                        s += (double) w[a * messages + m] * w[b * messages + m];
                    }
                    g[a][b] = s;
                }
            }
        } else {
            FMatrixRMaj x = rx.frontEnd(calibration);
            Dense first = rx.hiddenLayer();
            float[] h = new float[hidden];
            double[] row = new double[hidden];
            for (int i = 0; i < x.numRows; i++) {
                first.forwardRow(x.data, i * x.numCols, h, 0);
                double n2 = 0;
                for (int p = 0; p < hidden; p++) {
                    row[p] = Math.max(h[p], 0f);
                    n2 += row[p] * row[p];
                }
                if (!(n2 > 0) || !Double.isFinite(n2)) {
                    continue;
                }
                for (int a = 0; a < hidden; a++) {
                    double ra = Boolean.getBoolean("pd.raw") ? row[a] : row[a] / n2;
                    if (ra != 0) {
                        for (int b = 0; b <= a; b++) {
                            g[a][b] += ra * row[b];
                        }
                    }
                }
            }
        }
        for (int a = 0; a < hidden; a++) {
            for (int b = 0; b < a; b++) {
                g[b][a] = g[a][b];
            }
        }
        return eigenvectors(g);
    }

    /** The eigenvectors of a symmetric matrix, by decreasing eigenvalue (rows of the result). */
    private static double[][] eigenvectors(double[][] sym) {
        EigenDecomposition ed = new EigenDecomposition(new Array2DRowRealMatrix(sym, false));
        double[] values = ed.getRealEigenvalues();
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
        double[][] v = new double[values.length][];
        for (int i = 0; i < order.length; i++) {
            v[i] = ed.getEigenvector(order[i]).toArray();
        }
        return v;
    }

    /** Where A[m][j] is in {@link #aG}. */
    private int aIndex(int m, int j) {
        return m < messages / 8 * 8 ? (m - m % 8) * rank + j * 8 + m % 8 : m * rank + j;
    }

    /** delta >= ||Q^T Q - I||_2 for the float basis qT (its Frobenius norm, with margin). */
    private double orthonormalityDefect(float[] qT) {
        double f = 0;
        for (int a = 0; a < rank; a++) {
            for (int b = 0; b < rank; b++) {
                double s = 0;
                for (int p = 0; p < hidden; p++) {
                    s += (double) qT[a * hidden + p] * qT[b * hidden + p];
                }
                double d = s - (a == b ? 1 : 0);
                f += d * d;
            }
        }
        return Math.sqrt(f) * (1 + 1e-9) + 1e-15;
    }

    /**
     * A = W^T Q (rounded to float, as stored) and, for each m, the bound's coefficients; false if
     * any is not finite (then every message takes the reference path).
     *
     * <p>With t = Q^T h exact and R_m = W_m - Q A_m: h . W_m = A_m . t + R_m . (I - Q Q^T) h + (Q^T R_m) . t,
     * so |h . W_m - A_m . t| <= e_m P + rho_m |t| with e_m = |R_m| and rho_m = |Q^T R_m| (not zero,
     * as Q is orthonormal only to float precision). The computed t^ is within sqrt(k) eta N of t,
     * and the reference r_m within gamma_(hidden+1) (|W_m| N + |b_m|) of the exact logit, so
     * r_m <= b_m + A_m . t^ + e_m P + c0_m N + gamma_(hidden+1) |b_m| with
     * c0_m = rho_m sqrt(1 + delta) + |A_m| sqrt(k) eta + gamma_(hidden+1) |W_m|. The decoder
     * computes fl(fl(fl(biasHi_m + A_m . t^) + e_m P) + c_m N) (k + 1 terms, then two fused
     * multiply-adds): the coefficients below absorb those roundings (gamma_(k+1) of the first sum's
     * magnitudes, 2.01 u of the rest), and carry a relative margin of 2^-20 on top.
     */
    private boolean coefficients(double eta, float[] qT) {
        double sqrtD = Math.sqrt(1 + delta);
        double tNorm = sqrtD + tSlack;
        double gk = gamma(rank + 1);
        double gh = gamma(hidden + 1);
        double tiny = (hidden + rank + 16) * 0x1p-149;
        double margin = 1 + 0x1p-20;
        boolean finite = true;
        double[] a = new double[rank];
        double[] r = new double[hidden];
        for (int m = 0; m < messages; m++) {
            int wo = m * hiddenPad;
            double wNorm = 0;
            for (int p = 0; p < hidden; p++) {
                wNorm += (double) wT[wo + p] * wT[wo + p];
            }
            wNorm = Math.sqrt(wNorm);
            double aNorm = 0;
            for (int j = 0; j < rank; j++) {
                double s = 0;
                for (int p = 0; p < hidden; p++) {
                    s += (double) wT[wo + p] * qT[j * hidden + p];
                }
                float af = (float) s;
                aG[aIndex(m, j)] = af;
                a[j] = af;
                aNorm += (double) af * af;
            }
            aNorm = Math.sqrt(aNorm);
            double e = 0;
            for (int p = 0; p < hidden; p++) {
                double s = wT[wo + p];
                for (int j = 0; j < rank; j++) {
                    s -= qT[j * hidden + p] * a[j];
                }
                r[p] = s;
                e += s * s;
            }
            e = Math.sqrt(e) * (1 + 1e-9);
            double rho = 0;
            for (int j = 0; j < rank; j++) {
                double s = 0;
                for (int p = 0; p < hidden; p++) {
                    s += qT[j * hidden + p] * r[p];
                }
                rho += s * s;
            }
            rho = Math.sqrt(rho) * (1 + 1e-9) + 1e-12 * wNorm;
            double b = Math.abs(bias[m]);
            double c0 = rho * sqrtD + aNorm * tSlack + gh * wNorm;
            double c = (c0 + (gk + 2.02 * U) * aNorm * tNorm) * (1 + 3 * U);
            double beta = ((gh + gk + 2.02 * U) * b * (1 + U) + tiny) * (1 + 2 * gk + 5 * U);
            eCoef[m] = roundUp(e * (1 + 3 * U) * margin);
            cCoef[m] = roundUp(c * margin);
            biasHi[m] = roundUp(bias[m] + beta * margin);
            sigmaW[m] = 1.01 * (gamma(hidden) + gh) * wNorm;
            sigmaB[m] = 1.01 * gh * b + tiny;
            finite &= Float.isFinite(eCoef[m]) && Float.isFinite(cCoef[m]) && Float.isFinite(biasHi[m])
                    && Double.isFinite(sigmaW[m]) && Double.isFinite(sigmaB[m]);
        }
        return finite;
    }
}
