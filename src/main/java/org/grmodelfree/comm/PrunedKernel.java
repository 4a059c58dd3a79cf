package org.grmodelfree.comm;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LT;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.grmodelfree.nn.Dense;
import org.grmodelfree.nn.Gemm;

/**
 * The kernel of a {@link PrunedDecoder}: the working state of one thread's share of a batch, and
 * the steps of the facade's class comment for a block of L messages at a time (one vector's width,
 * 8 with AVX2), so that every weight loaded serves several messages. The hidden layer is
 * {@link Gemm}'s register block over four messages at a time, the projection a register-blocked
 * product of the same shape; the upper bounds are computed with the block's messages in the vector
 * lanes (each element of A broadcast once for all of them), which also finds each message's best
 * guess and, in one pass, the candidates of all of them.
 *
 * <p>Vectors never cross a method boundary: a helper taking or returning a vector is not always
 * inlined, and a vector that is not is boxed (a previous attempt cost twice the time). So the
 * register blocks are written out by hand, four messages and two vectors at a time, deliberately.
 * Allocates nothing; not thread-safe (one kernel per thread).
 */
final class PrunedKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Doubles in half a vector of floats' lanes (the norm bounds are computed in double). */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Messages per register block of the hidden layer and the projection (L is a multiple of it). */
    static final int ROWS = 4;
    /** The basis is padded with zero vectors to a multiple of this (the projection's block). */
    static final int GROUP = 2;
    /** Hidden norms above this are decided by the reference arithmetic (nothing can overflow). */
    private static final double HUGE = 1e30;

    static {
        if (L % ROWS != 0 || L % D.length() != 0) {
            throw new IllegalStateException("pruned decoder: vectors of " + L + " floats are not a multiple of " + ROWS
                    + " or of " + D.length() + " doubles");
        }
    }

    // the decoder's, shared by its kernels and read only (see PrunedDecoder, PrunedBounds)
    private final int messages;
    private final int inputs;
    private final int hidden;
    private final int hiddenPad;
    private final int rank;
    private final int rankPadded;
    private final boolean certified;
    private final float[] w1;
    private final float[] b1;
    private final float[] w;
    private final float[] wT;
    private final float[] bias;
    private final float[] qP;
    private final float[] biasHi;
    private final float[] aG;
    private final float[] eCoef;
    private final float[] cCoef;
    private final double[] sigmaW;
    private final double[] sigmaB;
    private final double delta;
    private final double tSlack;
    private final double normScale;

    /**
     * The block's hidden activations in panels of 4 messages (ROWS): a panel holds its messages'
     * values one vector's width at a time, the 4 chunks side by side; message l's value p is at
     * (l - l % 4) hiddenPad + 4 (p - p % L) + (l % 4) L + p % L (zeros past hidden).
     */
    private final float[] h;
    /** One message's hidden activations in a row, for the reference arithmetic. */
    private final float[] rowH;
    /** rankPadded x L: t, the block's messages in the lanes. */
    private final float[] tT;
    /** M x L: the upper bounds on the logits, the block's messages in the lanes. */
    private final float[] ubT;
    private final double[] sumSq = new double[L];
    /**
     * t as tT, in double (the norm bounds read it). Kept rather than converted from tT: Java 17's
     * compiler does not vectorise the float-to-double conversion, which took a decision from
     * 448-465 to 737-738 ns of CPU (measured).
     */
    private final double[] tTd;
    private final double[] pUp = new double[L];
    private final double[] nUp = new double[L];
    private final float[] pLane = new float[L];
    private final float[] nLane = new float[L];
    /** Per group of 8 messages (the last may have fewer), the largest upper bound of each lane. */
    private final float[] groupMax;
    private final float[] topLane = new float[L];
    private final float[] firstGroup = new float[L];
    /** The best guess of each lane (see {@link #bestGuesses}). */
    private final int[] guess = new int[L];
    /** h . W_guess of each lane. */
    private final float[] guessDot = new float[L];
    private final int[] m0 = new int[L];
    /** The lower bound each message's candidates must reach, rounded down; +infinity for a lane not decided here. */
    private final float[] lf = new float[L];
    /** The lane is decided by the bounds (a message of the block, not left to the reference). */
    private final boolean[] active = new boolean[L];
    private final double[] lBest = new double[L];
    /** The message is decided by the reference arithmetic. */
    private final boolean[] reference = new boolean[L];
    private final int[] row = new int[L];
    /** Per message (lane), the logits evaluated and their intervals. */
    private final int[] count = new int[L];
    private final int[] evaluated;
    private final double[] lo;
    private final double[] hi;
    long messagesDecided;
    long dotProducts;
    long referenceFallbacks;

    PrunedKernel(PrunedDecoder d) {
        PrunedBounds b = d.bounds;
        this.messages = d.messages;
        this.inputs = d.inputs;
        this.hidden = d.hidden;
        this.hiddenPad = d.hiddenPad;
        this.rank = d.rank;
        this.rankPadded = d.rankPadded;
        this.certified = b.certified;
        this.w1 = d.w1;
        this.b1 = d.b1;
        this.w = d.w;
        this.wT = d.wT;
        this.bias = d.bias;
        this.qP = d.qP;
        this.biasHi = b.biasHi;
        this.aG = b.aG;
        this.eCoef = b.eCoef;
        this.cCoef = b.cCoef;
        this.sigmaW = b.sigmaW;
        this.sigmaB = b.sigmaB;
        this.delta = b.delta;
        this.tSlack = b.tSlack;
        this.normScale = b.normScale;
        this.h = new float[L * hiddenPad];
        this.rowH = new float[hidden];
        this.tT = new float[rankPadded * L];
        this.ubT = new float[messages * L];
        this.tTd = new double[rankPadded * L];
        this.groupMax = new float[(messages + 7) / 8 * L];
        this.evaluated = new int[L * messages];
        this.lo = new double[L * messages];
        this.hi = new double[L * messages];
    }

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
     * scalar tail columns as {@link Gemm#productElement}), and their |h|^2. The products are
     * {@link Gemm}'s own register blocks, writing straight into the panels of h; the bias and
     * the ReLU follow in one pass over them.
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
        // chunk j of row r (L values from column j) is at hr + 4 j: chunks 4 L apart
        int j = hidden - hidden % L;
        Gemm.block4(x, x0, x1, x2, x3, 1, inputs, w1, 0, hidden, j, h, h0, h1, h2, h3, 4 * L, false);
        // ReLU as Math.max(v, 0f) takes it (NaN stays NaN, -0 becomes +0), in a compare and a
        // blend; the four rows unrolled by hand, deliberately (four independent sums of squares)
        FloatVector ss0 = FloatVector.zero(S);
        FloatVector ss1 = ss0;
        FloatVector ss2 = ss0;
        FloatVector ss3 = ss0;
        for (int p = 0; p < j; p += L) {
            FloatVector c = FloatVector.fromArray(S, b1, p);
            FloatVector v = FloatVector.fromArray(S, h, h0 + 4 * p).add(c);
            v = v.blend(0f, v.compare(LE, 0f));
            v.intoArray(h, h0 + 4 * p);
            ss0 = v.fma(v, ss0);
            v = FloatVector.fromArray(S, h, h1 + 4 * p).add(c);
            v = v.blend(0f, v.compare(LE, 0f));
            v.intoArray(h, h1 + 4 * p);
            ss1 = v.fma(v, ss1);
            v = FloatVector.fromArray(S, h, h2 + 4 * p).add(c);
            v = v.blend(0f, v.compare(LE, 0f));
            v.intoArray(h, h2 + 4 * p);
            ss2 = v.fma(v, ss2);
            v = FloatVector.fromArray(S, h, h3 + 4 * p).add(c);
            v = v.blend(0f, v.compare(LE, 0f));
            v.intoArray(h, h3 + 4 * p);
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
                pLane[l] = PrunedBounds.roundUp(pUp[l]);
                nLane[l] = PrunedBounds.roundUp(n);
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
            lf[l] = PrunedBounds.roundDown(lBest[l]);
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
                lf[l] = PrunedBounds.roundDown(v);
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
