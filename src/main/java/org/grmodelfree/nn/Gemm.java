package org.grmodelfree.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.ejml.data.FMatrixRMaj;

/**
 * Dense float matrix products with the JDK Vector API: a 4-row by 2-vector register block of
 * fused multiply-adds, split over {@link Parallel} threads by output rows for large products.
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
     * Rows {@code [r0, r1)} of c = A' b, where A'(i, p) = a[i * ars + p * acs], b is k x n and c
     * is (rows) x n, all row-major.
     */
    static void kernel(float[] a, int ars, int acs, float[] b, float[] c, int k, int n, int r0, int r1) {
        int i = r0;
        for (; i + 4 <= r1; i += 4) {
            int a0 = i * ars;
            int a1 = a0 + ars;
            int a2 = a1 + ars;
            int a3 = a2 + ars;
            int c0 = i * n;
            int c1 = c0 + n;
            int c2 = c1 + n;
            int c3 = c2 + n;
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) {
                FloatVector s00 = FloatVector.zero(S);
                FloatVector s01 = s00;
                FloatVector s10 = s00;
                FloatVector s11 = s00;
                FloatVector s20 = s00;
                FloatVector s21 = s00;
                FloatVector s30 = s00;
                FloatVector s31 = s00;
                for (int p = 0, bo = j, ao = 0; p < k; p++, bo += n, ao += acs) {
                    FloatVector b0 = FloatVector.fromArray(S, b, bo);
                    FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
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
                s00.intoArray(c, c0 + j);
                s01.intoArray(c, c0 + j + L);
                s10.intoArray(c, c1 + j);
                s11.intoArray(c, c1 + j + L);
                s20.intoArray(c, c2 + j);
                s21.intoArray(c, c2 + j + L);
                s30.intoArray(c, c3 + j);
                s31.intoArray(c, c3 + j + L);
            }
            for (; j + L <= n; j += L) {
                FloatVector s0 = FloatVector.zero(S);
                FloatVector s1 = s0;
                FloatVector s2 = s0;
                FloatVector s3 = s0;
                for (int p = 0, bo = j, ao = 0; p < k; p++, bo += n, ao += acs) {
                    FloatVector bv = FloatVector.fromArray(S, b, bo);
                    s0 = FloatVector.broadcast(S, a[a0 + ao]).fma(bv, s0);
                    s1 = FloatVector.broadcast(S, a[a1 + ao]).fma(bv, s1);
                    s2 = FloatVector.broadcast(S, a[a2 + ao]).fma(bv, s2);
                    s3 = FloatVector.broadcast(S, a[a3 + ao]).fma(bv, s3);
                }
                s0.intoArray(c, c0 + j);
                s1.intoArray(c, c1 + j);
                s2.intoArray(c, c2 + j);
                s3.intoArray(c, c3 + j);
            }
            for (; j < n; j++) {
                float s0 = 0;
                float s1 = 0;
                float s2 = 0;
                float s3 = 0;
                for (int p = 0, bo = j, ao = 0; p < k; p++, bo += n, ao += acs) {
                    float bv = b[bo];
                    s0 += a[a0 + ao] * bv;
                    s1 += a[a1 + ao] * bv;
                    s2 += a[a2 + ao] * bv;
                    s3 += a[a3 + ao] * bv;
                }
                c[c0 + j] = s0;
                c[c1 + j] = s1;
                c[c2 + j] = s2;
                c[c3 + j] = s3;
            }
        }
        for (; i < r1; i++) {
            int a0 = i * ars;
            int c0 = i * n;
            int j = 0;
            for (; j + L <= n; j += L) {
                FloatVector s0 = FloatVector.zero(S);
                for (int p = 0, bo = j, ao = a0; p < k; p++, bo += n, ao += acs) {
                    s0 = FloatVector.broadcast(S, a[ao]).fma(FloatVector.fromArray(S, b, bo), s0);
                }
                s0.intoArray(c, c0 + j);
            }
            for (; j < n; j++) {
                float s0 = 0;
                for (int p = 0, bo = j, ao = a0; p < k; p++, bo += n, ao += acs) {
                    s0 += a[ao] * b[bo];
                }
                c[c0 + j] = s0;
            }
        }
    }
}
