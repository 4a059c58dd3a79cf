package org.grmodelfree.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.grmodelfree.report.AtomicFiles;
import org.grmodelfree.report.Json;

/**
 * The cells' results, one JSON file each ({@code cells/KEY.json}), each written atomically as its
 * cell ends, so an interrupted sweep keeps every result it finished and a rerun skips them.
 */
final class ResultStore {
    private static final ObjectMapper JSON = Json.mapper();
    private final Path dir;

    ResultStore(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    Path file(String key) {
        return dir.resolve(key + ".json");
    }

    /** Writes (or replaces) a cell's result. */
    void write(CellResult r) throws IOException {
        AtomicFiles.writeString(file(r.key()), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r) + "\n");
    }

    /**
     * The finished result of a cell, or null when it has none (no file, a failed result, or a file
     * that does not read as a result of this key: then the cell runs again).
     */
    CellResult finished(String key) {
        Path f = file(key);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            CellResult r = JSON.readValue(f.toFile(), CellResult.class);
            return r.done() && key.equals(r.key()) ? r : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
