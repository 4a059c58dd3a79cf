package org.grmodelfree.semantic.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.grmodelfree.semantic.data.FashionMnist.Part;
import org.junit.jupiter.api.Test;

class DatasetTest {
    static final List<String> THREE = List.of("a", "b", "c");

    /** {@code n} images of {@code h x w} whose pixel k of image i is {@code (i * h * w + k) mod 256}. */
    static Dataset counting(int n, int h, int w, int... labels) {
        return Dataset.of("counting", h, w, IdxFiles.ramp(n * h * w, 0), labels, THREE);
    }

    @Test
    void quadrants_are_top_left_top_right_bottom_left_bottom_right_row_major() {
        Dataset d = counting(1, 4, 4, 0);
        // pixels 0..15 row-major:  0  1 |  2  3
        //                          4  5 |  6  7
        //                          -----+------
        //                          8  9 | 10 11
        //                         12 13 | 14 15
        int[][] expected = {{0, 1, 4, 5}, {2, 3, 6, 7}, {8, 9, 12, 13}, {10, 11, 14, 15}};
        int[] order = {Dataset.TOP_LEFT, Dataset.TOP_RIGHT, Dataset.BOTTOM_LEFT, Dataset.BOTTOM_RIGHT};
        float[] out = new float[6];
        for (int q = 0; q < 4; q++) {
            assertEquals(q, order[q]);
            Arrays.fill(out, -1);
            assertTrue(out == d.copyQuadrant(0, q, out, 1));
            assertEquals(-1, out[0], "nothing before the offset");
            assertEquals(-1, out[5], "nothing after the quadrant");
            for (int k = 0; k < 4; k++) {
                assertEquals(expected[q][k] / 255f, out[1 + k], "quadrant " + q + " element " + k);
            }
        }
    }

    @Test
    void the_four_quadrants_of_a_real_image_put_back_together_give_the_image() throws IOException {
        Dataset d = FashionMnist.load(Part.TEST, 3);
        assertEquals(196, d.pixelsPerQuadrant());
        float[] image = new float[784];
        float[] quadrant = new float[196];
        for (int i = 0; i < d.size(); i++) {
            d.copyImage(i, image, 0);
            for (int q = 0; q < Dataset.QUADRANTS; q++) {
                d.copyQuadrant(i, q, quadrant, 0);
                for (int r = 0; r < 14; r++) {
                    for (int c = 0; c < 14; c++) {
                        int row = r + 14 * (q / 2);
                        int col = c + 14 * (q % 2);
                        assertEquals(image[row * 28 + col], quadrant[r * 14 + c]);
                        assertEquals(d.pixel(i, row, col), quadrant[r * 14 + c]);
                    }
                }
            }
        }
    }

    @Test
    void an_agents_batch_is_one_quadrant_per_row_and_allocates_nothing() {
        Dataset d = counting(5, 28, 28, 0, 1, 2, 0, 1);
        int[] order = {4, 2, 0, 3};
        float[] batch = new float[3 * 196];
        int[] labels = new int[3];
        float[] one = new float[196];
        float[] image = new float[784];
        d.gatherQuadrant(order, 1, 3, Dataset.BOTTOM_RIGHT, batch);
        d.gatherLabels(order, 1, 3, labels);
        assertArrayEquals(new int[] {2, 0, 0}, labels);
        for (int b = 0; b < 3; b++) {
            d.copyQuadrant(order[1 + b], Dataset.BOTTOM_RIGHT, one, 0);
            assertArrayEquals(one, Arrays.copyOfRange(batch, b * 196, (b + 1) * 196));
        }
        for (int warm = 0; warm < 5000; warm++) { // warm up past JIT compilation
            gatherAll(d, order, batch, labels, image, warm);
        }
        allocatedBytes();
        long before = allocatedBytes();
        for (int k = 0; k < 100_000; k++) {
            gatherAll(d, order, batch, labels, image, k);
        }
        long allocated = allocatedBytes() - before;
        // One small object per call would be 1.6 MB; the meter and the JIT account for a few KB at most.
        assertTrue(allocated < 16_384, "100 000 gathers allocated " + allocated + " bytes");
    }

    @Test
    void odd_images_have_no_quadrants_and_buffers_are_checked() {
        Dataset odd = counting(1, 3, 4, 0);
        assertThrows(IllegalStateException.class, () -> odd.copyQuadrant(0, 0, new float[4], 0));
        Dataset d = counting(1, 4, 4, 0);
        assertThrows(IndexOutOfBoundsException.class, () -> d.copyQuadrant(0, 4, new float[4], 0));
        assertThrows(IndexOutOfBoundsException.class, () -> d.copyQuadrant(0, 0, new float[4], 1));
        assertThrows(IndexOutOfBoundsException.class, () -> d.copyImage(1, new float[16], 0));
    }

    @Test
    void the_constructor_checks_sizes_and_labels() {
        assertThrows(IllegalArgumentException.class, () -> Dataset.of("x", 2, 2, new byte[7], new int[2], THREE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of("x", 2, 2, new byte[8], new int[] {0, 3}, THREE));
        assertEquals("label 3 of image 1 is outside [0, 3)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dataset.of("x", 2, 2, new byte[8], new int[2], List.of()));
    }

    @Test
    void pixels_are_the_bytes_over_255() {
        Dataset d = Dataset.of("x", 1, 3, new byte[] {0, (byte) 128, (byte) 255}, new int[] {1}, THREE);
        assertArrayEquals(new float[] {0f, 128 / 255f, 1f}, d.toFloats());
        assertEquals(1f, d.pixel(0, 0, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> d.pixel(0, 1, 0));
    }

    @Test
    void a_split_is_stratified_disjoint_complete_and_seeded() {
        int n = 300;
        int[] labels = new int[n];
        byte[] pixels = new byte[2 * n];
        for (int i = 0; i < n; i++) {
            labels[i] = i < 150 ? 0 : i < 250 ? 1 : 2; // sorted by class, as Mnist's
            pixels[2 * i] = (byte) (i / 256); // each image's two pixels spell its index
            pixels[2 * i + 1] = (byte) i;
        }
        Dataset d = Dataset.of("s", 1, 2, pixels, labels, THREE);
        Dataset.Split s = d.split(0.2, 7);
        assertArrayEquals(new int[] {120, 80, 40}, s.train().classCounts());
        assertArrayEquals(new int[] {30, 20, 10}, s.test().classCounts());
        Set<Integer> seen = new HashSet<>();
        for (Dataset part : List.of(s.train(), s.test())) {
            for (int i = 0; i < part.size(); i++) {
                int index = Math.round(part.pixel(i, 0, 0) * 255) * 256 + Math.round(part.pixel(i, 0, 1) * 255);
                assertEquals(labels[index], part.label(i));
                assertTrue(seen.add(index), "image " + index + " in both parts or twice");
            }
        }
        assertEquals(n, seen.size());
        Set<Integer> firstClasses = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            firstClasses.add(s.train().label(i));
        }
        assertTrue(firstClasses.size() > 1, "the training part is shuffled, not sorted by class");

        Dataset.Split again = d.split(0.2, 7);
        assertArrayEquals(s.train().toFloats(), again.train().toFloats());
        assertArrayEquals(s.test().labels(), again.test().labels());
        assertNotEquals(Arrays.toString(s.test().toFloats()), Arrays.toString(d.split(0.2, 8).test().toFloats()));
        assertEquals(0, d.split(0, 1).test().size());
        assertEquals(n, d.split(1, 1).test().size());
        assertThrows(IllegalArgumentException.class, () -> d.split(1.5, 1));
    }

    @Test
    void samples_subsets_and_prefixes() {
        Dataset d = counting(6, 1, 2, 0, 1, 2, 0, 1, 2);
        Dataset s = d.sample(4, 3);
        assertEquals(4, s.size());
        assertArrayEquals(s.toFloats(), d.sample(4, 3).toFloats(), "seeded");
        Set<Float> firstPixels = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            firstPixels.add(s.pixel(i, 0, 0));
        }
        assertEquals(4, firstPixels.size(), "no image drawn twice");
        assertThrows(IllegalArgumentException.class, () -> d.sample(7, 1));

        Dataset sub = d.subset(new int[] {5, 0, 5});
        assertArrayEquals(new int[] {2, 0, 2}, sub.labels());
        assertArrayEquals(new float[] {10 / 255f, 11 / 255f, 0, 1 / 255f, 10 / 255f, 11 / 255f}, sub.toFloats());
        assertArrayEquals(new int[] {0, 1}, d.first(2).labels());
        assertEquals(6, d.first(100).size());
        assertEquals(d.classNames(), sub.classNames());
    }

    private static void gatherAll(Dataset d, int[] order, float[] batch, int[] labels, float[] image, int k) {
        d.gatherQuadrant(order, 1, 3, k % 4, batch);
        d.gatherLabels(order, 0, 3, labels);
        d.copyImage(k % 5, image, 0);
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
