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

    private float[] a;
    private float[] b;
    private float[] c;
    private int ars;
    private int acs;
    private int k;
    private int n;

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
        return run(a.data, a.numCols, 1, b, c, a.numCols);
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
        return run(a.data, 1, a.numCols, b, c, a.numRows);
    }

    private FMatrixRMaj run(float[] ad, int rowStride, int colStride, FMatrixRMaj bm, FMatrixRMaj cm, int kk) {
        if (ad == cm.data || bm.data == cm.data) {
            throw new IllegalArgumentException("Gemm: the output aliases an input");
        }
        this.a = ad;
        this.b = bm.data;
        this.c = cm.data;
        this.ars = rowStride;
        this.acs = colStride;
        this.k = kk;
        this.n = cm.numCols;
        long macs = (long) cm.numRows * kk * n;
        Parallel.run(this, cm.numRows, 4, macs >= PARALLEL_MIN_MACS);
        this.a = null;
        this.b = null;
        this.c = null;
        return cm;
    }

    @Override
    public void run(int r0, int r1) {
        kernel(a, ars, acs, b, c, k, n, r0, r1);
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
