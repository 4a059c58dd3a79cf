package org.grmodelfree.semantic.data;

import static org.grmodelfree.semantic.data.IdxFiles.gzip;
import static org.grmodelfree.semantic.data.IdxFiles.header;
import static org.grmodelfree.semantic.data.IdxFiles.ramp;
import static org.grmodelfree.semantic.data.IdxFiles.u8;
import static org.grmodelfree.semantic.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void reads_dimensions_and_data_plain_or_gzipped(boolean gzipped) throws IOException {
        byte[] file = u8(ramp(3 * 2 * 4, 250), 3, 2, 4);
        Path f = write(dir, "x.idx", gzipped ? gzip(file) : file);
        Idx.U8Array a = Idx.readU8(f, Integer.MAX_VALUE);
        assertArrayEquals(new int[] {3, 2, 4}, a.dims());
        assertEquals(3, a.count());
        assertEquals(3, a.declaredCount());
        assertEquals(8, a.itemSize());
        assertArrayEquals(ramp(24, 250), a.data());
        assertEquals(f, a.file());
    }

    @Test
    void a_limit_reads_only_the_first_items() throws IOException {
        Path f = write(dir, "x.gz", gzip(u8(ramp(5 * 4, 0), 5, 4)));
        Idx.U8Array a = Idx.readU8(f, 2);
        assertArrayEquals(new int[] {2, 4}, a.dims());
        assertEquals(5, a.declaredCount());
        assertArrayEquals(ramp(8, 0), a.data());
        assertEquals(0, Idx.readU8(f, 0).data().length);
    }

    @Test
    void a_wrong_magic_number_is_named() throws IOException {
        byte[] file = u8(ramp(4, 0), 4);
        file[1] = 0x08;
        file[2] = 0x03;
        Path f = write(dir, "bad-magic", file);
        String m = fails(f);
        assertTrue(m.startsWith(f + ": not an IDX file: magic number 0x00080301"), m);
    }

    @Test
    void element_types_other_than_unsigned_bytes_are_rejected() throws IOException {
        byte[] floats = header(0x0D, 1, 1);
        Path f = write(dir, "floats", Arrays.copyOf(floats, floats.length + 4));
        assertTrue(fails(f).contains("element type 0x0d is not supported, only unsigned bytes (0x08)"), fails(f));
    }

    @Test
    void zero_or_negative_dimensions_are_rejected() throws IOException {
        assertTrue(fails(write(dir, "nodims", header(Idx.UNSIGNED_BYTE))).contains("zero dimensions"));
        assertTrue(fails(write(dir, "neg", header(Idx.UNSIGNED_BYTE, 2, -28))).contains("dimension 1 is negative (-28)"));
    }

    @Test
    void truncated_headers_are_reported() throws IOException {
        assertTrue(fails(write(dir, "empty", new byte[0])).contains("too short for an IDX header (0 bytes)"));
        byte[] h = header(Idx.UNSIGNED_BYTE, 10, 28, 28);
        String m = fails(write(dir, "short-header", Arrays.copyOf(h, 9)));
        assertTrue(m.contains("truncated: the header declares 3 dimensions but the file ends after 9 bytes"), m);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void truncated_data_is_reported_with_the_declared_and_found_sizes(boolean gzipped) throws IOException {
        byte[] file = u8(ramp(10 * 6, 0), 10, 2, 3);
        byte[] cut = Arrays.copyOf(file, file.length - 7);
        Path f = write(dir, "cut", gzipped ? gzip(cut) : cut);
        String m = fails(f);
        assertTrue(m.startsWith(f + ": truncated: the header declares 10 items of 6 bytes, but the data ends after"
                + " 53 bytes (8 whole items)"), m);
        // Reading only the items that are there works.
        assertEquals(8, Idx.readU8(f, 8).count());
    }

    @Test
    void a_cut_gzip_stream_is_reported_as_truncated() throws IOException {
        byte[] gz = gzip(u8(ramp(2000, 0), 1000, 2));
        Path f = write(dir, "cut.gz", Arrays.copyOf(gz, gz.length / 2));
        String m = fails(f);
        assertTrue(m.startsWith(f + ": truncated"), m);
    }

    @Test
    void damaged_gzip_data_is_reported() throws IOException {
        byte[] gz = gzip(u8(ramp(2000, 7), 1000, 2));
        for (int i = 20; i < 40; i++) {
            gz[i] ^= (byte) 0x5a;
        }
        String m = fails(write(dir, "damaged.gz", gz));
        assertTrue(m.contains("damaged.gz: "), m);
    }

    @Test
    void bytes_after_the_declared_data_are_rejected() throws IOException {
        byte[] file = u8(ramp(4 * 3 + 5, 0), 4, 3);
        Path f = write(dir, "long", file);
        assertTrue(fails(f).contains("5 bytes after the 4 items the header declares"), fails(f));
    }

    private static String fails(Path f) {
        return assertThrows(DatasetFormatException.class, () -> Idx.readU8(f, Integer.MAX_VALUE)).getMessage();
    }
}
