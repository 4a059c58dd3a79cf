package org.grmodelfree.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SeriesTest {

    @Test
    void factoriesSetBoundsAndDashFlag() {
        double[] x = {1, 2};
        Series line = Series.line("a", x, new double[] {3, 4});
        assertNull(line.yLow());
        assertFalse(line.dashed());
        assertTrue(Series.dashed("ref", x, new double[] {3, 4}).dashed());
        Series band = Series.band("b", x, new double[] {3, 4}, new double[] {2, 3}, new double[] {4, 5});
        assertEquals(2.0, band.yLow()[0]);
        assertEquals(5.0, band.yHigh()[1]);
        x[0] = 99;
        assertEquals(1.0, line.x()[0], "constructor copies the arrays");
    }

    @Test
    void rejectsMismatchedLengthsNamingTheSeries() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Series.line("batch 64", new double[] {1, 2, 3}, new double[] {1, 2}));
        assertTrue(e.getMessage().contains("batch 64"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Series.band("cband",
                new double[] {1, 2}, new double[] {1, 2}, new double[] {1}, new double[] {1, 2}));
        assertTrue(e.getMessage().contains("cband"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Series("half",
                new double[] {1}, new double[] {1}, new double[] {1}, null, false));
    }
}
