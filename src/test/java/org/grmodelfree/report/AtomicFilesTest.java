package org.grmodelfree.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            List<String> out = new ArrayList<>();
            s.forEach(p -> out.add(p.getFileName().toString()));
            return out;
        }
    }

    @Test
    void replacesContentAndLeavesNoTempFile() throws IOException {
        Path target = dir.resolve("summary.txt");
        AtomicFiles.writeString(target, "first");
        AtomicFiles.writeString(target, "second \u00e9");
        assertEquals("second \u00e9", Files.readString(target, StandardCharsets.UTF_8));
        assertEquals(List.of("summary.txt"), names(dir));
    }

    @Test
    void createsParentDirectoriesAndUsesHiddenTempNameInSameDirectory() throws IOException {
        Path target = dir.resolve("a/b/out.csv");
        List<String> seen = new ArrayList<>();
        AtomicFiles.write(target, out -> {
            seen.addAll(names(target.getParent()));
            out.write(new byte[] {1, 2, 3});
        });
        assertEquals(1, seen.size());
        assertTrue(seen.get(0).startsWith(".out.csv.tmp"), seen.get(0));
        assertEquals(3, Files.size(target));
        assertEquals(List.of("out.csv"), names(target.getParent()));
    }

    @Test
    void failingWriterLeavesPreviousContentAndNoTempFile() throws IOException {
        Path target = dir.resolve("result.json");
        AtomicFiles.writeString(target, "old");
        IOException boom = new IOException("boom");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("partial new content".getBytes(StandardCharsets.UTF_8));
            throw boom;
        }));
        assertSame(boom, thrown);
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("result.json"), names(dir));

        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, out -> {
            out.write(42);
            throw new IllegalStateException("bug");
        }));
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("result.json"), names(dir));
    }

    @Test
    void writerMayCloseTheStream() throws IOException {
        Path target = dir.resolve("closed.bin");
        AtomicFiles.write(target, out -> {
            try (out) {
                out.write("abc".getBytes(StandardCharsets.US_ASCII));
            }
        });
        assertEquals("abc", Files.readString(target));
        assertEquals(List.of("closed.bin"), names(dir));
    }

    /**
     * A temporary file that a killed write left (older than ten minutes) is removed by the next write
     * of the same file; a fresh one (a write in progress) and other files' are kept. They stayed
     * forever before.
     */
    @Test
    void the_next_write_removes_what_a_killed_write_left() throws IOException {
        Path target = dir.resolve("model.msgpack");
        Path stale = dir.resolve(".model.msgpack.tmp3fa2");
        Path fresh = dir.resolve(".model.msgpack.tmp9c01");
        Path other = dir.resolve(".other.msgpack.tmp77");
        for (Path f : List.of(stale, fresh, other)) {
            Files.writeString(f, "partial");
        }
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() - AtomicFiles.STALE.toMillis() - 60_000);
        Files.setLastModifiedTime(stale, old);
        Files.setLastModifiedTime(other, old);
        AtomicFiles.writeString(target, "complete");
        assertEquals("complete", Files.readString(target));
        assertFalse(Files.exists(stale), "the killed write's temporary file is still there");
        assertTrue(Files.exists(fresh), "a write in progress lost its temporary file");
        assertTrue(Files.exists(other), "another file's temporary file was removed");
    }
}
