package org.grmodelfree.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

/** Per-row power normalisation: the constraint it promises and its gradient by finite differences. */
class RowEnergyNormalizationTest {
    private final Random rand = new Random(345);

    private FMatrixRMaj random(int r, int c) {
        FMatrixRMaj m = new FMatrixRMaj(r, c);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = (float) rand.nextGaussian();
        }
        return m;
    }

    @Test
    void everyRowHasUnitEnergyPerComplexSymbol() {
        FMatrixRMaj x = random(5, 14);
        for (int j = 0; j < 14; j++) {
            x.data[14 + j] *= 100; // one loud row must not change the others
        }
        FMatrixRMaj y = new FMatrixRMaj(5, 14);
        new RowEnergyNormalization().forward(x, y);
        for (int r = 0; r < 5; r++) {
            double e = 0;
            for (int j = 0; j < 14; j++) {
                e += y.data[r * 14 + j] * y.data[r * 14 + j];
            }
            assertEquals(7.0, e, 1e-4, "row " + r);
        }
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        FMatrixRMaj x = random(3, 6);
        FMatrixRMaj g = random(3, 6);
        RowEnergyNormalization n = new RowEnergyNormalization();
        FMatrixRMaj y = new FMatrixRMaj(3, 6);
        FMatrixRMaj gx = new FMatrixRMaj(3, 6);
        n.forward(x, y);
        n.backward(x, g, gx);
        double eps = 1e-3;
        for (int i = 0; i < x.data.length; i++) {
            float keep = x.data[i];
            x.data[i] = (float) (keep + eps);
            double up = loss(n, x, y, g);
            x.data[i] = (float) (keep - eps);
            double down = loss(n, x, y, g);
            x.data[i] = keep;
            assertEquals((up - down) / (2 * eps), gx.data[i], 2e-3 + 2e-2 * Math.abs(gx.data[i]), "entry " + i);
        }
    }

    private static double loss(RowEnergyNormalization n, FMatrixRMaj x, FMatrixRMaj y, FMatrixRMaj g) {
        n.forward(x, y);
        double s = 0;
        for (int i = 0; i < y.data.length; i++) {
            s += (double) g.data[i] * y.data[i];
        }
        return s;
    }

    @Test
    void rejectsOddWidthsAndAliasing() {
        RowEnergyNormalization n = new RowEnergyNormalization();
        assertThrows(IllegalArgumentException.class, () -> n.forward(random(2, 5), new FMatrixRMaj(2, 5)));
        FMatrixRMaj x = random(2, 4);
        n.forward(x, new FMatrixRMaj(2, 4));
        assertThrows(IllegalArgumentException.class, () -> n.backward(x, random(2, 4), x));
    }
}
