package org.grmodelfree.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.stream.Stream;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused passes of SoftmaxCrossEntropy give bit for bit what forward, argmax and backward give
 * one after the other: losses, mean, decisions and gradient, on rows with ties, large ranges, NaN
 * and infinities, and with as many columns as vectors or not.
 */
class SoftmaxCrossEntropyTest {

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(1, 2), Arguments.of(7, 8), Arguments.of(33, 16), Arguments.of(20, 17),
                Arguments.of(5, 100), Arguments.of(64, 256), Arguments.of(1000, 256), Arguments.of(300, 48));
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("shapes")
    void fusedPassesAreBitForBitTheSeparateOnes(int rows, int cols) {
        Random g = new Random(rows * 31L + cols);
        for (int kind = 0; kind < 5; kind++) {
            FMatrixRMaj z = new FMatrixRMaj(rows, cols);
            for (int i = 0; i < z.data.length; i++) {
                z.data[i] = switch (kind) {
                    case 0 -> (float) g.nextGaussian();
                    case 1 -> g.nextInt(3); // many ties
                    case 2 -> (float) (g.nextGaussian() * 60); // exponentials far below the maximum
                    case 3 -> 1e-7f * g.nextInt(4) + 5f; // near ties within rounding
                    default -> (float) g.nextGaussian() * 3;
                };
            }
            if (kind == 4) { // a NaN, an infinity and a row of -infinity
                z.data[g.nextInt(z.data.length)] = Float.NaN;
                z.data[g.nextInt(z.data.length)] = Float.POSITIVE_INFINITY;
                java.util.Arrays.fill(z.data, 0, cols, Float.NEGATIVE_INFINITY);
            }
            int[] labels = new int[rows];
            for (int i = 0; i < rows; i++) {
                labels[i] = g.nextInt(cols);
            }
            float scale = 1f / rows;
            FMatrixRMaj p = new FMatrixRMaj(rows, cols);
            float[] losses = new float[rows];
            int[] decisions = new int[rows];
            double mean = SoftmaxCrossEntropy.forward(z, labels, p, losses);
            SoftmaxCrossEntropy.argmax(p, labels, decisions);
            SoftmaxCrossEntropy.backward(p, labels, scale, p);

            FMatrixRMaj grad = new FMatrixRMaj(rows, cols);
            float[] fusedLosses = new float[rows];
            int[] fusedDecisions = new int[rows];
            double fusedMean = SoftmaxCrossEntropy.forwardBackward(z, labels, scale, grad, fusedLosses, fusedDecisions);
            assertArrayEquals(losses, fusedLosses, "losses, kind " + kind);
            assertArrayEquals(decisions, fusedDecisions, "decisions, kind " + kind);
            assertArrayEquals(p.data, grad.data, "gradient, kind " + kind);
            assertEquals(Double.doubleToRawLongBits(mean), Double.doubleToRawLongBits(fusedMean), "mean, kind " + kind);

            FMatrixRMaj noDecisions = new FMatrixRMaj(rows, cols);
            SoftmaxCrossEntropy.forwardBackward(z, labels, scale, noDecisions, fusedLosses, null);
            assertArrayEquals(p.data, noDecisions.data, "gradient without decisions, kind " + kind);

            float[] only = new float[rows];
            double onlyMean = SoftmaxCrossEntropy.losses(z, labels, only);
            assertArrayEquals(losses, only, "losses alone, kind " + kind);
            assertEquals(Double.doubleToRawLongBits(mean), Double.doubleToRawLongBits(onlyMean));
        }
    }

    @Test
    void theGradientMayOverwriteTheLogits() {
        Random g = new Random(3);
        FMatrixRMaj z = new FMatrixRMaj(50, 32);
        for (int i = 0; i < z.data.length; i++) {
            z.data[i] = (float) g.nextGaussian();
        }
        int[] labels = new int[50];
        FMatrixRMaj expected = new FMatrixRMaj(50, 32);
        float[] losses = new float[50];
        SoftmaxCrossEntropy.forwardBackward(z, labels, 0.02f, expected, losses, new int[50]);
        SoftmaxCrossEntropy.forwardBackward(z, labels, 0.02f, z, losses, new int[50]);
        assertArrayEquals(expected.data, z.data);
    }

    @Test
    void badArgumentsAreRejected() {
        FMatrixRMaj z = new FMatrixRMaj(4, 8);
        assertThrows(IllegalArgumentException.class,
                () -> SoftmaxCrossEntropy.losses(z, new int[] {0, 1, 8, 2}, new float[4]));
        assertThrows(IllegalArgumentException.class, () -> SoftmaxCrossEntropy.losses(z, new int[3], new float[4]));
        assertThrows(IllegalArgumentException.class,
                () -> SoftmaxCrossEntropy.forwardBackward(z, new int[4], 1f, new FMatrixRMaj(4, 7), new float[4], null));
        assertThrows(IllegalArgumentException.class,
                () -> SoftmaxCrossEntropy.forwardBackward(z, new int[4], 1f, new FMatrixRMaj(4, 8), new float[4],
                        new int[3]));
    }
}
