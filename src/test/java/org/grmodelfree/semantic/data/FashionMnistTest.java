package org.grmodelfree.semantic.data;

import static org.grmodelfree.semantic.data.IdxFiles.PX;
import static org.grmodelfree.semantic.data.IdxFiles.gzip;
import static org.grmodelfree.semantic.data.IdxFiles.ramp;
import static org.grmodelfree.semantic.data.IdxFiles.u8;
import static org.grmodelfree.semantic.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.grmodelfree.semantic.data.FashionMnist.Part;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On slices of the installed package's real files (./modelfree test installs it), and on
 * malformed files made in a temporary folder.
 */
class FashionMnistTest {
    @TempDir
    Path tmp;

    @Test
    void the_first_images_match_a_hand_decoding_of_the_raw_files() throws IOException {
        Path dir = FashionMnist.locate();
        Dataset d = FashionMnist.read(dir, Part.TEST, 10);
        assertEquals(10, d.size());
        // The IDX layout read by hand: labels after an 8-byte header, pixels after a 16-byte one.
        byte[] labels = rawPrefix(dir.resolve("t10k-labels-idx1-ubyte.gz"), 8 + 10);
        byte[] pixels = rawPrefix(dir.resolve("t10k-images-idx3-ubyte.gz"), 16 + 10 * PX);
        for (int i = 0; i < 10; i++) {
            assertEquals(labels[8 + i], d.label(i));
            for (int p = 0; p < PX; p++) {
                assertEquals((pixels[16 + i * PX + p] & 0xff) / 255f, d.pixel(i, p / 28, p % 28));
            }
        }
        // and the published first test labels: ankle boot, pullover, trouser, trouser, shirt, ...
        assertArrayEquals(new int[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, d.labels());
        assertArrayEquals(new int[] {9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, FashionMnist.read(dir, Part.TRAIN, 10).labels());
    }

    @Test
    void the_first_hundred_training_images_are_in_range_with_the_known_label_counts() throws IOException {
        Dataset d = FashionMnist.load(Part.TRAIN, 100);
        assertEquals("fashion-mnist/train", d.name());
        assertEquals(28, d.height());
        assertEquals(28, d.width());
        assertEquals("Ankle boot", d.classNames().get(d.label(0)));
        assertArrayEquals(new int[] {12, 11, 9, 15, 9, 11, 10, 8, 4, 11}, d.classCounts());
        float[] all = d.toFloats();
        float max = 0;
        for (float v : all) {
            assertTrue(v >= 0 && v <= 1, "pixel " + v);
            max = Math.max(max, v);
        }
        assertEquals(1f, max, "some pixel is full white");
    }

    @Test
    void the_whole_data_set_has_seventy_thousand_balanced_images() throws IOException {
        Dataset train = FashionMnist.load(Part.TRAIN);
        Dataset test = FashionMnist.load(Part.TEST);
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        for (int c = 0; c < 10; c++) {
            assertEquals(6000, train.classCounts()[c]);
            assertEquals(1000, test.classCounts()[c]);
        }
    }

    @Test
    void reads_plain_or_gzipped_files_from_the_folder_the_variable_names() throws IOException {
        write(tmp, "t10k-images-idx3-ubyte", u8(ramp(3 * PX, 0), 3, 28, 28));
        write(tmp, "t10k-labels-idx1-ubyte.gz", gzip(u8(new byte[] {4, 0, 9}, 3)));
        Path dir = FashionMnist.locate(Map.of(FashionMnist.ENV, tmp.toString()), tmp.resolve("absent"));
        assertEquals(tmp, dir);
        Dataset d = FashionMnist.read(dir, Part.TEST, Integer.MAX_VALUE);
        assertArrayEquals(new int[] {4, 0, 9}, d.labels());
        assertEquals(1 / 255f, d.pixel(0, 0, 1));
        assertEquals(((PX + 5) & 0xff) / 255f, d.pixel(1, 0, 5));
    }

    @Test
    void image_and_label_counts_must_agree() throws IOException {
        Path images = write(tmp, "train-images-idx3-ubyte.gz", gzip(u8(ramp(3 * PX, 0), 3, 28, 28)));
        Path labels = write(tmp, "train-labels-idx1-ubyte.gz", gzip(u8(new byte[] {1, 2}, 2)));
        String m = fails(tmp, Part.TRAIN);
        assertEquals(images + " declares 3 images but " + labels + " declares 2 labels", m);
        // even when only the first image is read
        assertThrows(DatasetFormatException.class, () -> FashionMnist.read(tmp, Part.TRAIN, 1));
    }

    @Test
    void images_must_be_28_by_28_and_labels_classes() throws IOException {
        write(tmp, "train-images-idx3-ubyte", u8(ramp(2 * 27 * 28, 0), 2, 27, 28));
        write(tmp, "train-labels-idx1-ubyte", u8(new byte[] {1, 2}, 2));
        assertTrue(fails(tmp, Part.TRAIN).contains("expected images of 28 x 28 pixels"), fails(tmp, Part.TRAIN));
        write(tmp, "train-images-idx3-ubyte", u8(ramp(2 * PX, 0), 2, 28, 28));
        write(tmp, "train-labels-idx1-ubyte", u8(new byte[] {1, 10}, 2));
        assertTrue(fails(tmp, Part.TRAIN).endsWith("train-labels-idx1-ubyte: label 10 of item 1 is not a class (0 to 9)"),
                fails(tmp, Part.TRAIN));
        write(tmp, "train-labels-idx1-ubyte", u8(new byte[] {1, 2}, 1, 2));
        assertTrue(fails(tmp, Part.TRAIN).contains("one label per item"), fails(tmp, Part.TRAIN));
    }

    @Test
    void a_truncated_image_file_is_named() throws IOException {
        byte[] images = u8(ramp(4 * PX, 0), 4, 28, 28);
        Path f = write(tmp, "t10k-images-idx3-ubyte.gz", gzip(java.util.Arrays.copyOf(images, images.length - 100)));
        write(tmp, "t10k-labels-idx1-ubyte.gz", gzip(u8(new byte[] {1, 2, 3, 4}, 4)));
        assertTrue(fails(tmp, Part.TEST).startsWith(f + ": truncated"), fails(tmp, Part.TEST));
    }

    @Test
    void a_missing_package_or_file_says_how_to_install_it() throws IOException {
        DatasetMissingException e = assertThrows(DatasetMissingException.class,
                () -> FashionMnist.locate(Map.of(), tmp.resolve("not-installed")));
        assertTrue(e.getMessage().contains("Install it with 'sudo apt-get install -y dataset-fashion-mnist'"),
                e.getMessage());
        assertEquals(FashionMnist.INSTALL_COMMAND, e.installCommand());

        e = assertThrows(DatasetMissingException.class, () -> FashionMnist.read(tmp, Part.TEST, 1));
        assertTrue(e.getMessage().contains(tmp + " has no t10k-images-idx3-ubyte.gz"), e.getMessage());

        e = assertThrows(DatasetMissingException.class,
                () -> FashionMnist.locate(Map.of(FashionMnist.ENV, "/no/such/dir"), tmp));
        assertTrue(e.getMessage().startsWith("MODELFREE_FASHION_MNIST=/no/such/dir is not a folder"), e.getMessage());
    }

    private static String fails(Path dir, Part part) {
        return assertThrows(DatasetFormatException.class,
                () -> FashionMnist.read(dir, part, Integer.MAX_VALUE)).getMessage();
    }

    private static byte[] rawPrefix(Path gz, int n) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return in.readNBytes(n);
        }
    }
}
