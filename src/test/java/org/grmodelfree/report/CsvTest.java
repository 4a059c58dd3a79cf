package org.grmodelfree.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTest {

    @TempDir
    Path dir;

    @Test
    void writesExactText() throws IOException {
        Path file = dir.resolve("bler.csv");
        Csv.write(file, List.of("snr_db", "bler", "errors", "messages"), List.of(
                new double[] {0.5, 0.1234, 12, 1000},
                new double[] {1, Double.NaN, 0, 2e6},
                new double[] {-2.5, 1e-7, 3e15, -0.0},
                new double[] {0.1 + 0.2, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -7}));
        assertEquals("snr_db,bler,errors,messages\n"
                + "0.5,0.1234,12,1000\n"
                + "1,nan,0,2000000\n"
                + "-2.5,1.0E-7,3.0E15,0\n"
                + "0.30000000000000004,inf,-inf,-7\n", Files.readString(file));
    }

    @Test
    void headerOnlyAndQuotedNames() throws IOException {
        Path file = dir.resolve("empty.csv");
        Csv.write(file, List.of("a,b", "say \"hi\""), List.of());
        assertEquals("\"a,b\",\"say \"\"hi\"\"\"\n", Files.readString(file));
    }

    @Test
    void rejectsRowOfWrongLength() throws IOException {
        Path file = dir.resolve("bad.csv");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                Csv.write(file, List.of("a", "b", "c"),
                        List.of(new double[] {1, 2, 3}, new double[] {1, 2})));
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());
        assertTrue(e.getMessage().contains("2 values"), e.getMessage());
        assertTrue(e.getMessage().contains("3 columns"), e.getMessage());
        assertFalse(Files.exists(file));
    }
}
