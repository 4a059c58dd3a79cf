package org.grmodelfree.comm;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.MAX;
import static jdk.incubator.vector.VectorOperators.MIN;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.ejml.data.FMatrixRMaj;

/**
 * Minimum-distance (for AWGN: maximum-likelihood) decisions over a fixed codebook:
 * argmin_m |y - c_m|^2 = argmax_m (y . c_m - |c_m|^2 / 2), the lowest index winning a tie. The same
 * decisions as {@link Codebooks#minDistance} up to float rounding of near ties; for streaming
 * decoding with an exported codebook.
 *
 * <p>One pass per message, the codewords in the vector lanes: the scores of one vector's width of
 * codewords are multiply-adds from a broadcast of each received real, and each lane keeps its
 * largest score and the block of codewords it came from, so no score is stored and no branch is
 * taken per codeword. For N = 4 the eight received reals stay in registers and each score is two
 * chains of four multiply-adds, so that the blocks' chains overlap. The transposed codebook (2N x M,
 * about 8 KB for M = 256, N = 4) stays in L1.
 * {@link #decide} allocates nothing and is not reentrant.
 */
public final class MinDistanceDecoder {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private final int width;
    /** M rounded up to whole vectors. */
    private final int padded;
    /** 2N x padded: the codebook transposed, zeros past M. */
    private final float[] codebookT;
    /** -|c_m|^2 / 2, minus infinity past M (a padding codeword never wins). */
    private final float[] minusHalfEnergy;
    /** Lane indices 0 .. L-1 as floats. */
    private final float[] iota = new float[L];

    /** @param codebook M x 2N, not modified (copied) */
    public MinDistanceDecoder(FMatrixRMaj codebook) {
        int messages = codebook.numRows;
        this.width = codebook.numCols;
        if (messages < 1 || width < 1) {
            throw new IllegalArgumentException("min-distance decoder: a codebook of " + messages + " x " + width);
        }
        this.padded = (messages + L - 1) / L * L;
        if (padded >= 1 << 24) {
            throw new IllegalArgumentException("min-distance decoder: " + messages + " codewords (at most 2^24)");
        }
        this.codebookT = new float[width * padded];
        this.minusHalfEnergy = new float[padded];
        Arrays.fill(minusHalfEnergy, Float.NEGATIVE_INFINITY);
        for (int m = 0; m < messages; m++) {
            float e = 0;
            for (int j = 0; j < width; j++) {
                float v = codebook.get(m, j);
                codebookT[j * padded + m] = v;
                e += v * v;
            }
            minusHalfEnergy[m] = -e / 2;
        }
        for (int l = 0; l < L; l++) {
            iota[l] = l;
        }
    }

    /**
     * Decides each row of y (rows x 2N) into decisions; returns the number that differ from labels
     * (0 when labels is null). y and labels not modified.
     */
    public int decide(FMatrixRMaj y, int[] labels, int[] decisions) {
        if (y.numCols != width) {
            throw new IllegalArgumentException("min-distance decoder: rows of " + y.numCols + " reals, the codebook's"
                    + " have " + width);
        }
        if (decisions.length < y.numRows || (labels != null && labels.length < y.numRows)) {
            throw new IllegalArgumentException("min-distance decoder: " + y.numRows + " rows, but room for "
                    + decisions.length + " decisions" + (labels == null ? "" : " and " + labels.length + " labels"));
        }
        int errors = 0;
        for (int i = 0; i < y.numRows; i++) {
            int best = decideRow(y.data, i * width);
            decisions[i] = best;
            if (labels != null && labels[i] != best) {
                errors++;
            }
        }
        return errors;
    }

    /** The decision for the received row y[off .. off + 2N). */
    private int decideRow(float[] y, int off) {
        return width == 8 ? decideRow8(y, off) : decideRowAnyWidth(y, off);
    }

    /**
     * N = 4 (the default link): the eight received reals are broadcast once and stay in registers,
     * so each block of codewords costs eight loads and multiply-adds, a compare and two blends.
     */
    private int decideRow8(float[] y, int off) {
        FloatVector y0 = FloatVector.broadcast(S, y[off]);
        FloatVector y1 = FloatVector.broadcast(S, y[off + 1]);
        FloatVector y2 = FloatVector.broadcast(S, y[off + 2]);
        FloatVector y3 = FloatVector.broadcast(S, y[off + 3]);
        FloatVector y4 = FloatVector.broadcast(S, y[off + 4]);
        FloatVector y5 = FloatVector.broadcast(S, y[off + 5]);
        FloatVector y6 = FloatVector.broadcast(S, y[off + 6]);
        FloatVector y7 = FloatVector.broadcast(S, y[off + 7]);
        FloatVector best = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector bestBlock = FloatVector.zero(S);
        FloatVector block = FloatVector.zero(S);
        float[] c = codebookT;
        int p = padded;
        for (int k = 0; k < p; k += L) {
            // two chains of four, so that the blocks' multiply-adds overlap
            FloatVector a = FloatVector.fromArray(S, minusHalfEnergy, k);
            a = FloatVector.fromArray(S, c, k).fma(y0, a);
            FloatVector b = FloatVector.fromArray(S, c, p + k).mul(y1);
            a = FloatVector.fromArray(S, c, 2 * p + k).fma(y2, a);
            b = FloatVector.fromArray(S, c, 3 * p + k).fma(y3, b);
            a = FloatVector.fromArray(S, c, 4 * p + k).fma(y4, a);
            b = FloatVector.fromArray(S, c, 5 * p + k).fma(y5, b);
            a = FloatVector.fromArray(S, c, 6 * p + k).fma(y6, a);
            b = FloatVector.fromArray(S, c, 7 * p + k).fma(y7, b);
            FloatVector s = a.add(b);
            VectorMask<Float> higher = s.compare(GT, best);
            best = best.blend(s, higher);
            bestBlock = bestBlock.blend(block, higher);
            block = block.add(L);
        }
        return lowestBest(best, bestBlock);
    }

    /** Any 2N: the same scores, a received real broadcast per block of codewords. */
    private int decideRowAnyWidth(float[] y, int off) {
        FloatVector best = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector bestBlock = FloatVector.zero(S);
        FloatVector block = FloatVector.zero(S);
        for (int k = 0; k < padded; k += L) {
            FloatVector s = FloatVector.fromArray(S, minusHalfEnergy, k);
            for (int j = 0; j < width; j++) {
                s = FloatVector.fromArray(S, codebookT, j * padded + k).fma(FloatVector.broadcast(S, y[off + j]), s);
            }
            VectorMask<Float> higher = s.compare(GT, best);
            best = best.blend(s, higher);
            bestBlock = bestBlock.blend(block, higher);
            block = block.add(L);
        }
        return lowestBest(best, bestBlock);
    }

    /**
     * The lowest codeword index among the lanes that hold the largest score: lane l of bestBlock
     * holds the first block of codewords where lane l reached its largest score.
     */
    private int lowestBest(FloatVector best, FloatVector bestBlock) {
        float max = best.reduceLanes(MAX);
        FloatVector index = bestBlock.add(FloatVector.fromArray(S, iota, 0));
        return (int) index.blend(Float.POSITIVE_INFINITY, best.compare(EQ, max).not()).reduceLanes(MIN);
    }
}
