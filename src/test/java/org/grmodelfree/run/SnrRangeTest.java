package org.grmodelfree.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** SNR spellings found by CliFuzzTest: a range whose step does not move its start, and NaN. */
class SnrRangeTest {
    @Test
    void ranges_lists_and_single_values() {
        assertArrayEquals(new double[] {0, 2, 4}, SnrRange.parse("0:2:4"));
        assertArrayEquals(new double[] {0, 5, 10}, SnrRange.parse("0,5,10"));
        assertArrayEquals(new double[] {-3.5}, SnrRange.parse(" -3.5 "));
    }

    /** 1e308 + 1 == 1e308: the loop compared against stop and grew its list until the heap ran out. */
    @Test
    void a_step_below_the_values_resolution_gives_one_point_per_step_not_an_endless_list() {
        assertArrayEquals(new double[] {1e308}, SnrRange.parse("1e308:1:1e308"));
        double[] v = SnrRange.parse("1e17:1:1e17");
        assertTrue(v.length == 1, "points: " + v.length);
    }

    @Test
    void nan_and_infinity_are_refused() {
        for (String s : new String[] {"NaN:1:5", "0:NaN:5", "0:1:NaN", "0:Infinity:5", "-Infinity:1:0", "NaN", "1,NaN"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SnrRange.parse(s), s);
            assertTrue(e.getMessage().contains("'" + s + "'"), e.getMessage());
        }
    }
}
