package org.grmodelfree.report;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that readers see either the complete old content or the complete new content,
 * never a partial file: the bytes go to a hidden temporary file in the target's directory, are
 * forced to disk, and the temporary file is then renamed over the target atomically.
 */
public final class AtomicFiles {

    /** Produces the content of a file. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the whole content to {@code out}. Closing {@code out} is allowed but not needed;
         * the caller owns the underlying file.
         *
         * @param out destination stream; written to
         * @throws IOException if the content cannot be produced or written
         */
        void write(OutputStream out) throws IOException;
    }

    private static final int MAX_NAME_ATTEMPTS = 100;

    private AtomicFiles() {
    }

    /**
     * Atomically replaces {@code target} with the bytes produced by {@code writer}. Missing parent
     * directories are created. The content first goes to a temporary file named
     * {@code "." + target file name + ".tmp" + random suffix} in the same directory, which is
     * flushed and forced to disk and then moved onto {@code target} with
     * {@link StandardCopyOption#ATOMIC_MOVE} and {@link StandardCopyOption#REPLACE_EXISTING}.
     * If {@code writer} (or any later step) fails, the temporary file is deleted, an existing
     * {@code target} is left untouched, and the exception propagates.
     *
     * @param target file to create or replace; the file on disk is modified, the path is not
     * @param writer produces the content; not modified (it is only called once)
     * @throws IOException if writing, syncing or renaming fails, or if {@code writer} throws it
     */
    public static void write(Path target, Writer writer) throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(writer, "writer");
        Path absolute = target.toAbsolutePath();
        Path fileName = absolute.getFileName();
        if (fileName == null) {
            throw new IllegalArgumentException("target has no file name: " + target);
        }
        Path dir = absolute.getParent();
        Files.createDirectories(dir);

        Path tmp = null;
        try {
            FileChannel channel = null;
            for (int attempt = 0; channel == null; attempt++) {
                Path candidate = dir.resolve("." + fileName + ".tmp"
                        + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
                try {
                    channel = FileChannel.open(candidate,
                            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    tmp = candidate;
                } catch (FileAlreadyExistsException e) {
                    if (attempt >= MAX_NAME_ATTEMPTS) {
                        throw e;
                    }
                }
            }
            try (FileChannel ch = channel) {
                OutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                writer.write(new NonClosingOutputStream(buffered));
                buffered.flush();
                ch.force(true);
            }
            Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException | RuntimeException | Error e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        syncDirectory(dir);
        removeStaleTemporaries(dir, fileName.toString());
    }

    /** A temporary file this much older than now is left from a write that was killed (SIGKILL). */
    static final java.time.Duration STALE = java.time.Duration.ofMinutes(10);

    /**
     * Best effort: deletes the target's temporary files that a killed write left behind (older than
     * {@link #STALE}; a write in progress is seconds old). Returns how many it deleted.
     */
    static int removeStaleTemporaries(Path dir, String fileName) {
        String prefix = "." + fileName + ".tmp";
        long cutoff = System.currentTimeMillis() - STALE.toMillis();
        int removed = 0;
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String n = f.getFileName().toString();
                if (n.startsWith(prefix) && n.substring(prefix.length()).matches("[0-9a-f]+")
                        && Files.getLastModifiedTime(f).toMillis() < cutoff && Files.deleteIfExists(f)) {
                    removed++;
                }
            }
        } catch (IOException ignored) {
            // best effort: the write itself has succeeded
        }
        return removed;
    }

    /**
     * Atomically replaces {@code target} with {@code text} encoded as UTF-8, as
     * {@link #write(Path, Writer)} does.
     *
     * @param target file to create or replace; the file on disk is modified, the path is not
     * @param text content to write; not modified
     * @throws IOException if writing, syncing or renaming fails
     */
    public static void writeString(Path target, String text) throws IOException {
        Objects.requireNonNull(text, "text");
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }

    /** Best effort: makes the rename itself durable where the platform allows syncing a directory. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Not supported on every platform or file system; the data itself is already synced.
        }
    }

    /** Lets writers close "their" stream without closing the channel that still has to be synced. */
    private static final class NonClosingOutputStream extends FilterOutputStream {
        NonClosingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
