package org.grmodelfree.semantic.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader of IDX files, the format of (Fashion-)MNIST: a magic number of two zero bytes, the
 * element type (0x08 = unsigned byte) and the number of dimensions; then each dimension as a
 * big-endian int32; then the elements in row-major order. Files compressed with gzip are
 * recognised by their first two bytes (0x1f 0x8b), whatever their name.
 *
 * <p>Validation is strict: a wrong magic number, an unsupported element type, a negative
 * dimension, data that ends early and, when the whole file is read, bytes after the declared data
 * all end in a {@link DatasetFormatException} whose message starts with the file's path.
 */
public final class Idx {
    /** The element type code of unsigned bytes, the only one (Fashion-)MNIST uses. */
    public static final int UNSIGNED_BYTE = 0x08;

    private static final int GZIP_MAGIC = 0x1f8b;

    /**
     * An IDX array of unsigned bytes as read.
     *
     * @param file          where it was read from
     * @param dims          the dimensions, {@code dims[0]} being the number of items actually read
     * @param declaredCount the number of items the header declares
     * @param data          the elements of the items read, row-major
     */
    public record U8Array(Path file, int[] dims, int declaredCount, byte[] data) {
        /** Number of items read ({@code dims[0]}). */
        public int count() {
            return dims[0];
        }

        /** Elements per item: the product of {@code dims[1..]} (1 for a one-dimensional array). */
        public int itemSize() {
            int s = 1;
            for (int i = 1; i < dims.length; i++) {
                s *= dims[i];
            }
            return s;
        }
    }

    private Idx() {
    }

    /**
     * Reads the first {@code limit} items of an unsigned-byte IDX file (all of them when it has
     * fewer), gzip-compressed or not.
     *
     * @param file  the file; not modified
     * @param limit the most items to read, {@link Integer#MAX_VALUE} for all
     * @throws DatasetFormatException the file is not a valid unsigned-byte IDX file
     * @throws IOException            the file cannot be read
     */
    public static U8Array readU8(Path file, int limit) throws IOException {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        try (InputStream in = open(file)) {
            return readU8(file, in, limit);
        } catch (EOFException e) {
            throw new DatasetFormatException(file + ": truncated: the compressed data ends early", e);
        } catch (ZipException e) {
            throw new DatasetFormatException(file + ": damaged gzip data (" + e.getMessage() + ")", e);
        }
    }

    private static U8Array readU8(Path file, InputStream in, int limit) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) {
            throw new DatasetFormatException(file + ": too short for an IDX header (" + magic.length + " bytes)");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new DatasetFormatException(String.format("%s: not an IDX file: magic number 0x%08x does not start"
                    + " with two zero bytes", file, bigEndian(magic, 0)));
        }
        int type = magic[2] & 0xff;
        if (type != UNSIGNED_BYTE) {
            throw new DatasetFormatException(String.format("%s: IDX element type 0x%02x is not supported, only"
                    + " unsigned bytes (0x08)", file, type));
        }
        int ndims = magic[3] & 0xff;
        if (ndims == 0) {
            throw new DatasetFormatException(file + ": IDX header declares zero dimensions");
        }
        byte[] header = in.readNBytes(4 * ndims);
        if (header.length < 4 * ndims) {
            throw new DatasetFormatException(file + ": truncated: the header declares " + ndims
                    + " dimensions but the file ends after " + (4 + header.length) + " bytes");
        }
        int[] dims = new int[ndims];
        long itemSize = 1;
        for (int d = 0; d < ndims; d++) {
            dims[d] = bigEndian(header, 4 * d);
            if (dims[d] < 0) {
                throw new DatasetFormatException(file + ": IDX dimension " + d + " is negative (" + dims[d] + ")");
            }
            if (d > 0) {
                itemSize *= dims[d];
            }
        }
        int declared = dims[0];
        int count = Math.min(limit, declared);
        long bytes = count * itemSize;
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new DatasetFormatException(file + ": " + count + " items of " + itemSize
                    + " bytes do not fit one array");
        }
        byte[] data = new byte[(int) bytes];
        int got = in.readNBytes(data, 0, data.length);
        if (got < data.length) {
            throw new DatasetFormatException(file + ": truncated: the header declares " + declared + " items of "
                    + itemSize + " bytes, but the data ends after " + got + " bytes (" + (got / itemSize)
                    + " whole items)");
        }
        if (count == declared) {
            long extra = in.transferTo(java.io.OutputStream.nullOutputStream());
            if (extra > 0) {
                throw new DatasetFormatException(file + ": " + extra + " bytes after the " + declared
                        + " items the header declares");
            }
        }
        int[] readDims = Arrays.copyOf(dims, ndims);
        readDims[0] = count;
        return new U8Array(file, readDims, declared, data);
    }

    /** Opens a file for reading, through gzip when it starts with gzip's magic bytes. */
    static InputStream open(Path file) throws IOException {
        BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 >= 0 && b1 >= 0 && ((b0 << 8) | b1) == GZIP_MAGIC) {
            return new GZIPInputStream(raw, 1 << 16);
        }
        return raw;
    }

    private static int bigEndian(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }
}
