package org.grmodelfree.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {

    @TempDir
    Path dir;

    record Point(String label, double snr, double bler, double[] curve, float gain) {
    }

    @Test
    void roundTripKeepsOrderAndWritesNanAsNull() throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("zeta", "first key");
        List<Map<String, Object>> runs = new ArrayList<>();
        Map<String, Object> run0 = new LinkedHashMap<>();
        run0.put("snr_db", 4.0);
        run0.put("bler", Double.NaN);
        run0.put("errors", 0);
        runs.add(run0);
        Map<String, Object> run1 = new LinkedHashMap<>();
        run1.put("snr_db", 6.5);
        run1.put("bler", 1.5e-4);
        run1.put("errors", 15);
        runs.add(run1);
        root.put("runs", runs);
        root.put("alpha", Double.POSITIVE_INFINITY);

        Path file = dir.resolve("summary.json");
        Json.write(file, root);
        String text = Files.readString(file);
        assertTrue(text.endsWith("}\n"), text);
        assertTrue(text.contains("\n  \"runs\""), text);
        assertFalse(text.contains("NaN") || text.contains("Infinity"), text);

        @SuppressWarnings("unchecked")
        Map<String, Object> back = Json.mapper().readValue(file.toFile(), LinkedHashMap.class);
        assertEquals(List.of("zeta", "runs", "alpha"), new ArrayList<>(back.keySet()));
        assertNull(back.get("alpha"));
        assertTrue(back.containsKey("alpha"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> backRuns = (List<Map<String, Object>>) back.get("runs");
        assertEquals(2, backRuns.size());
        assertEquals(List.of("snr_db", "bler", "errors"), new ArrayList<>(backRuns.get(0).keySet()));
        assertNull(backRuns.get(0).get("bler"));
        assertEquals(4.0, backRuns.get(0).get("snr_db"));
        assertEquals(0, backRuns.get(0).get("errors"));
        assertEquals(1.5e-4, backRuns.get(1).get("bler"));
        assertEquals(15, backRuns.get(1).get("errors"));
    }

    @Test
    void compactStringIsOneLineAndHandlesPrimitiveNonFiniteValues() {
        Point p = new Point("learned", 3.0, Double.NaN,
                new double[] {0.5, Double.NEGATIVE_INFINITY}, Float.NaN);
        assertEquals("{\"label\":\"learned\",\"snr\":3.0,\"bler\":null,\"curve\":[0.5,null],\"gain\":null}",
                Json.toCompactString(p));
        assertEquals("[1.0,null,[null]]",
                Json.toCompactString(List.of(1.0, Double.NaN, new float[] {Float.POSITIVE_INFINITY})));
    }
}
