package org.grmodelfree.comm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The vectorised minimum-distance decoder against the plain distance loop of {@link Codebooks#minDistance}. */
class MinDistanceDecoderTest {

    private static FMatrixRMaj gaussian(int rows, int cols, double scale, Rng rng) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = (float) (scale * rng.nextGaussian());
        }
        return m;
    }

    private static double distance(FMatrixRMaj c, int m, FMatrixRMaj y, int i) {
        double d = 0;
        for (int j = 0; j < c.numCols; j++) {
            double t = (double) y.get(i, j) - c.get(m, j);
            d += t * t;
        }
        return d;
    }

    /**
     * Codebooks of M not a whole number of vectors (21, 1) and of the product's size (256 x 8), noisy
     * received rows: every decision is the plain loop's, or (a near tie within float rounding) a
     * codeword exactly as close in double arithmetic; the error count is the mismatches with labels.
     */
    @ParameterizedTest(name = "M = {0}, 2N = {1}")
    @CsvSource({"256, 8", "21, 6", "1, 2", "64, 5", "300, 8"})
    void decidesTheNearestCodeword(int messages, int width) {
        Rng rng = new Rng(messages * 31L + width);
        FMatrixRMaj codebook = gaussian(messages, width, 1, rng);
        int rows = 2000;
        int[] labels = new int[rows];
        FMatrixRMaj y = new FMatrixRMaj(rows, width);
        for (int i = 0; i < rows; i++) {
            labels[i] = rng.nextInt(messages);
            for (int j = 0; j < width; j++) {
                y.set(i, j, (float) (codebook.get(labels[i], j) + 0.4 * rng.nextGaussian()));
            }
        }
        int[] expected = new int[rows];
        Codebooks.minDistance(codebook, y, null, expected);
        int[] got = new int[rows];
        int errors = new MinDistanceDecoder(codebook).decide(y, labels, got);
        int mismatches = 0;
        int differ = 0;
        for (int i = 0; i < rows; i++) {
            mismatches += got[i] != labels[i] ? 1 : 0;
            if (got[i] != expected[i]) {
                differ++;
                double a = distance(codebook, got[i], y, i);
                double b = distance(codebook, expected[i], y, i);
                assertEquals(b, a, 1e-5 * (1 + b), "row " + i + ": " + got[i] + " is not as near as " + expected[i]);
            }
        }
        assertEquals(mismatches, errors);
        assertTrue(differ <= rows / 100, differ + " decisions differ from the plain loop's");
        if (messages > 1) {
            assertTrue(errors > 0 && errors < rows / 2, "noise this strong makes some, not most, errors: " + errors);
        }
    }

    @Test
    void exactTiesGoToTheLowestIndex() {
        // codewords 3 and 11 (different vector lanes and blocks) are equal; 5 is its negative
        FMatrixRMaj codebook = gaussian(16, 4, 1, new Rng(7));
        for (int j = 0; j < 4; j++) {
            codebook.set(11, j, codebook.get(3, j));
            codebook.set(5, j, -codebook.get(3, j));
        }
        FMatrixRMaj y = new FMatrixRMaj(3, 4);
        for (int j = 0; j < 4; j++) {
            y.set(0, j, codebook.get(3, j));
            y.set(1, j, codebook.get(5, j));
            y.set(2, j, 0); // the codeword of least energy
        }
        int[] expected = new int[3];
        Codebooks.minDistance(codebook, y, null, expected);
        int[] got = new int[3];
        new MinDistanceDecoder(codebook).decide(y, null, got);
        assertEquals(3, got[0]);
        assertEquals(5, got[1]);
        assertArrayEquals(expected, got);
    }

    @Test
    void refusesRowsOfTheWrongWidthAndTooFewDecisions() {
        MinDistanceDecoder d = new MinDistanceDecoder(gaussian(8, 4, 1, new Rng(1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> d.decide(new FMatrixRMaj(2, 6), null, new int[2]));
        assertTrue(e.getMessage().contains("rows of 6 reals") && e.getMessage().contains("have 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.decide(new FMatrixRMaj(5, 4), null, new int[3]));
        assertTrue(e.getMessage().contains("5 rows") && e.getMessage().contains("3 decisions"), e.getMessage());
    }
}
