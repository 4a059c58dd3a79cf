package org.grmodelfree.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
