package org.grmodelfree.nn;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DenseTest {

    private final Random rand = new Random(345);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"8, 256", "3, 5", "5, 17", "1, 40", "13, 33", "8, 7"})
    void forwardRowIsBitForBitARowOfForward(int in, int out) {
        Dense d = new Dense("d", in, out, new java.util.SplittableRandom(1));
        for (int j = 0; j < out; j++) {
            d.bias().value().data[j] = (float) rand.nextGaussian();
        }
        int rows = 37;
        FMatrixRMaj x = new FMatrixRMaj(rows, in);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = (float) (3 * rand.nextGaussian());
        }
        FMatrixRMaj y = new FMatrixRMaj(rows, out);
        d.forward(x, y);
        float[] row = new float[out + 3];
        for (int i = 0; i < rows; i++) {
            d.forwardRow(x.data, i * in, row, 3);
            for (int j = 0; j < out; j++) {
                if (Float.floatToRawIntBits(row[3 + j]) != Float.floatToRawIntBits(y.get(i, j))) {
                    fail("(" + i + ", " + j + "): forward " + y.get(i, j) + ", forwardRow " + row[3 + j]);
                }
            }
        }
    }
}
