package org.grmodelfree.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Generated inputs for a model or checkpoint decoder: mutations of a valid file (bit flips, byte
 * replacements, hostile length headers, splices), truncations, extensions and random bytes. Three
 * inputs in four are mutated behind the checksum (the content is damaged, then the checksum
 * recomputed), so that the structure parser itself is exercised and not only the checksum check.
 * Each input is generated from its own seed (base seed and index), so a failure names the seed that
 * reproduces it. An input must decode (and pass the check, e.g. a restore) or be refused with a
 * {@link ModelFormatException} or {@link IOException} with a message; anything else fails.
 */
public final class FileFuzzer {
    /** Decodes bytes and checks the result; throws a ModelFormatException or IOException on bad bytes. */
    @FunctionalInterface
    public interface Target {
        void accept(byte[] bytes) throws IOException;
    }

    /** Counts of one run. */
    public record Result(int inputs, int accepted, int rejected, int rejectedByChecksum, double seconds) {
        public String line(String what) {
            return String.format(Locale.ROOT, "fuzz %s: %d inputs, %d accepted, %d rejected (%d by the checksum),"
                    + " %.1f s", what, inputs, accepted, rejected, rejectedByChecksum, seconds);
        }
    }

    /** Length headers that promise far more than any input holds, and other msgpack tags worth trying. */
    private static final byte[][] HOSTILE = {
        {(byte) 0xdd, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // array32 of 2^31-1
        {(byte) 0xdf, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // map32 of 2^32-1
        {(byte) 0xc6, (byte) 0x80, 0, 0, 0}, // bin32 of 2^31
        {(byte) 0xdb, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // str32
        {(byte) 0xc9, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1}, // ext32
        {(byte) 0xdc, (byte) 0xff, (byte) 0xff}, // array16
        {(byte) 0xde, (byte) 0xff, (byte) 0xff}, // map16
        {(byte) 0xc5, (byte) 0xff, (byte) 0xff}, // bin16
        {(byte) 0xcf, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff}, // uint64 max
        {(byte) 0xd3, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0}, // int64 min
        {(byte) 0xcb, 0x7f, (byte) 0xf8, 0, 0, 0, 0, 0, 0}, // float64 NaN
        {(byte) 0xcb, 0x7f, (byte) 0xf0, 0, 0, 0, 0, 0, 0}, // float64 +inf
        {(byte) 0xd2, (byte) 0x80, 0, 0, 0}, // int32 min
        {(byte) 0xce, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // uint32 2^31-1
        {(byte) 0xc1}, // never used
        {(byte) 0xc0}, // nil
    };

    private FileFuzzer() {
    }

    /**
     * Runs count generated inputs from the valid sealed file through target; fails, naming the seed
     * and index, on any outcome other than acceptance or a clear ModelFormatException/IOException.
     */
    public static Result run(byte[] valid, long seed, int count, Target target) {
        assertTrue(ModelFile.hasChecksum(valid), "the seed input must be a sealed file");
        byte[] payload = Arrays.copyOf(valid, valid.length - ModelFile.CHECKSUM_BYTES);
        long t0 = System.nanoTime();
        int accepted = 0;
        int rejected = 0;
        int byChecksum = 0;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long inputSeed = seed * 1_000_003L + i;
            Random r = new Random(inputSeed);
            byte[] input;
            if (r.nextInt(4) == 0) {
                input = mutate(valid, r); // the checksum refuses almost all of these
            } else {
                input = reseal(mutate(payload, r), valid);
            }
            try {
                target.accept(input);
                accepted++;
            } catch (ModelFormatException | IOException e) {
                if (e.getMessage() == null || e.getMessage().isBlank()) {
                    failures.add("input " + i + " (seed " + inputSeed + "): " + e.getClass().getSimpleName()
                            + " without a message");
                }
                Throwable bug = programmingError(e);
                if (bug == null && e.getMessage() != null && e.getMessage().startsWith("malformed")) {
                    bug = e.getCause(); // only the loader's catch-all caught it: no check of the decoder did
                }
                if (bug != null) {
                    failures.add("input " + i + " (seed " + inputSeed + "): refused, but by " + bug + " inside: "
                            + e.getMessage());
                }
                if (e.getMessage() != null && e.getMessage().contains("crc32c checksum is")) {
                    byChecksum++;
                }
                rejected++;
            } catch (Throwable t) {
                failures.add("input " + i + " (seed " + inputSeed + ", " + input.length + " bytes): " + t);
            }
            if (failures.size() >= 5) {
                break;
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " inputs ended otherwise than accepted or refused with a"
                + " clear ModelFormatException: " + failures);
        return new Result(count, accepted, rejected, byChecksum, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * A programming error behind a refusal: the decoders turn unexpected runtime exceptions into a
     * ModelFormatException ("malformed ..."), which must not hide a NullPointerException, an index
     * out of bounds or a negative array size that a check should have caught with a clear message.
     */
    private static Throwable programmingError(Throwable e) {
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof NullPointerException || c instanceof IndexOutOfBoundsException
                    || c instanceof NegativeArraySizeException || c instanceof ClassCastException
                    || c instanceof ArithmeticException || c instanceof IllegalStateException) {
                return c;
            }
        }
        return null;
    }

    /** The payload followed by a checksum entry that matches it. */
    private static byte[] reseal(byte[] payload, byte[] valid) {
        byte[] b = Arrays.copyOf(payload, payload.length + ModelFile.CHECKSUM_BYTES);
        System.arraycopy(valid, valid.length - ModelFile.CHECKSUM_BYTES, b, payload.length, ModelFile.CHECKSUM_BYTES);
        ModelFile.writeChecksum(b);
        return b;
    }

    /** One mutation of b (not modified), chosen by r. */
    static byte[] mutate(byte[] b, Random r) {
        byte[] m = b.clone();
        switch (r.nextInt(9)) {
            case 0 -> { // bit flips
                int n = 1 + r.nextInt(4);
                for (int k = 0; k < n; k++) {
                    int bit = r.nextInt(8 * m.length);
                    m[bit / 8] ^= (byte) (1 << (bit % 8));
                }
            }
            case 1 -> { // byte replacements, biased towards msgpack tags and small values
                int n = 1 + r.nextInt(4);
                for (int k = 0; k < n; k++) {
                    m[r.nextInt(m.length)] = (byte) (r.nextBoolean() ? 0xc0 + r.nextInt(64) : r.nextInt(256));
                }
            }
            case 2 -> m = Arrays.copyOf(m, r.nextInt(m.length)); // truncation
            case 3 -> { // a hostile header written over the bytes somewhere
                byte[] h = HOSTILE[r.nextInt(HOSTILE.length)];
                int at = r.nextInt(m.length);
                System.arraycopy(h, 0, m, at, Math.min(h.length, m.length - at));
            }
            case 4 -> { // a hostile header inserted
                byte[] h = HOSTILE[r.nextInt(HOSTILE.length)];
                int at = r.nextInt(m.length + 1);
                byte[] n = new byte[m.length + h.length];
                System.arraycopy(m, 0, n, 0, at);
                System.arraycopy(h, 0, n, at, h.length);
                System.arraycopy(m, at, n, at + h.length, m.length - at);
                m = n;
            }
            case 5 -> { // a chunk copied over another place (e.g. one map's bytes into another's)
                int len = 1 + r.nextInt(Math.min(64, m.length));
                System.arraycopy(b, r.nextInt(b.length - len + 1), m, r.nextInt(m.length - len + 1), len);
            }
            case 6 -> { // a chunk removed
                int from = r.nextInt(m.length);
                int len = 1 + r.nextInt(Math.min(32, m.length - from));
                byte[] n = new byte[m.length - len];
                System.arraycopy(m, 0, n, 0, from);
                System.arraycopy(m, from + len, n, from, m.length - from - len);
                m = n;
            }
            case 7 -> { // random bytes appended
                byte[] extra = new byte[1 + r.nextInt(64)];
                r.nextBytes(extra);
                m = Arrays.copyOf(m, m.length + extra.length);
                System.arraycopy(extra, 0, m, m.length - extra.length, extra.length);
            }
            default -> { // random bytes of a random length, sometimes starting with a map tag
                m = new byte[r.nextInt(r.nextBoolean() ? 16 : 2048)];
                r.nextBytes(m);
                if (m.length > 0 && r.nextBoolean()) {
                    m[0] = (byte) (0x80 + r.nextInt(16));
                }
            }
        }
        return m;
    }
}
