package org.grmodelfree.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Writes numeric tables as comma separated text: one header line, then one line per row, each
 * line ending with {@code \n}. Numbers keep full {@code double} precision; integral values with
 * magnitude below 1e15 are written without a fractional part (so counts read as integers), NaN is
 * written as {@code nan} and infinities as {@code inf} / {@code -inf}.
 */
public final class Csv {

    private static final double INTEGRAL_LIMIT = 1e15;

    private Csv() {
    }

    /**
     * Atomically writes a CSV file (see {@link AtomicFiles#write}). Header names containing a
     * comma, a double quote or a line break are quoted as in RFC 4180.
     *
     * @param file   file to create or replace; the file on disk is modified
     * @param header column names, at least one; not modified
     * @param rows   rows of exactly {@code header.size()} values each; neither the list nor the
     *               arrays are modified
     * @throws IllegalArgumentException if the header is empty, or a row is null or has the wrong
     *                                  length (the message names the row index and both lengths)
     * @throws IOException              if the file cannot be written
     */
    public static void write(Path file, List<String> header, List<double[]> rows) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(rows, "rows");
        if (header.isEmpty()) {
            throw new IllegalArgumentException("CSV header must have at least one column");
        }
        int columns = header.size();
        for (int r = 0; r < rows.size(); r++) {
            double[] row = rows.get(r);
            if (row == null) {
                throw new IllegalArgumentException("CSV row " + r + " is null");
            }
            if (row.length != columns) {
                throw new IllegalArgumentException("CSV row " + r + " has " + row.length
                        + " values but the header has " + columns + " columns");
            }
        }
        StringBuilder sb = new StringBuilder(64 + rows.size() * columns * 12);
        for (int c = 0; c < columns; c++) {
            if (c > 0) {
                sb.append(',');
            }
            sb.append(quote(Objects.requireNonNull(header.get(c), "header column " + c)));
        }
        sb.append('\n');
        for (double[] row : rows) {
            for (int c = 0; c < columns; c++) {
                if (c > 0) {
                    sb.append(',');
                }
                sb.append(format(row[c]));
            }
            sb.append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    /** Formats one value as described in the class comment. */
    static String format(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < INTEGRAL_LIMIT) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static String quote(String name) {
        if (name.indexOf(',') < 0 && name.indexOf('"') < 0
                && name.indexOf('\n') < 0 && name.indexOf('\r') < 0) {
            return name;
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
