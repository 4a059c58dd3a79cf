package org.grmodelfree.comm;

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
 * in blocks of one vector's width of messages (8 with AVX2), by a {@link PrunedKernel} per thread.
 * This class is the facade: it copies the layers, chooses the basis ({@link PrunedBasis}),
 * computes the certified bounds' coefficients once ({@link PrunedBounds}) and splits batches over
 * its kernels.
 *
 * <p>The decoder copies the receiver's hidden and output layers when it is built; it is for a fixed
 * receiver (stream decoding) and must be rebuilt after training. {@link #decide} allocates nothing
 * and is not reentrant. By default it runs on the calling thread; {@link #threads} splits each batch
 * over the threads of {@link Parallel}'s worker pool (the result does not depend on the split).
 */
public final class PrunedDecoder {
    /** Messages per block: one vector's width. */
    private static final int L = PrunedKernel.L;
    /** The basis is padded with zero vectors to a multiple of this (the projection's block). */
    private static final int GROUP = PrunedKernel.GROUP;
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

    // what the kernels read (PrunedKernel); not modified once built
    private final Receiver rx;
    final int messages;
    final int inputs;
    final int hidden;
    /** hidden rounded up to whole vectors: the hidden layer's stride in h, wT and qP (zeros past hidden). */
    final int hiddenPad;
    final int rank;
    final int rankPadded;
    /** inputs x hidden and hidden: the hidden layer's weights and bias. */
    final float[] w1;
    final float[] b1;
    /** hidden x M: the output layer's weights, as the reference multiplies them. */
    final float[] w;
    /** M x hiddenPad: W transposed, for the vectorised dot products. */
    final float[] wT;
    /** The output layer's bias. */
    final float[] bias;
    /** The basis in the projection's layout ({@link PrunedBasis#qP}). */
    final float[] qP;
    final PrunedBounds bounds;

    /** Per-part working state: part 0 serves the calling thread, the rest the parallel parts. */
    private final PrunedKernel[] parts;
    private final Dispatch dispatch = new Dispatch();
    private int threads = 1;

    /**
     * @param rx          the receiver; its parameters must not change while this decoder is used
     * @param rank        k, the size of the basis, 1..hidden
     * @param calibration received blocks (rows x 2N) like those to be decoded, to choose the basis;
     *                    null for the output layer's singular vectors. Not modified.
     */
    public PrunedDecoder(Receiver rx, int rank, FMatrixRMaj calibration) {
        this(rx, checkRank(rx, rank), PrunedBasis.principalDirections(rx, calibration));
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
        PrunedBasis q = new PrunedBasis(basis, rank, rankPadded, hidden, hiddenPad);
        this.qP = q.qP;
        this.bounds = new PrunedBounds(wT, hiddenPad, bias, q.qT, messages, hidden, rank);
        this.parts = new PrunedKernel[Math.max(1, 2 * Parallel.threads())];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = new PrunedKernel(this);
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
        double[][] basis = PrunedBasis.principalDirections(rx, y);
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
        for (PrunedKernel p : best.parts) {
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
        for (PrunedKernel p : parts) {
            n += p.messagesDecided;
        }
        return n;
    }

    /** Output logits evaluated so far (the full layer would evaluate M per message). */
    public long logitsEvaluated() {
        long n = 0;
        for (PrunedKernel p : parts) {
            n += p.dotProducts;
        }
        return n;
    }

    /** Messages decided so far (partly or wholly) with the reference arithmetic: near ties, non-finite inputs. */
    public long referenceFallbacks() {
        long n = 0;
        for (PrunedKernel p : parts) {
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
            PrunedKernel part = parts[from];
            for (int u = from; u < to; u++) {
                int i0 = u * per;
                if (i0 < rows) {
                    part.decide(x, i0, Math.min(rows, i0 + per), decisions);
                }
            }
        }
    }
}
