package org.grmodelfree.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.ejml.data.FMatrixRMaj;

/**
 * Dense float matrix products with the JDK Vector API: a 4-row by 2-vector register block of
 * fused multiply-adds ({@link #block4}, which comm.PrunedDecoder's hidden layer shares), split
 * over {@link Parallel} threads by output rows for large products.
 *
 * <p>An instance holds the arguments of the product it is computing, so that the parallel
 * dispatch allocates nothing; keep one instance per call site (e.g. per layer). Outputs are
 * overwritten, never accumulated, and must not alias an input.
 */
public final class Gemm implements Parallel.RangeTask {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Products smaller than this many multiply-adds run on the calling thread. */
    private static final long PARALLEL_MIN_MACS = 1L << 19;
    /**
     * With 16-lane vectors (AVX-512, 32 vector registers) the register block is 6 rows by 4
     * vectors ({@link #block6x4}); with fewer lanes, whose machines have 16 registers, 4 rows by 2
     * vectors ({@link #block4}).
     */
    private static final boolean WIDE = L >= 16;
    /** Columns of a panel of B: the register block's width. */
    private static final int NR = WIDE ? 4 * L : 2 * L;
    /** Rows of A per register block. */
    private static final int MR = WIDE ? 6 : 4;
    /**
     * Depth of one packed block of B: a panel of NR columns over PKC rows (64 KB with 16-lane
     * vectors), read in order, so the prefetcher keeps it coming from L2 while every row of A
     * passes over it (256 was faster than 128 or 64, measured).
     */
    private static final int PKC = 256;

    private float[] a;
    private float[] b;
    private float[] c;
    private float[] bias;
    private float[] colSums;
    private int ars;
    private int acs;
    private int brs;
    private int bcs;
    private int m;
    private int k;
    private int n;
    /**
     * Packed panels of B, PKC x n: each chunk of columns packs into its own part; then, when n is
     * not a whole number of vectors, the tail columns' panel (PKC x L, zero-padded) and four rows
     * of scratch for them. Grows, never shrinks.
     */
    private float[] packed = new float[0];

    /**
     * c = a b.
     *
     * @param a m x k, not modified
     * @param b k x n, not modified
     * @param c m x n, modified
     */
    public FMatrixRMaj mult(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        check(a.numCols == b.numRows && c.numRows == a.numRows && c.numCols == b.numCols,
                "mult", a, b, c);
        return run(a, a.numCols, 1, b, b.numCols, 1, c, a.numCols, null, null);
    }

    /**
     * c = a b + bias (bias added to every row), element for element the value {@link #mult} gives
     * with the bias then added in one float addition (as {@link Activations#addRowVector} adds it),
     * in one pass over c.
     *
     * @param a m x k, not modified
     * @param b k x n, not modified
     * @param bias 1 x n (n elements), not modified
     * @param c m x n, modified
     */
    public FMatrixRMaj multAddRow(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj bias, FMatrixRMaj c) {
        check(a.numCols == b.numRows && c.numRows == a.numRows && c.numCols == b.numCols
                && bias.getNumElements() == b.numCols, "multAddRow", a, b, c);
        return run(a, a.numCols, 1, b, b.numCols, 1, c, a.numCols, bias.data, null);
    }

    /**
     * c = a<sup>T</sup> b.
     *
     * @param a k x m, not modified
     * @param b k x n, not modified
     * @param c m x n, modified
     */
    public FMatrixRMaj multTransA(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        check(a.numRows == b.numRows && c.numRows == a.numCols && c.numCols == b.numCols,
                "multTransA", a, b, c);
        return run(a, 1, a.numCols, b, b.numCols, 1, c, a.numRows, null, null);
    }

    /**
     * c = a<sup>T</sup> b, and the sums of b's columns into colSums, each exactly as
     * {@link Activations#sumRows} computes it (from zero, adding the rows in order); read from b
     * while it is packed for the product.
     *
     * @param a k x m, not modified
     * @param b k x n, not modified
     * @param c m x n, modified
     * @param colSums 1 x n (n elements), modified
     */
    public FMatrixRMaj multTransA(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, FMatrixRMaj colSums) {
        check(a.numRows == b.numRows && c.numRows == a.numCols && c.numCols == b.numCols
                && colSums.getNumElements() == b.numCols, "multTransA", a, b, c);
        return run(a, 1, a.numCols, b, b.numCols, 1, c, a.numRows, null, colSums.data);
    }

    /**
     * c = a b<sup>T</sup>, element for element what {@link #mult} gives with b's transpose.
     *
     * @param a m x k, not modified
     * @param b n x k, not modified
     * @param c m x n, modified
     */
    public FMatrixRMaj multTransB(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        check(a.numCols == b.numCols && c.numRows == a.numRows && c.numCols == b.numRows,
                "multTransB", a, b, c);
        return run(a, a.numCols, 1, b, 1, b.numCols, c, a.numCols, null, null);
    }

    private FMatrixRMaj run(FMatrixRMaj am, int aRowStride, int aColStride, FMatrixRMaj bm, int bRowStride,
                            int bColStride, FMatrixRMaj cm, int kk, float[] rowBias, float[] sums) {
        if (am.data == cm.data || bm.data == cm.data) {
            throw new IllegalArgumentException("Gemm: the output aliases an input");
        }
        if (sums != null && (sums == cm.data || sums == am.data || sums == bm.data)) {
            throw new IllegalArgumentException("Gemm: the column sums alias a matrix");
        }
        this.a = am.data;
        this.b = bm.data;
        this.c = cm.data;
        this.bias = rowBias;
        this.colSums = sums;
        this.ars = aRowStride;
        this.acs = aColStride;
        this.brs = bRowStride;
        this.bcs = bColStride;
        this.m = cm.numRows;
        this.k = kk;
        this.n = cm.numCols;
        int tailCols = n % L;
        int need = tailCols == 0 ? PKC * n : PKC * (n - tailCols + L) + 4 * L;
        if (packed.length < need) {
            packed = new float[need];
        }
        long macs = (long) m * kk * n;
        // Split by columns: each chunk packs its own panels of B, and no element depends on the split.
        Parallel.run(this, n, NR, macs >= PARALLEL_MIN_MACS);
        this.a = null;
        this.b = null;
        this.c = null;
        this.bias = null;
        this.colSums = null;
        return cm;
    }

    /** Columns {@code [j0, j1)} of the current product, every row. */
    @Override
    public void run(int j0, int j1) {
        float[] pb = packed;
        int vecEnd = n - n % L;
        int jv = Math.min(j1, vecEnd);
        int region = j0 * PKC;
        if (colSums != null) {
            java.util.Arrays.fill(colSums, j0, j1, 0f);
        }
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                for (int j = j0; j < j1; j++) {
                    c[i * n + j] = bias == null ? 0f : 0f + bias[j];
                }
            }
            return;
        }
        // With few rows each panel of B serves one or two register blocks: then B is read in place.
        boolean direct = bcs == 1 && m <= 2 * MR;
        for (int pc = 0; pc < k; pc += PKC) {
            int kc = Math.min(PKC, k - pc);
            boolean acc = pc > 0;
            boolean last = pc + kc == k;
            int j = j0;
            while (j < jv) {
                int w = Math.min(NR, jv - j);
                if (direct) {
                    int bo = pc * brs + j;
                    if (colSums != null) {
                        addColumns(b, bo, brs, kc, j, w);
                    }
                    panel(b, bo, brs, w, kc, pc, j, acc, last);
                } else {
                    int off = region + (j - j0) * kc;
                    pack(pc, kc, j, w, w, pb, off);
                    panel(pb, off, w, w, kc, pc, j, acc, last);
                }
                j += w;
            }
            if (j < j1) {
                // only the last chunk has the tail, so its panel and scratch past the others' are its own
                int off = PKC * vecEnd;
                pack(pc, kc, j, j1 - j, L, pb, off);
                tail(pb, off, j1 - j, kc, pc, j, acc, last, off + PKC * L);
            }
        }
    }

    /**
     * Copies B(pc .. pc+kc, j .. j+w) row by row into pb[off ..] (row p at off + p stride, zeros
     * from w to stride), and adds each column into colSums when they are wanted (rows in order).
     */
    private void pack(int pc, int kc, int j, int w, int stride, float[] pb, int off) {
        float[] bd = b;
        if (bcs == 1) {
            int vw = w - w % L;
            for (int p = 0, src = pc * brs + j, dst = off; p < kc; p++, src += brs, dst += stride) {
                int q = 0;
                for (; q < vw; q += L) {
                    FloatVector.fromArray(S, bd, src + q).intoArray(pb, dst + q);
                }
                for (; q < w; q++) {
                    pb[dst + q] = bd[src + q];
                }
            }
        } else {
            for (int q = 0; q < w; q++) {
                for (int p = 0, src = pc * brs + (j + q) * bcs, dst = off + q; p < kc; p++, src += brs,
                        dst += stride) {
                    pb[dst] = bd[src];
                }
            }
        }
        if (stride > w) {
            for (int p = 0, dst = off; p < kc; p++, dst += stride) {
                java.util.Arrays.fill(pb, dst + w, dst + stride, 0f);
            }
        }
        if (colSums != null) {
            addColumns(pb, off, stride, kc, j, w);
        }
    }

    /**
     * colSums[j + q] += src[off + p stride + q] for p = 0, 1, .. kc - 1 in order, q &lt; w: four
     * vectors of sums at a time in registers.
     */
    private void addColumns(float[] src, int off, int stride, int kc, int j, int w) {
        float[] sums = colSums;
        int q = 0;
        for (; q + 4 * L <= w; q += 4 * L) {
            FloatVector v0 = FloatVector.fromArray(S, sums, j + q);
            FloatVector v1 = FloatVector.fromArray(S, sums, j + q + L);
            FloatVector v2 = FloatVector.fromArray(S, sums, j + q + 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, sums, j + q + 3 * L);
            for (int p = 0, o = off + q; p < kc; p++, o += stride) {
                v0 = v0.add(FloatVector.fromArray(S, src, o));
                v1 = v1.add(FloatVector.fromArray(S, src, o + L));
                v2 = v2.add(FloatVector.fromArray(S, src, o + 2 * L));
                v3 = v3.add(FloatVector.fromArray(S, src, o + 3 * L));
            }
            v0.intoArray(sums, j + q);
            v1.intoArray(sums, j + q + L);
            v2.intoArray(sums, j + q + 2 * L);
            v3.intoArray(sums, j + q + 3 * L);
        }
        for (; q + L <= w; q += L) {
            FloatVector v = FloatVector.fromArray(S, sums, j + q);
            for (int p = 0, o = off + q; p < kc; p++, o += stride) {
                v = v.add(FloatVector.fromArray(S, src, o));
            }
            v.intoArray(sums, j + q);
        }
        for (; q < w; q++) {
            float v = sums[j + q];
            for (int p = 0, o = off + q; p < kc; p++, o += stride) {
                v += src[o];
            }
            sums[j + q] = v;
        }
    }

    /**
     * Every row of c's columns [j, j + w) (w a multiple of L, at most NR) over depth [pc, pc + kc),
     * B's rows at {@code bo + p bs} of {@code src} (the packed panel, or B itself): MR rows at a
     * time in registers, then four, then one; the bias added after the last block of depth.
     */
    private void panel(float[] src, int bo, int bs, int w, int kc, int pc, int j, boolean acc, boolean last) {
        float[] ad = a;
        float[] cd = c;
        int i = 0;
        int a0 = pc * acs;
        float[] rowBias = last ? bias : null;
        if (WIDE && w == NR) {
            for (; i + 6 <= m; i += 6) {
                block6x4(ad, a0 + i * ars, ars, acs, kc, src, bo, bs, cd, i * n + j, n, acc, rowBias, j);
            }
        }
        for (; i + 4 <= m; i += 4) {
            int ai = a0 + i * ars;
            int ci = i * n + j;
            block4(ad, ai, ai + ars, ai + 2 * ars, ai + 3 * ars, acs, kc, src, bo, bs, w, cd, ci, ci + n, ci + 2 * n,
                    ci + 3 * n, L, acc);
            if (rowBias != null) {
                addBias(cd, ci, w, rowBias, j, 4);
            }
        }
        for (; i < m; i++) {
            int ci = i * n + j;
            int q = 0;
            for (; q + 2 * L <= w; q += 2 * L) { // two chains: the multiply-adds' latency half covered
                FloatVector s0 = acc ? FloatVector.fromArray(S, cd, ci + q) : FloatVector.zero(S);
                FloatVector s1 = acc ? FloatVector.fromArray(S, cd, ci + q + L) : FloatVector.zero(S);
                for (int p = 0, bp = bo + q, ao = a0 + i * ars; p < kc; p++, bp += bs, ao += acs) {
                    FloatVector x = FloatVector.broadcast(S, ad[ao]);
                    s0 = x.fma(FloatVector.fromArray(S, src, bp), s0);
                    s1 = x.fma(FloatVector.fromArray(S, src, bp + L), s1);
                }
                s0.intoArray(cd, ci + q);
                s1.intoArray(cd, ci + q + L);
            }
            for (; q < w; q += L) {
                FloatVector s = acc ? FloatVector.fromArray(S, cd, ci + q) : FloatVector.zero(S);
                for (int p = 0, bp = bo + q, ao = a0 + i * ars; p < kc; p++, bp += bs, ao += acs) {
                    s = FloatVector.broadcast(S, ad[ao]).fma(FloatVector.fromArray(S, src, bp), s);
                }
                s.intoArray(cd, ci + q);
            }
            if (rowBias != null) {
                addBias(cd, ci, w, rowBias, j, 1);
            }
        }
    }

    /** c[ci + r n + q] += bias[j + q] for r &lt; rows and q &lt; w (w a multiple of L). */
    private void addBias(float[] cd, int ci, int w, float[] rowBias, int j, int rows) {
        for (int r = 0; r < rows; r++) {
            for (int q = 0; q < w; q += L) {
                FloatVector.fromArray(S, cd, ci + r * n + q).add(FloatVector.fromArray(S, rowBias, j + q))
                        .intoArray(cd, ci + r * n + q);
            }
        }
    }

    /**
     * The register block of the products: 6 rows of A' (row r at {@code a0 + r ars}, element p at
     * {@code + p acs}) times 4 vectors' width of B (row p at {@code bo + p bs}) over depth kc, in
     * 24 accumulators of fused multiply-adds in order of p, from zero or from c's values when
     * {@code acc}; then the bias, when given, added in one float addition. Unrolled by hand so that
     * the accumulators stay in registers (24 of the 32 vector registers with AVX-512, which
     * leaves room for the 4 vectors of B and the broadcast of A); 6 broadcasts per 24
     * multiply-adds kept it faster than 8 x 2 or 4 x 4 on Zen 4 (measured, docs/performance.md).
     */
    private static void block6x4(float[] a, int a0, int ars, int acs, int kc, float[] b, int bo, int bs, float[] c,
                                   int c0, int ldc, boolean acc, float[] rowBias, int j) {
        FloatVector s00;
        FloatVector s01;
        FloatVector s02;
        FloatVector s03;
        FloatVector s10;
        FloatVector s11;
        FloatVector s12;
        FloatVector s13;
        FloatVector s20;
        FloatVector s21;
        FloatVector s22;
        FloatVector s23;
        FloatVector s30;
        FloatVector s31;
        FloatVector s32;
        FloatVector s33;
        FloatVector s40;
        FloatVector s41;
        FloatVector s42;
        FloatVector s43;
        FloatVector s50;
        FloatVector s51;
        FloatVector s52;
        FloatVector s53;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        if (acc) {
            s00 = FloatVector.fromArray(S, c, c0);
            s01 = FloatVector.fromArray(S, c, c0 + L);
            s02 = FloatVector.fromArray(S, c, c0 + 2 * L);
            s03 = FloatVector.fromArray(S, c, c0 + 3 * L);
            s10 = FloatVector.fromArray(S, c, c1);
            s11 = FloatVector.fromArray(S, c, c1 + L);
            s12 = FloatVector.fromArray(S, c, c1 + 2 * L);
            s13 = FloatVector.fromArray(S, c, c1 + 3 * L);
            s20 = FloatVector.fromArray(S, c, c2);
            s21 = FloatVector.fromArray(S, c, c2 + L);
            s22 = FloatVector.fromArray(S, c, c2 + 2 * L);
            s23 = FloatVector.fromArray(S, c, c2 + 3 * L);
            s30 = FloatVector.fromArray(S, c, c3);
            s31 = FloatVector.fromArray(S, c, c3 + L);
            s32 = FloatVector.fromArray(S, c, c3 + 2 * L);
            s33 = FloatVector.fromArray(S, c, c3 + 3 * L);
            s40 = FloatVector.fromArray(S, c, c4);
            s41 = FloatVector.fromArray(S, c, c4 + L);
            s42 = FloatVector.fromArray(S, c, c4 + 2 * L);
            s43 = FloatVector.fromArray(S, c, c4 + 3 * L);
            s50 = FloatVector.fromArray(S, c, c5);
            s51 = FloatVector.fromArray(S, c, c5 + L);
            s52 = FloatVector.fromArray(S, c, c5 + 2 * L);
            s53 = FloatVector.fromArray(S, c, c5 + 3 * L);
        } else {
            s00 = FloatVector.zero(S);
            s01 = s00;
            s02 = s00;
            s03 = s00;
            s10 = s00;
            s11 = s00;
            s12 = s00;
            s13 = s00;
            s20 = s00;
            s21 = s00;
            s22 = s00;
            s23 = s00;
            s30 = s00;
            s31 = s00;
            s32 = s00;
            s33 = s00;
            s40 = s00;
            s41 = s00;
            s42 = s00;
            s43 = s00;
            s50 = s00;
            s51 = s00;
            s52 = s00;
            s53 = s00;
        }
        int a1 = a0 + ars;
        int a2 = a1 + ars;
        int a3 = a2 + ars;
        int a4 = a3 + ars;
        int a5 = a4 + ars;
        for (int p = 0, bp = bo, ao = 0; p < kc; p++, bp += bs, ao += acs) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bp + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + ao]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            s02 = x.fma(b2, s02);
            s03 = x.fma(b3, s03);
            x = FloatVector.broadcast(S, a[a1 + ao]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            s12 = x.fma(b2, s12);
            s13 = x.fma(b3, s13);
            x = FloatVector.broadcast(S, a[a2 + ao]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            s22 = x.fma(b2, s22);
            s23 = x.fma(b3, s23);
            x = FloatVector.broadcast(S, a[a3 + ao]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            s32 = x.fma(b2, s32);
            s33 = x.fma(b3, s33);
            x = FloatVector.broadcast(S, a[a4 + ao]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
            s42 = x.fma(b2, s42);
            s43 = x.fma(b3, s43);
            x = FloatVector.broadcast(S, a[a5 + ao]);
            s50 = x.fma(b0, s50);
            s51 = x.fma(b1, s51);
            s52 = x.fma(b2, s52);
            s53 = x.fma(b3, s53);
        }
        if (rowBias != null) {
            FloatVector bb0 = FloatVector.fromArray(S, rowBias, j);
            FloatVector bb1 = FloatVector.fromArray(S, rowBias, j + L);
            FloatVector bb2 = FloatVector.fromArray(S, rowBias, j + 2 * L);
            FloatVector bb3 = FloatVector.fromArray(S, rowBias, j + 3 * L);
            s00 = s00.add(bb0);
            s01 = s01.add(bb1);
            s02 = s02.add(bb2);
            s03 = s03.add(bb3);
            s10 = s10.add(bb0);
            s11 = s11.add(bb1);
            s12 = s12.add(bb2);
            s13 = s13.add(bb3);
            s20 = s20.add(bb0);
            s21 = s21.add(bb1);
            s22 = s22.add(bb2);
            s23 = s23.add(bb3);
            s30 = s30.add(bb0);
            s31 = s31.add(bb1);
            s32 = s32.add(bb2);
            s33 = s33.add(bb3);
            s40 = s40.add(bb0);
            s41 = s41.add(bb1);
            s42 = s42.add(bb2);
            s43 = s43.add(bb3);
            s50 = s50.add(bb0);
            s51 = s51.add(bb1);
            s52 = s52.add(bb2);
            s53 = s53.add(bb3);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s02.intoArray(c, c0 + 2 * L);
        s03.intoArray(c, c0 + 3 * L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s12.intoArray(c, c1 + 2 * L);
        s13.intoArray(c, c1 + 3 * L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s22.intoArray(c, c2 + 2 * L);
        s23.intoArray(c, c2 + 3 * L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s32.intoArray(c, c3 + 2 * L);
        s33.intoArray(c, c3 + 3 * L);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + L);
        s42.intoArray(c, c4 + 2 * L);
        s43.intoArray(c, c4 + 3 * L);
        s50.intoArray(c, c5);
        s51.intoArray(c, c5 + L);
        s52.intoArray(c, c5 + 2 * L);
        s53.intoArray(c, c5 + 3 * L);
    }

    /**
     * The tail columns [j, j + w), w &lt; L, from their zero-padded panel (row p at off + p L):
     * each element accumulated with a separate multiply and add in order of p, the arithmetic of
     * {@link #productElement} there, four rows at a time in whole vectors (the padding lanes are
     * computed and dropped; narrower species would make the JDK's vector code polymorphic, and
     * then slow everywhere). The rows' values pass through {@code scratch} (4 L floats of pb); the
     * bias is added after the last block of depth.
     */
    private void tail(float[] pb, int off, int w, int kc, int pc, int j, boolean acc, boolean last, int scratch) {
        float[] ad = a;
        float[] cd = c;
        float[] rowBias = last ? bias : null;
        int a0 = pc * acs;
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            FloatVector s0;
            FloatVector s1;
            FloatVector s2;
            FloatVector s3;
            if (acc) {
                for (int r = 0; r < 4; r++) {
                    System.arraycopy(cd, (i + r) * n + j, pb, scratch + r * L, w);
                }
                s0 = FloatVector.fromArray(S, pb, scratch);
                s1 = FloatVector.fromArray(S, pb, scratch + L);
                s2 = FloatVector.fromArray(S, pb, scratch + 2 * L);
                s3 = FloatVector.fromArray(S, pb, scratch + 3 * L);
            } else {
                s0 = FloatVector.zero(S);
                s1 = s0;
                s2 = s0;
                s3 = s0;
            }
            int r0 = a0 + i * ars;
            int r1 = r0 + ars;
            int r2 = r1 + ars;
            int r3 = r2 + ars;
            for (int p = 0, bo = off, ao = 0; p < kc; p++, bo += L, ao += acs) {
                FloatVector bv = FloatVector.fromArray(S, pb, bo);
                s0 = s0.add(bv.mul(ad[r0 + ao]));
                s1 = s1.add(bv.mul(ad[r1 + ao]));
                s2 = s2.add(bv.mul(ad[r2 + ao]));
                s3 = s3.add(bv.mul(ad[r3 + ao]));
            }
            s0.intoArray(pb, scratch);
            s1.intoArray(pb, scratch + L);
            s2.intoArray(pb, scratch + 2 * L);
            s3.intoArray(pb, scratch + 3 * L);
            for (int r = 0; r < 4; r++) {
                tailOut(pb, scratch + r * L, cd, (i + r) * n + j, w, rowBias, j);
            }
        }
        for (; i < m; i++) {
            int ci = i * n + j;
            FloatVector s0;
            if (acc) {
                System.arraycopy(cd, ci, pb, scratch, w);
                s0 = FloatVector.fromArray(S, pb, scratch);
            } else {
                s0 = FloatVector.zero(S);
            }
            for (int p = 0, bo = off, ao = a0 + i * ars; p < kc; p++, bo += L, ao += acs) {
                s0 = s0.add(FloatVector.fromArray(S, pb, bo).mul(ad[ao]));
            }
            s0.intoArray(pb, scratch);
            tailOut(pb, scratch, cd, ci, w, rowBias, j);
        }
    }

    /** c[ci + q] = scratch[q] (+ bias[j + q], one float addition) for q &lt; w. */
    private static void tailOut(float[] pb, int from, float[] cd, int ci, int w, float[] rowBias, int j) {
        if (rowBias == null) {
            System.arraycopy(pb, from, cd, ci, w);
        } else {
            for (int q = 0; q < w; q++) {
                cd[ci + q] = pb[from + q] + rowBias[j + q];
            }
        }
    }

    private static void check(boolean ok, String op, FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        if (!ok) {
            throw new IllegalArgumentException(String.format("Gemm.%s: shapes %dx%d, %dx%d -> %dx%d do not fit",
                    op, a.numRows, a.numCols, b.numRows, b.numCols, c.numRows, c.numCols));
        }
    }

    /**
     * One element of {@link #mult}'s product, with exactly its arithmetic: c(i, j) = sum over p of
     * a(i, p) b(p, j), accumulated from zero in order of p, with fused multiply-adds in the columns
     * the kernel vectorises and separate multiply and add in its scalar tail columns. So the result
     * is bit for bit the value {@code mult} writes, whatever the thread split; exact
     * re-evaluations of single outputs (see comm.PrunedDecoder) rely on it.
     *
     * @param a row-major, row i of A starting at {@code aOffset}, k elements; not modified
     * @param b k x n row-major; not modified
     */
    public static float productElement(float[] a, int aOffset, float[] b, int k, int n, int j) {
        float s = 0f;
        if (j < n - n % L) {
            for (int p = 0, bo = j; p < k; p++, bo += n) {
                s = Math.fma(a[aOffset + p], b[bo], s);
            }
        } else {
            for (int p = 0, bo = j; p < k; p++, bo += n) {
                s += a[aOffset + p] * b[bo];
            }
        }
        return s;
    }

    /** Depth of one k-block: a 16-wide panel of b over this many rows fits the L1 cache. */
    private static final int KC = 128;

    /**
     * Rows {@code [r0, r1)} of c = A' b, where A'(i, p) = a[i * ars + p * acs], b is k x n and c
     * is (rows) x n, all row-major. The depth is blocked by {@link #KC} and the loop runs over
     * column panels outside row blocks, so each panel of b stays in L1 while every row block uses
     * it.
     */
    static void kernel(float[] a, int ars, int acs, float[] b, float[] c, int k, int n, int r0, int r1) {
        if (k == 0) {
            for (int i = r0; i < r1; i++) {
                java.util.Arrays.fill(c, i * n, i * n + n, 0f);
            }
            return;
        }
        for (int p0 = 0; p0 < k; p0 += KC) {
            int p1 = Math.min(k, p0 + KC);
            boolean acc = p0 > 0;
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) {
                int i = r0;
                for (; i + 4 <= r1; i += 4) {
                    block4x16(a, ars, acs, b, c, n, i, j, p0, p1, acc);
                }
                for (; i < r1; i++) {
                    row8(a, ars, acs, b, c, n, i, j, p0, p1, acc);
                    row8(a, ars, acs, b, c, n, i, j + L, p0, p1, acc);
                }
            }
            for (; j + L <= n; j += L) {
                int i = r0;
                for (; i + 4 <= r1; i += 4) {
                    block4x8(a, ars, acs, b, c, n, i, j, p0, p1, acc);
                }
                for (; i < r1; i++) {
                    row8(a, ars, acs, b, c, n, i, j, p0, p1, acc);
                }
            }
            for (; j < n; j++) {
                for (int i = r0; i < r1; i++) {
                    float s = acc ? c[i * n + j] : 0f;
                    for (int p = p0, ao = i * ars + p0 * acs; p < p1; p++, ao += acs) {
                        s += a[ao] * b[p * n + j];
                    }
                    c[i * n + j] = s;
                }
            }
        }
    }

    private static void block4x16(float[] a, int ars, int acs, float[] b, float[] c, int n, int i, int j,
                                  int p0, int p1, boolean acc) {
        int c0 = i * n + j;
        int a0 = i * ars + p0 * acs;
        block4(a, a0, a0 + ars, a0 + 2 * ars, a0 + 3 * ars, acs, p1 - p0, b, p0 * n + j, n, 2 * L,
                c, c0, c0 + n, c0 + 2 * n, c0 + 3 * n, L, acc);
    }

    private static void block4x8(float[] a, int ars, int acs, float[] b, float[] c, int n, int i, int j,
                                 int p0, int p1, boolean acc) {
        int c0 = i * n + j;
        int a0 = i * ars + p0 * acs;
        block4(a, a0, a0 + ars, a0 + 2 * ars, a0 + 3 * ars, acs, p1 - p0, b, p0 * n + j, n, L,
                c, c0, c0 + n, c0 + 2 * n, c0 + 3 * n, L, acc);
    }

    /**
     * The register block of the products: four rows of A times {@code cols} columns of b (a
     * multiple of the vector width L), two vectors' width at a time in eight accumulators of fused
     * multiply-adds (then one vector's width in four), each in order of p from zero, or from c's
     * values when {@code acc}: the arithmetic of {@link #mult}, element for element.
     *
     * <p>For r = 0..3, with row r of A at {@code ar} (element p at {@code ar + p * acs}) and its
     * output at {@code cr}: c[cr + q cStride + e] = sum over p &lt; k of
     * A(r, p) b[bo + p n + q L + e] for each chunk q of L columns and e &lt; L. The rows and outputs
     * may lie anywhere: {@link #mult} writes rows of c (cStride = L), comm.PrunedKernel reads the
     * rows of a batch in any order and writes panels (cStride = 4 L). One call covers all the
     * columns, as the method is too large for the compiler to inline (a call per pair of vectors
     * cost the pruned decoder about 5 % more time per decision, measured). The four rows and two
     * vectors are unrolled by hand, deliberately: eight accumulators keep the fused
     * multiply-adds' latency covered, and vectors cannot be passed to a helper without the risk of
     * its not being inlined (then they are boxed).
     *
     * @param a not modified
     * @param b not modified
     * @param c modified; must not alias a or b
     */
    public static void block4(float[] a, int a0, int a1, int a2, int a3, int acs, int k, float[] b, int bo, int n,
                              int cols, float[] c, int c0, int c1, int c2, int c3, int cStride, boolean acc) {
        int q = 0;
        for (; q + 2 * L <= cols; q += 2 * L, bo += 2 * L, c0 += 2 * cStride, c1 += 2 * cStride,
                c2 += 2 * cStride, c3 += 2 * cStride) {
            FloatVector s00;
            FloatVector s01;
            FloatVector s10;
            FloatVector s11;
            FloatVector s20;
            FloatVector s21;
            FloatVector s30;
            FloatVector s31;
            if (acc) {
                s00 = FloatVector.fromArray(S, c, c0);
                s01 = FloatVector.fromArray(S, c, c0 + cStride);
                s10 = FloatVector.fromArray(S, c, c1);
                s11 = FloatVector.fromArray(S, c, c1 + cStride);
                s20 = FloatVector.fromArray(S, c, c2);
                s21 = FloatVector.fromArray(S, c, c2 + cStride);
                s30 = FloatVector.fromArray(S, c, c3);
                s31 = FloatVector.fromArray(S, c, c3 + cStride);
            } else {
                s00 = FloatVector.zero(S);
                s01 = s00;
                s10 = s00;
                s11 = s00;
                s20 = s00;
                s21 = s00;
                s30 = s00;
                s31 = s00;
            }
            for (int p = 0, bp = bo, ao = 0; p < k; p++, bp += n, ao += acs) {
                FloatVector b0 = FloatVector.fromArray(S, b, bp);
                FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
                FloatVector x = FloatVector.broadcast(S, a[a0 + ao]);
                s00 = x.fma(b0, s00);
                s01 = x.fma(b1, s01);
                x = FloatVector.broadcast(S, a[a1 + ao]);
                s10 = x.fma(b0, s10);
                s11 = x.fma(b1, s11);
                x = FloatVector.broadcast(S, a[a2 + ao]);
                s20 = x.fma(b0, s20);
                s21 = x.fma(b1, s21);
                x = FloatVector.broadcast(S, a[a3 + ao]);
                s30 = x.fma(b0, s30);
                s31 = x.fma(b1, s31);
            }
            s00.intoArray(c, c0);
            s01.intoArray(c, c0 + cStride);
            s10.intoArray(c, c1);
            s11.intoArray(c, c1 + cStride);
            s20.intoArray(c, c2);
            s21.intoArray(c, c2 + cStride);
            s30.intoArray(c, c3);
            s31.intoArray(c, c3 + cStride);
        }
        for (; q + L <= cols; q += L, bo += L, c0 += cStride, c1 += cStride, c2 += cStride, c3 += cStride) {
            FloatVector s0 = acc ? FloatVector.fromArray(S, c, c0) : FloatVector.zero(S);
            FloatVector s1 = acc ? FloatVector.fromArray(S, c, c1) : FloatVector.zero(S);
            FloatVector s2 = acc ? FloatVector.fromArray(S, c, c2) : FloatVector.zero(S);
            FloatVector s3 = acc ? FloatVector.fromArray(S, c, c3) : FloatVector.zero(S);
            for (int p = 0, bp = bo, ao = 0; p < k; p++, bp += n, ao += acs) {
                FloatVector bv = FloatVector.fromArray(S, b, bp);
                s0 = FloatVector.broadcast(S, a[a0 + ao]).fma(bv, s0);
                s1 = FloatVector.broadcast(S, a[a1 + ao]).fma(bv, s1);
                s2 = FloatVector.broadcast(S, a[a2 + ao]).fma(bv, s2);
                s3 = FloatVector.broadcast(S, a[a3 + ao]).fma(bv, s3);
            }
            s0.intoArray(c, c0);
            s1.intoArray(c, c1);
            s2.intoArray(c, c2);
            s3.intoArray(c, c3);
        }
    }

    private static void row8(float[] a, int ars, int acs, float[] b, float[] c, int n, int i, int j,
                             int p0, int p1, boolean acc) {
        int c0 = i * n + j;
        FloatVector s0 = acc ? FloatVector.fromArray(S, c, c0) : FloatVector.zero(S);
        for (int p = p0, bo = p0 * n + j, ao = i * ars + p0 * acs; p < p1; p++, bo += n, ao += acs) {
            s0 = FloatVector.broadcast(S, a[ao]).fma(FloatVector.fromArray(S, b, bo), s0);
        }
        s0.intoArray(c, c0);
    }
}
