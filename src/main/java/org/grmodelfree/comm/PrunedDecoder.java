package org.grmodelfree.comm;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.MAX;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.nn.Dense;
import org.grmodelfree.nn.Gemm;
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
 * <li>h = ReLU(hiddenLayer(frontEnd(y))), computed exactly as the receiver computes it
 * ({@link Dense#forwardRow});</li>
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
 * A message whose hidden activations are not finite, or whose logits overflow, is decided with the
 * reference arithmetic throughout. The basis only affects speed, never a decision: by default it is
 * the top-k principal directions of the hidden activations of calibration inputs (received blocks
 * like the ones to decode), or W's top-k left singular vectors when none are given.
 *
 * <p>The decoder copies the output layer's parameters when it is built; it is for a fixed receiver
 * (stream decoding) and must be rebuilt after training. {@link #decide} allocates nothing once the
 * batch size has been seen. It works on two messages at a time, so that each weight it loads
 * serves both, on the calling thread: a stream receiver's input and output threads need the other
 * cores (splitting the batch over two threads halved the block's throughput when another process
 * shared the two cores of the development machine).
 */
public final class PrunedDecoder {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Unit roundoff of float. */
    private static final double U = 0x1p-24;
    /** Hidden norms above this are decided by the reference arithmetic (nothing can overflow). */
    private static final double HUGE = 1e30;
    /** The basis is padded with zero vectors to a multiple of this (the projection's block). */
    private static final int GROUP = 4;
    /** The ranks {@link #forLink} tries. */
    private static final int[] RANKS = {8, 10, 12, 16, 24, 32, 48, 64};
    /**
     * Cost of evaluating one logit (a dot product over the hidden layer from a row of W that is
     * rarely in L1, and its bookkeeping) in units of one basis vector (projecting h onto it, plus
     * its column of A for every logit): measured 1.6 to 1.7 on the development machine (AMD EPYC,
     * AVX2), from the time per message at ranks 8 to 24 on trained AWGN and RBF links.
     */
    private static final double LOGIT_COST = 1.7;
    /**
     * Cost of the full output layer as a matrix product, per M hidden / (M + hidden) multiply-adds,
     * in the same units (measured: about 0.85).
     */
    private static final double FULL_LAYER_COST = 0.85;

    private final Receiver rx;
    private final Dense first;
    private final int messages;
    private final int padded;
    private final int hidden;
    private final int rank;
    private final int rankPadded;
    private final boolean certified;
    /** hidden x M: the output layer's weights, as the reference multiplies them. */
    private final float[] w;
    /** M x hidden: W transposed, for the vectorised dot products. */
    private final float[] wT;
    /** The output layer's bias. */
    private final float[] bias;
    /** bias + beta, rounded up, padded with -infinity to a whole number of vectors. */
    private final float[] biasHi;
    /** rankPadded x hidden: the basis Q, one vector per row (zero rows past the rank). */
    private final float[] qT;
    /** rank x padded: A^T = Q^T W. */
    private final float[] aT;
    private final float[] eCoef;
    private final float[] cCoef;
    private final double[] sigmaW;
    private final double[] sigmaB;
    private final double delta;
    private final double tSlack;
    private final Row rowA;
    private final Row rowB;
    /** The logits evaluated for the current message, and their intervals. */
    private final int[] evaluated;
    private final double[] lo;
    private final double[] hi;

    private long messagesDecided;
    private long dotProducts;
    private long referenceFallbacks;

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
        this.rx = rx;
        this.first = rx.hiddenLayer();
        this.messages = out.out();
        this.hidden = out.in();
        this.rank = rank;
        this.rankPadded = (rank + GROUP - 1) / GROUP * GROUP;
        this.padded = (messages + L - 1) / L * L;
        this.w = out.weight().value().data.clone();
        this.wT = new float[messages * hidden];
        for (int p = 0; p < hidden; p++) {
            for (int m = 0; m < messages; m++) {
                wT[m * hidden + p] = w[p * messages + m];
            }
        }
        this.bias = out.bias().value().data.clone();
        this.qT = new float[rankPadded * hidden];
        for (int j = 0; j < rank; j++) {
            for (int p = 0; p < hidden; p++) {
                qT[j * hidden + p] = (float) basis[j][p];
            }
        }
        this.delta = orthonormalityDefect();
        this.aT = new float[rank * padded];
        this.biasHi = new float[padded];
        Arrays.fill(biasHi, Float.NEGATIVE_INFINITY);
        this.eCoef = new float[padded];
        this.cCoef = new float[padded];
        this.sigmaW = new double[messages];
        this.sigmaB = new double[messages];
        double eta = gamma(hidden) * Math.sqrt(1 + delta);
        this.tSlack = Math.sqrt(rank) * eta;
        this.certified = rank > 0 && delta < 0.5 && coefficients(eta);
        this.rowA = new Row();
        this.rowB = new Row();
        this.evaluated = new int[messages];
        this.lo = new double[messages];
        this.hi = new double[messages];
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
        best.messagesDecided = 0;
        best.dotProducts = 0;
        best.referenceFallbacks = 0;
        return best;
    }

    /** k, the size of the basis; 0 when the full output layer is computed (pruning would not pay). */
    public int rank() {
        return rank;
    }

    /** Messages decided so far. */
    public long messagesDecided() {
        return messagesDecided;
    }

    /** Output logits evaluated so far (the full layer would evaluate M per message). */
    public long logitsEvaluated() {
        return dotProducts;
    }

    /** Messages decided so far (partly or wholly) with the reference arithmetic: near ties, non-finite inputs. */
    public long referenceFallbacks() {
        return referenceFallbacks;
    }

    /**
     * Decides each row of y (rows x 2N) into decisions; returns the number that differ from labels
     * (0 when labels is null). y and labels not modified, decisions modified.
     */
    public int decide(FMatrixRMaj y, int[] labels, int[] decisions) {
        int rows = y.numRows;
        if (rank == 0) {
            messagesDecided += rows;
            dotProducts += (long) rows * messages;
            return SoftmaxCrossEntropy.argmax(rx.forward(y), labels, decisions);
        }
        float[] x = rx.frontEnd(y).data;
        for (int i = 0; i < rows; i += 2) {
            decidePair(x, i, Math.min(i + 1, rows - 1), decisions);
        }
        messagesDecided += rows;
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

    /** One message's working state. */
    private final class Row {
        final float[] h = new float[hidden];
        final float[] t = new float[rankPadded];
        final float[] ub = new float[padded];
        float sumSq;
        float top;
        double nUp;
        double pUp;
    }

    /**
     * Decides rows i and j (which may be equal) of the front end's output x: the weights are read
     * once for both, which halves the memory traffic of the projection and the bounds.
     */
    private void decidePair(float[] x, int i, int j, int[] decisions) {
        Row a = rowA;
        Row b = rowB;
        hiddenRow(x, i, a);
        hiddenRow(x, j, b);
        if (!certified) {
            decisions[i] = referenceArgmax(a.h);
            if (j != i) {
                decisions[j] = referenceArgmax(b.h);
            }
            return;
        }
        for (int g = 0; g < rankPadded; g += GROUP) {
            projectPair(a, b, g);
        }
        boolean finiteA = normBounds(a);
        boolean finiteB = normBounds(b);
        upperBoundsPair(a, b);
        decisions[i] = finiteA ? finish(a) : referenceArgmax(a.h);
        if (j != i) {
            decisions[j] = finiteB ? finish(b) : referenceArgmax(b.h);
        }
    }

    /** h = ReLU(row i of the hidden layer for the front end's output x), as the receiver computes it, and |h|^2. */
    private void hiddenRow(float[] x, int i, Row r) {
        float[] h = r.h;
        first.forwardRow(x, i * first.in(), h, 0);
        FloatVector ss = FloatVector.zero(S);
        int p = 0;
        for (; p + L <= hidden; p += L) {
            FloatVector v = FloatVector.fromArray(S, h, p).max(0f);
            v.intoArray(h, p);
            ss = v.fma(v, ss);
        }
        float sumSq = ss.reduceLanes(ADD);
        for (; p < hidden; p++) {
            h[p] = Math.max(h[p], 0f);
            sumSq = Math.fma(h[p], h[p], sumSq);
        }
        r.sumSq = sumSq;
    }

    /** t[g .. g + 4) = rows g.. of Q^T times h, for both messages (eight independent dot products). */
    private void projectPair(Row ra, Row rb, int g) {
        float[] ha = ra.h;
        float[] hb = rb.h;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector b2 = a0;
        FloatVector b3 = a0;
        int r = g * hidden;
        int p = 0;
        for (; p + L <= hidden; p += L) {
            FloatVector va = FloatVector.fromArray(S, ha, p);
            FloatVector vb = FloatVector.fromArray(S, hb, p);
            int q = r + p;
            FloatVector w = FloatVector.fromArray(S, qT, q);
            a0 = w.fma(va, a0);
            b0 = w.fma(vb, b0);
            q += hidden;
            w = FloatVector.fromArray(S, qT, q);
            a1 = w.fma(va, a1);
            b1 = w.fma(vb, b1);
            q += hidden;
            w = FloatVector.fromArray(S, qT, q);
            a2 = w.fma(va, a2);
            b2 = w.fma(vb, b2);
            q += hidden;
            w = FloatVector.fromArray(S, qT, q);
            a3 = w.fma(va, a3);
            b3 = w.fma(vb, b3);
        }
        float[] ta = ra.t;
        float[] tb = rb.t;
        ta[g] = a0.reduceLanes(ADD);
        ta[g + 1] = a1.reduceLanes(ADD);
        ta[g + 2] = a2.reduceLanes(ADD);
        ta[g + 3] = a3.reduceLanes(ADD);
        tb[g] = b0.reduceLanes(ADD);
        tb[g + 1] = b1.reduceLanes(ADD);
        tb[g + 2] = b2.reduceLanes(ADD);
        tb[g + 3] = b3.reduceLanes(ADD);
        for (; p < hidden; p++) {
            for (int j = 0; j < GROUP; j++) {
                ta[g + j] = Math.fma(qT[r + j * hidden + p], ha[p], ta[g + j]);
                tb[g + j] = Math.fma(qT[r + j * hidden + p], hb[p], tb[g + j]);
            }
        }
    }

    /**
     * N >= |h| and P >= |(I - Q Q^T) h|, from |h|^2 - (1 - delta) |t|^2 with t's rounding taken
     * off |t|; false if |h| is not finite or too large for the bounds (the reference decides).
     */
    private boolean normBounds(Row r) {
        double nUp = Math.sqrt(r.sumSq * (1 + 4 * gamma(hidden))) * (1 + 1e-7);
        if (!(nUp < HUGE)) {
            return false;
        }
        double tt = 0;
        for (int j = 0; j < rank; j++) {
            tt += (double) r.t[j] * r.t[j];
        }
        double tLow = Math.max(0, Math.sqrt(tt) - tSlack * nUp);
        r.nUp = nUp;
        r.pUp = Math.sqrt(Math.max(0, nUp * nUp - (1 - delta) * tLow * tLow)) + 1e-7 * nUp;
        return true;
    }

    /**
     * ub = upper bounds on the network's logits, fl(fl(fl(biasHi + A t) + e P) + c N), and their
     * maximum (top), for both messages; each column of A is read once for both.
     */
    private void upperBoundsPair(Row ra, Row rb) {
        FloatVector pa = FloatVector.broadcast(S, roundUp(ra.pUp));
        FloatVector na = FloatVector.broadcast(S, roundUp(ra.nUp));
        FloatVector pb = FloatVector.broadcast(S, roundUp(rb.pUp));
        FloatVector nb = FloatVector.broadcast(S, roundUp(rb.nUp));
        FloatVector topA = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector topB = topA;
        float[] ta = ra.t;
        float[] tb = rb.t;
        int mc = 0;
        for (; mc + 2 * L <= padded; mc += 2 * L) {
            FloatVector a0 = FloatVector.fromArray(S, biasHi, mc);
            FloatVector a1 = FloatVector.fromArray(S, biasHi, mc + L);
            FloatVector b0 = a0;
            FloatVector b1 = a1;
            for (int j = 0, ao = mc; j < rank; j++, ao += padded) {
                FloatVector xa = FloatVector.broadcast(S, ta[j]);
                FloatVector xb = FloatVector.broadcast(S, tb[j]);
                FloatVector c0 = FloatVector.fromArray(S, aT, ao);
                FloatVector c1 = FloatVector.fromArray(S, aT, ao + L);
                a0 = xa.fma(c0, a0);
                b0 = xb.fma(c0, b0);
                a1 = xa.fma(c1, a1);
                b1 = xb.fma(c1, b1);
            }
            FloatVector e0 = FloatVector.fromArray(S, eCoef, mc);
            FloatVector e1 = FloatVector.fromArray(S, eCoef, mc + L);
            FloatVector c0 = FloatVector.fromArray(S, cCoef, mc);
            FloatVector c1 = FloatVector.fromArray(S, cCoef, mc + L);
            a0 = c0.fma(na, e0.fma(pa, a0));
            b0 = c0.fma(nb, e0.fma(pb, b0));
            a1 = c1.fma(na, e1.fma(pa, a1));
            b1 = c1.fma(nb, e1.fma(pb, b1));
            a0.intoArray(ra.ub, mc);
            a1.intoArray(ra.ub, mc + L);
            b0.intoArray(rb.ub, mc);
            b1.intoArray(rb.ub, mc + L);
            topA = topA.max(a0).max(a1);
            topB = topB.max(b0).max(b1);
        }
        for (; mc < padded; mc += L) {
            FloatVector a0 = FloatVector.fromArray(S, biasHi, mc);
            FloatVector b0 = a0;
            for (int j = 0, ao = mc; j < rank; j++, ao += padded) {
                FloatVector c0 = FloatVector.fromArray(S, aT, ao);
                a0 = FloatVector.broadcast(S, ta[j]).fma(c0, a0);
                b0 = FloatVector.broadcast(S, tb[j]).fma(c0, b0);
            }
            FloatVector e0 = FloatVector.fromArray(S, eCoef, mc);
            FloatVector c0 = FloatVector.fromArray(S, cCoef, mc);
            a0 = c0.fma(na, e0.fma(pa, a0));
            b0 = c0.fma(nb, e0.fma(pb, b0));
            a0.intoArray(ra.ub, mc);
            b0.intoArray(rb.ub, mc);
            topA = topA.max(a0);
            topB = topB.max(b0);
        }
        ra.top = topA.reduceLanes(MAX);
        rb.top = topB.reduceLanes(MAX);
    }

    /**
     * The decision from the upper bounds: the logit of the largest is evaluated, which bounds the
     * network's maximum from below; every other m whose upper bound reaches that is evaluated too,
     * raising the bound as it goes. If the intervals of several evaluated logits reach the best
     * lower bound (a near tie within rounding), those few are recomputed as the reference computes them.
     */
    private int finish(Row r) {
        float[] h = r.h;
        float[] ub = r.ub;
        int m0 = -1;
        for (int mc = 0; mc < padded && m0 < 0; mc += L) {
            int f = FloatVector.fromArray(S, ub, mc).compare(EQ, r.top).firstTrue();
            if (f < L) {
                m0 = mc + f;
            }
        }
        if (m0 < 0 || m0 >= messages) {
            return referenceArgmax(h);
        }
        int count = 0;
        if (!evaluate(h, m0, r.nUp, count)) {
            return referenceArgmax(h);
        }
        double lBest = lo[count++];
        float lf = roundDown(lBest);
        for (int mc = 0; mc < padded; mc += L) {
            if (!FloatVector.fromArray(S, ub, mc).compare(GE, lf).anyTrue()) {
                continue;
            }
            // (VectorMask.toLong, which would list the lanes, is not an intrinsic on JDK 17: it allocates)
            for (int m = mc; m < mc + L; m++) {
                if (m == m0 || !(ub[m] >= lf)) {
                    continue;
                }
                if (!evaluate(h, m, r.nUp, count)) {
                    return referenceArgmax(h);
                }
                if (lo[count] > lBest) {
                    lBest = lo[count];
                    lf = roundDown(lBest);
                }
                count++;
            }
        }
        int decision = -1;
        int near = 0;
        for (int e = 0; e < count; e++) {
            if (hi[e] >= lBest) {
                near++;
                decision = evaluated[e];
            }
        }
        if (near == 1) {
            return decision;
        }
        referenceFallbacks++;
        decision = -1;
        float bv = 0;
        for (int e = 0; e < count; e++) {
            if (hi[e] >= lBest) {
                int m = evaluated[e];
                float v = referenceLogit(h, m);
                if (decision < 0 || v > bv || (v == bv && m < decision)) {
                    decision = m;
                    bv = v;
                }
            }
        }
        return decision;
    }

    /**
     * Evaluates logit m with a vectorised dot product into the interval [lo, hi] of slot count,
     * which contains the reference's value; false if it is not finite.
     */
    private boolean evaluate(float[] h, int m, double nUp, int count) {
        int wo = m * hidden;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int p = 0;
        for (; p + 4 * L <= hidden; p += 4 * L) {
            a0 = FloatVector.fromArray(S, wT, wo + p).fma(FloatVector.fromArray(S, h, p), a0);
            a1 = FloatVector.fromArray(S, wT, wo + p + L).fma(FloatVector.fromArray(S, h, p + L), a1);
            a2 = FloatVector.fromArray(S, wT, wo + p + 2 * L).fma(FloatVector.fromArray(S, h, p + 2 * L), a2);
            a3 = FloatVector.fromArray(S, wT, wo + p + 3 * L).fma(FloatVector.fromArray(S, h, p + 3 * L), a3);
        }
        for (; p + L <= hidden; p += L) {
            a0 = FloatVector.fromArray(S, wT, wo + p).fma(FloatVector.fromArray(S, h, p), a0);
        }
        float d = a0.add(a1).add(a2.add(a3)).reduceLanes(ADD);
        for (; p < hidden; p++) {
            d = Math.fma(wT[wo + p], h[p], d);
        }
        double v = (double) d + bias[m];
        double sigma = sigmaW[m] * nUp + sigmaB[m];
        dotProducts++;
        evaluated[count] = m;
        lo[count] = v - sigma;
        hi[count] = v + sigma;
        return Double.isFinite(v);
    }

    /** The decision with the reference's arithmetic for every logit, as SoftmaxCrossEntropy.argmax takes it. */
    private int referenceArgmax(float[] h) {
        referenceFallbacks++;
        dotProducts += messages;
        int best = 0;
        float bv = referenceLogit(h, 0);
        for (int m = 1; m < messages; m++) {
            float v = referenceLogit(h, m);
            if (v > bv) {
                bv = v;
                best = m;
            }
        }
        return best;
    }

    /** Logit m exactly as the receiver's output layer computes it (product, then bias). */
    private float referenceLogit(float[] h, int m) {
        return Gemm.productElement(h, 0, w, hidden, messages, m) + bias[m];
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

    /** delta >= ||Q^T Q - I||_2 for the float basis (its Frobenius norm, with margin). */
    private double orthonormalityDefect() {
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
    private boolean coefficients(double eta) {
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
            int wo = m * hidden;
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
                aT[j * padded + m] = af;
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
