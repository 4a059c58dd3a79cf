package org.grmodelfree.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import java.util.stream.Stream;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Gemm against a double-precision naive product, over shapes that hit every kernel branch. */
class GemmTest {

    private final Random rand = new Random(345);

    /** (m, k, n): c is m x n, the inner dimension k. */
    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(1, 1, 1),
                Arguments.of(3, 5, 7),
                Arguments.of(5, 17, 9),
                Arguments.of(13, 8, 33),
                Arguments.of(4, 3, 2),     // n = 2, one full row block
                Arguments.of(7, 9, 5),     // n < 8, remainder rows
                Arguments.of(8, 4, 8),     // n = 8: one vector
                Arguments.of(9, 6, 16),    // n = 16: one double vector
                Arguments.of(11, 7, 20),   // n = 20: double vector + tail
                Arguments.of(6, 1, 24),    // k = 1
                Arguments.of(2, 31, 1),    // n = 1, only the scalar tail
                Arguments.of(17, 0, 6),    // k = 0: output must be zeroed
                Arguments.of(64, 128, 96), // above the parallel threshold
                Arguments.of(101, 67, 43)); // parallel with ragged splits
    }

    @ParameterizedTest(name = "mult {0}x{1} * {1}x{2}")
    @MethodSource("shapes")
    void multMatchesNaiveDoubleProduct(int m, int k, int n) {
        FMatrixRMaj a = random(m, k);
        FMatrixRMaj b = random(k, n);
        FMatrixRMaj aCopy = a.copy();
        FMatrixRMaj bCopy = b.copy();
        FMatrixRMaj c = filled(m, n, Float.NaN); // must be overwritten, not accumulated
        assertSame(c, new Gemm().mult(a, b, c));
        assertClose(naive(a, b, false), absProducts(a, b, false), c);
        assertArrayEquals(aCopy.data, a.data, "a modified");
        assertArrayEquals(bCopy.data, b.data, "b modified");
    }

    @ParameterizedTest(name = "productElement {0}x{1} * {1}x{2}")
    @MethodSource("shapes")
    void productElementIsBitForBitWhatMultWrites(int m, int k, int n) {
        FMatrixRMaj a = random(m, k);
        FMatrixRMaj b = random(k, n);
        FMatrixRMaj c = new Gemm().mult(a, b, new FMatrixRMaj(m, n));
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float e = Gemm.productElement(a.data, i * k, b.data, k, n, j);
                if (Float.floatToRawIntBits(e) != Float.floatToRawIntBits(c.get(i, j))) {
                    fail("c(" + i + ", " + j + "): mult wrote " + c.get(i, j) + ", productElement gives " + e);
                }
            }
        }
    }

    @ParameterizedTest(name = "multTransA {1}x{0}^T * {1}x{2}")
    @MethodSource("shapes")
    void multTransAMatchesNaiveDoubleProduct(int m, int k, int n) {
        FMatrixRMaj a = random(k, m);
        FMatrixRMaj b = random(k, n);
        FMatrixRMaj aCopy = a.copy();
        FMatrixRMaj bCopy = b.copy();
        FMatrixRMaj c = filled(m, n, 1e30f);
        assertSame(c, new Gemm().multTransA(a, b, c));
        assertClose(naive(a, b, true), absProducts(a, b, true), c);
        assertArrayEquals(aCopy.data, a.data, "a modified");
        assertArrayEquals(bCopy.data, b.data, "b modified");
    }

    @ParameterizedTest(name = "multTransB {0}x{1} * ({2}x{1})^T")
    @MethodSource("shapes")
    void multTransBIsBitForBitMultOfTheTranspose(int m, int k, int n) {
        FMatrixRMaj a = random(m, k);
        FMatrixRMaj bt = random(n, k);
        FMatrixRMaj b = new FMatrixRMaj(k, n);
        Activations.transpose(bt, b);
        FMatrixRMaj btCopy = bt.copy();
        FMatrixRMaj c = filled(m, n, Float.NaN);
        assertSame(c, new Gemm().multTransB(a, bt, c));
        assertArrayEquals(new Gemm().mult(a, b, new FMatrixRMaj(m, n)).data, c.data);
        assertClose(naive(a, b, false), absProducts(a, b, false), c);
        assertArrayEquals(btCopy.data, bt.data, "b modified");
    }

    @ParameterizedTest(name = "multAddRow {0}x{1} * {1}x{2} + bias")
    @MethodSource("shapes")
    void multAddRowIsBitForBitMultThenTheBias(int m, int k, int n) {
        FMatrixRMaj a = random(m, k);
        FMatrixRMaj b = random(k, n);
        FMatrixRMaj bias = random(1, n);
        FMatrixRMaj expected = new Gemm().mult(a, b, new FMatrixRMaj(m, n));
        Activations.addRowVector(expected, bias);
        FMatrixRMaj c = filled(m, n, Float.NaN);
        assertSame(c, new Gemm().multAddRow(a, b, bias, c));
        assertArrayEquals(expected.data, c.data);
    }

    @ParameterizedTest(name = "multTransA with column sums {1}x{0}^T * {1}x{2}")
    @MethodSource("shapes")
    void multTransAWithColumnSumsIsBitForBitSumRows(int m, int k, int n) {
        FMatrixRMaj a = random(k, m);
        FMatrixRMaj b = random(k, n);
        FMatrixRMaj sums = filled(1, n, Float.NaN);
        FMatrixRMaj expectedSums = new FMatrixRMaj(1, n);
        Activations.sumRows(b, expectedSums);
        FMatrixRMaj c = filled(m, n, Float.NaN);
        new Gemm().multTransA(a, b, c, sums);
        assertArrayEquals(new Gemm().multTransA(a, b, new FMatrixRMaj(m, n)).data, c.data);
        assertArrayEquals(expectedSums.data, sums.data);
    }

    /** The iteration's shapes and a few ragged ones, above the parallel threshold. */
    static Stream<Arguments> parallelShapes() {
        return Stream.of(
                Arguments.of(1000, 256, 256),
                Arguments.of(256, 1000, 256),
                Arguments.of(8, 1000, 256),
                Arguments.of(1000, 8, 256),
                Arguments.of(256, 256, 8),
                Arguments.of(301, 259, 137),
                Arguments.of(97, 600, 70));
    }

    /**
     * Whatever the number of threads and however the chunks fall, every product is bit for bit
     * the single-threaded reference kernel (fused multiply-adds in order of p, separate multiply
     * and add in the tail columns), and the same on every call.
     */
    @ParameterizedTest(name = "{0}x{1}x{2}")
    @MethodSource("parallelShapes")
    void parallelProductsAreBitForBitTheSerialReferenceEveryTime(int m, int k, int n) {
        FMatrixRMaj a = random(m, k);
        FMatrixRMaj b = random(k, n);
        FMatrixRMaj at = new FMatrixRMaj(k, m);
        Activations.transpose(a, at);
        FMatrixRMaj bt = new FMatrixRMaj(n, k);
        Activations.transpose(b, bt);
        FMatrixRMaj bias = random(1, n);
        float[] reference = new float[m * n];
        Gemm.kernel(a.data, k, 1, b.data, reference, k, n, 0, m);
        float[] referenceTransA = new float[m * n];
        Gemm.kernel(at.data, 1, m, b.data, referenceTransA, k, n, 0, m);
        assertArrayEquals(reference, referenceTransA, "the reference itself depends on A's layout");
        float[] withBias = reference.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                withBias[i * n + j] += bias.data[j];
            }
        }
        Gemm g = new Gemm();
        FMatrixRMaj c = new FMatrixRMaj(m, n);
        for (int round = 0; round < 3; round++) {
            assertArrayEquals(reference, g.mult(a, b, c).data, "mult, round " + round);
            assertArrayEquals(reference, g.multTransA(at, b, c).data, "multTransA, round " + round);
            assertArrayEquals(reference, g.multTransB(a, bt, c).data, "multTransB, round " + round);
            assertArrayEquals(withBias, g.multAddRow(a, b, bias, c).data, "multAddRow, round " + round);
        }
    }

    @Test
    void largeProductOnTheParallelPath() {
        FMatrixRMaj a = random(1000, 256);
        FMatrixRMaj b = random(256, 256);
        FMatrixRMaj c = new FMatrixRMaj(1000, 256);
        new Gemm().mult(a, b, c);
        assertClose(naive(a, b, false), absProducts(a, b, false), c);
    }

    @Test
    void oneInstanceReusedAcrossShapesGivesTheSameAsFreshOnes() {
        Gemm g = new Gemm();
        for (int[] s : new int[][] {{64, 128, 96}, {3, 5, 7}, {40, 200, 80}, {1, 1, 1}}) {
            FMatrixRMaj a = random(s[0], s[1]);
            FMatrixRMaj b = random(s[1], s[2]);
            FMatrixRMaj c1 = new FMatrixRMaj(s[0], s[2]);
            FMatrixRMaj c2 = new FMatrixRMaj(s[0], s[2]);
            g.mult(a, b, c1);
            new Gemm().mult(a, b, c2);
            assertArrayEquals(c2.data, c1.data);
        }
    }

    @Test
    void wrongShapesAreRejected() {
        Gemm g = new Gemm();
        assertThrows(IllegalArgumentException.class,
                () -> g.mult(new FMatrixRMaj(3, 4), new FMatrixRMaj(5, 2), new FMatrixRMaj(3, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> g.mult(new FMatrixRMaj(3, 4), new FMatrixRMaj(4, 2), new FMatrixRMaj(2, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> g.mult(new FMatrixRMaj(3, 4), new FMatrixRMaj(4, 2), new FMatrixRMaj(3, 3)));
        assertThrows(IllegalArgumentException.class,
                () -> g.multTransA(new FMatrixRMaj(4, 3), new FMatrixRMaj(5, 2), new FMatrixRMaj(3, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> g.multTransA(new FMatrixRMaj(4, 3), new FMatrixRMaj(4, 2), new FMatrixRMaj(4, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> g.multTransA(new FMatrixRMaj(4, 3), new FMatrixRMaj(4, 2), new FMatrixRMaj(3, 1)));
        assertThrows(IllegalArgumentException.class,
                () -> g.multTransB(new FMatrixRMaj(3, 4), new FMatrixRMaj(2, 5), new FMatrixRMaj(3, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> g.multAddRow(new FMatrixRMaj(3, 4), new FMatrixRMaj(4, 2), new FMatrixRMaj(1, 3),
                        new FMatrixRMaj(3, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> g.multTransA(new FMatrixRMaj(4, 3), new FMatrixRMaj(4, 2), new FMatrixRMaj(3, 2),
                        new FMatrixRMaj(1, 3)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> g.mult(new FMatrixRMaj(3, 4), new FMatrixRMaj(5, 2), new FMatrixRMaj(3, 2)));
        assertTrue(e.getMessage().contains("3x4") && e.getMessage().contains("5x2"), e.getMessage());
    }

    @Test
    void outputAliasingAnInputIsRejected() {
        Gemm g = new Gemm();
        FMatrixRMaj sq = random(4, 4);
        FMatrixRMaj other = random(4, 4);
        assertThrows(IllegalArgumentException.class, () -> g.mult(sq, other, sq));
        assertThrows(IllegalArgumentException.class, () -> g.mult(other, sq, sq));
        assertThrows(IllegalArgumentException.class, () -> g.multTransA(sq, other, sq));
        assertThrows(IllegalArgumentException.class, () -> g.multTransA(other, sq, sq));
        // a view sharing the storage of an input aliases it too
        FMatrixRMaj view = FMatrixRMaj.wrap(4, 4, other.data);
        assertThrows(IllegalArgumentException.class, () -> g.mult(sq, other, view));
        // the same matrix as both inputs is fine
        FMatrixRMaj c = new FMatrixRMaj(4, 4);
        g.mult(sq, sq, c);
        assertClose(naive(sq, sq, false), absProducts(sq, sq, false), c);
    }

    private FMatrixRMaj random(int rows, int cols) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = (float) (2 * rand.nextDouble() - 1);
        }
        return m;
    }

    private static FMatrixRMaj filled(int rows, int cols, float v) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        java.util.Arrays.fill(m.data, v);
        return m;
    }

    /** a b (or a^T b) in double. */
    private static double[] naive(FMatrixRMaj a, FMatrixRMaj b, boolean transA) {
        return product(a, b, transA, false);
    }

    /** |a| |b| in double: the scale the float rounding error is relative to. */
    private static double[] absProducts(FMatrixRMaj a, FMatrixRMaj b, boolean transA) {
        return product(a, b, transA, true);
    }

    private static double[] product(FMatrixRMaj a, FMatrixRMaj b, boolean transA, boolean abs) {
        int m = transA ? a.numCols : a.numRows;
        int k = transA ? a.numRows : a.numCols;
        int n = b.numCols;
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double av = transA ? a.data[p * a.numCols + i] : a.data[i * a.numCols + p];
                if (abs) {
                    av = Math.abs(av);
                }
                for (int j = 0; j < n; j++) {
                    double bv = b.data[p * n + j];
                    c[i * n + j] += av * (abs ? Math.abs(bv) : bv);
                }
            }
        }
        return c;
    }

    /** Relative tolerance 1e-4 against the magnitude of the summed products (no cancellation blow-up). */
    private static void assertClose(double[] expected, double[] scale, FMatrixRMaj actual) {
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual.data[i] - expected[i]);
            if (!(err <= 1e-4 * scale[i] + 1e-30)) {
                fail(String.format("element (%d, %d) of %dx%d: %s, expected %s (error %.3g, scale %.3g)",
                        i / actual.numCols, i % actual.numCols, actual.numRows, actual.numCols,
                        actual.data[i], expected[i], err, scale[i]));
            }
        }
    }
}
