package org.grmodelfree.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.comm.EnergyScope;
import org.grmodelfree.nn.Adam;
import org.grmodelfree.nn.Param;
import org.grmodelfree.report.AtomicFiles;
import org.grmodelfree.train.Baseline;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.Method;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.Trainer;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageSizeException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;
import org.msgpack.value.ValueFactory;

/**
 * The link model file ({@code model.msgpack}): one msgpack map with keys {@code format}
 * ("gr-modelfree/link-model"), {@code version} (1), {@code config} (the {@link TrainConfig} in
 * snake_case), {@code iteration}, {@code train_seconds}, {@code tensors} (list of maps name, rows,
 * cols, data = little-endian float32 bytes; transmitter then receiver parameters),
 * {@code optimisers} (list of maps steps, moments = list of float32 byte strings) and
 * {@code history} (list of [iteration, seconds, rx_loss, tx_loss, bler]), and last {@code crc32c}.
 *
 * <p>Since version 2 every file of this layout (link models, block checkpoints, semantic models and
 * checkpoints) ends with the entry {@code crc32c}: the CRC-32C of every byte before it, written
 * with a fixed width (the key as a fixstr, the value as a uint32), so a file is still one plain
 * msgpack map that any msgpack reader opens. A file whose checksum does not match, or a version-2
 * file without one, is refused as corrupt. Version-1 files (written before the checksum) are still
 * read, without the check: they hold runs that may have taken hours and cannot be regenerated
 * without retraining, and one bit flip cannot turn a version-2 file into one (that needs both the
 * version and the checksum entry changed).
 */
public final class ModelFile {
    public static final String FORMAT = "gr-modelfree/link-model";
    /** The version written: 2, with the checksum. */
    public static final int VERSION = 2;
    /** The version before the checksum, still read. */
    public static final int VERSION_WITHOUT_CHECKSUM = 1;

    /** A model file read back: enough to rebuild and resume the trainer. */
    public record Loaded(TrainConfig config, int iteration, double trainSeconds,
                         Map<String, float[]> tensors, Map<String, int[]> shapes,
                         List<OptimiserState> optimisers, LearningCurve history) {
    }

    /** Adam's step count and moments. */
    public record OptimiserState(long steps, List<float[]> moments) {
    }

    private ModelFile() {
    }

    /** Writes the trainer's state atomically to file. */
    public static void save(Path file, Trainer trainer, double trainSeconds, LearningCurve history)
            throws IOException {
        byte[] bytes = encode(trainer, trainSeconds, history);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    public static byte[] encode(Trainer trainer, double trainSeconds, LearningCurve history) throws IOException {
        return encode(FORMAT, Map.of(), trainer.config(), trainer.iteration(), trainSeconds, params(trainer),
                trainer.optimisers(), history);
    }

    /**
     * The shared layout of model files and block checkpoints: format, version, extra keys (string
     * or long values), config, iteration, train_seconds, tensors, optimisers, history.
     */
    public static byte[] encode(String format, Map<String, Object> extra, TrainConfig config, int iteration,
                         double trainSeconds, List<Param> params, List<Adam> opts, LearningCurve history)
            throws IOException {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(8 + extra.size());
            p.packString("format").packString(format);
            p.packString("version").packInt(VERSION);
            for (Map.Entry<String, Object> e : extra.entrySet()) {
                p.packString(e.getKey());
                if (e.getValue() instanceof String v) {
                    p.packString(v);
                } else {
                    p.packLong((Long) e.getValue());
                }
            }
            p.packString("config");
            packConfig(p, config);
            p.packString("iteration").packInt(iteration);
            p.packString("train_seconds").packDouble(trainSeconds);
            packTensors(p, params);
            packOptimisers(p, opts);
            List<LearningCurve.Point> pts = history.points();
            p.packString("history").packArrayHeader(pts.size());
            for (LearningCurve.Point pt : pts) {
                p.packArrayHeader(5).packInt(pt.iteration()).packDouble(pt.seconds()).packDouble(pt.rxLoss())
                        .packDouble(pt.txLoss()).packDouble(pt.bler());
            }
            return seal(p.toByteArray());
        }
    }

    private static List<Param> params(Trainer t) {
        List<Param> all = new ArrayList<>(t.transmitter().params());
        all.addAll(t.receiver().params());
        all.addAll(t.policyParams());
        return all;
    }

    /** Packs key "tensors": a list of maps name, rows, cols, data (little-endian float32 bytes). */
    public static void packTensors(MessageBufferPacker p, List<Param> params) throws IOException {
        p.packString("tensors").packArrayHeader(params.size());
        for (Param prm : params) {
            p.packMapHeader(4);
            p.packString("name").packString(prm.name());
            p.packString("rows").packInt(prm.value().numRows);
            p.packString("cols").packInt(prm.value().numCols);
            p.packString("data");
            packFloats(p, prm.value().data, prm.size());
        }
    }

    /** Packs key "optimisers": a list of maps steps, moments (float32 byte strings). */
    public static void packOptimisers(MessageBufferPacker p, List<Adam> opts) throws IOException {
        p.packString("optimisers").packArrayHeader(opts.size());
        for (Adam a : opts) {
            p.packMapHeader(2);
            p.packString("steps").packLong(a.steps());
            float[][] m = a.moments();
            p.packString("moments").packArrayHeader(m.length);
            for (float[] arr : m) {
                packFloats(p, arr, arr.length);
            }
        }
    }

    private static void packFloats(MessageBufferPacker p, float[] data, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data, 0, n);
        p.packBinaryHeader(4 * n);
        p.writePayload(b.array());
    }

    private static void packConfig(MessageBufferPacker p, TrainConfig c) throws IOException {
        packFlatMap(p, configMap(c));
    }

    /** Packs a map of string keys to String, Boolean, Integer, Long or Double values (a configuration). */
    public static void packFlatMap(MessageBufferPacker p, Map<String, Object> m) throws IOException {
        p.packMapHeader(m.size());
        for (Map.Entry<String, Object> e : m.entrySet()) {
            p.packString(e.getKey());
            Object v = e.getValue();
            if (v instanceof String s) {
                p.packString(s);
            } else if (v instanceof Boolean b) {
                p.packBoolean(b);
            } else if (v instanceof Integer i) {
                p.packInt(i);
            } else if (v instanceof Long l) {
                p.packLong(l);
            } else {
                p.packDouble((Double) v);
            }
        }
    }

    /** The configuration as an ordered map of snake_case keys (also used in summary.json). */
    public static Map<String, Object> configMap(TrainConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("channel", c.channel().id());
        m.put("snr_db", c.snrDb());
        m.put("method", c.method().id());
        m.put("messages", c.messages());
        m.put("symbols", c.symbols());
        m.put("tx_hidden", c.txHidden());
        m.put("rx_hidden", c.rxHidden());
        m.put("iterations", c.iterations());
        m.put("batch_rx", c.batchRx());
        m.put("batch_tx", c.batchTx());
        m.put("rx_steps", c.rxSteps());
        m.put("tx_steps", c.txSteps());
        m.put("lr_rx", c.lrRx());
        m.put("lr_tx", c.lrTx());
        m.put("lr_final_factor", c.lrFinalFactor());
        m.put("sigma2", c.sigma2());
        m.put("sigma2_final", c.sigma2Final());
        m.put("baseline", c.baseline().id());
        m.put("fine_tune_steps", c.fineTuneSteps());
        m.put("seed", c.seed());
        m.put("eval_every", c.evalEvery());
        m.put("eval_messages", c.evalMessages());
        m.put("patience", c.patience());
        m.put("energy", c.energy().id());
        m.put("feedback_bits", c.feedbackBits());
        m.put("feedback_drop", c.feedbackDrop());
        m.put("mirrored", c.mirrored());
        m.put("rx_restart", c.rxRestart());
        m.put("learn_sigma2", c.learnSigma2());
        return m;
    }

    /** Reads and validates a model file. */
    public static Loaded load(Path file) throws IOException {
        byte[] bytes = read(file, "model file");
        try {
            return decode(bytes);
        } catch (ModelFormatException e) {
            String hint = e.getMessage().startsWith("format is '" + BlockCheckpointFile.FORMAT + "'")
                    ? " (a block's checkpoint: join the transmitter's and the receiver's into a model with"
                    + " ./modelfree export --transmitter TX.ckpt --receiver RX.ckpt --out model.msgpack)" : "";
            throw new ModelFormatException("model file " + file + ": " + e.getMessage() + hint, e);
        }
    }

    /** Decodes a file's bytes into T; throws IOException or ModelFormatException on bad bytes. */
    public interface Decoder<T> {
        T decode(byte[] bytes) throws IOException;
    }

    /**
     * Reads and decodes a file, naming it (as what, e.g. "checkpoint") and the problem in any
     * ModelFormatException, including one for bytes the decoder did not expect.
     */
    public static <T> T load(Path file, String what, Decoder<T> decoder) throws IOException {
        byte[] bytes = read(file, what);
        try {
            return decoder.decode(bytes);
        } catch (ModelFormatException e) {
            throw new ModelFormatException(what + " " + file + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException(what + " " + file + ": malformed (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
    }

    /** Writes bytes to file atomically (the old content or the new, never part), creating its folder. */
    public static void write(Path file, byte[] bytes) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /** The largest model or checkpoint file read (far above any link or semantic model this project trains). */
    public static final long MAX_FILE_BYTES = 1L << 30;

    /**
     * The bytes of a file, or a ModelFormatException naming it (as what) when it does not exist, is
     * not a regular file (a device such as /dev/zero would be read without end) or is larger than
     * {@link #MAX_FILE_BYTES}.
     */
    public static byte[] read(Path file, String what) throws IOException {
        if (!Files.exists(file)) {
            throw new ModelFormatException(what + " " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(what + " " + file + " is not a regular file");
        }
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new ModelFormatException(what + " " + file + " has " + size + " bytes, more than the "
                    + MAX_FILE_BYTES + " a model or checkpoint file may have");
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(what + " " + file + " does not exist");
        }
    }

    public static Loaded decode(byte[] bytes) throws IOException {
        return decode(bytes, FORMAT, Map.of());
    }

    /**
     * Decodes the shared layout, checking the format string; the extra keys named in extra (key to
     * an empty map on entry) are read as strings or integers into it. extra modified.
     */
    public static Loaded decode(byte[] bytes, String expectedFormat, Map<String, Object> extra) throws IOException {
        try {
            return decodeChecked(bytes, expectedFormat, extra);
        } catch (ModelFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException("malformed model file (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
    }

    /**
     * Walks the msgpack headers without materialising anything and rejects a declared length that
     * is larger than the bytes left, so a damaged header cannot make the decoder allocate gigabytes.
     */
    public static void checkLengths(byte[] bytes) throws IOException {
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(bytes)) {
            long pending = 1;
            while (pending > 0) {
                if (!u.hasNext()) {
                    throw new ModelFormatException("truncated or not msgpack (input ends inside a value)");
                }
                pending--;
                MessageFormat f = u.getNextFormat();
                switch (f.getValueType()) {
                    case ARRAY -> pending += declared(u.unpackArrayHeader(), 1, u, bytes, "array");
                    case MAP -> pending += 2 * declared(u.unpackMapHeader(), 2, u, bytes, "map");
                    case BINARY -> u.readPayloadAsReference(declared(u.unpackBinaryHeader(), 1, u, bytes, "byte string"));
                    case STRING -> u.readPayloadAsReference(declared(u.unpackRawStringHeader(), 1, u, bytes, "string"));
                    case EXTENSION -> u.readPayloadAsReference(
                            declared(u.unpackExtensionTypeHeader().getLength(), 1, u, bytes, "extension"));
                    default -> u.skipValue();
                }
            }
        } catch (MessageSizeException e) {
            throw new ModelFormatException("a length header is larger than any model file", e);
        } catch (MessagePackException | java.io.EOFException e) {
            // a byte that is no msgpack tag (0xc1), or a value cut off by the end of the input
            throw new ModelFormatException("truncated or not msgpack (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
    }

    private static int declared(int n, int minBytesEach, MessageUnpacker u, byte[] bytes, String what) {
        long left = bytes.length - u.getTotalReadBytes();
        if (n < 0 || (long) n * minBytesEach > left) {
            throw new ModelFormatException("truncated or damaged: a " + what + " declares " + (n & 0xffffffffL)
                    + " entries but only " + left + " bytes follow");
        }
        return n;
    }

    /**
     * The top-level map of a model file of the given format, after the length check, with its
     * format and version checked; anything else is a ModelFormatException.
     */
    public static Map<Value, Value> root(byte[] bytes, String expectedFormat) throws IOException {
        boolean sealed = hasChecksum(bytes);
        if (sealed) {
            verifyChecksum(bytes);
        }
        checkLengths(bytes);
        Value root;
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(bytes)) {
            root = u.unpackValue();
            if (!root.isMapValue()) {
                throw new ModelFormatException("not a gr-modelfree model (top level is " + root.getValueType()
                        + ", not a map)");
            }
            if (u.hasNext()) {
                throw new ModelFormatException("trailing bytes after the model map");
            }
        } catch (MessagePackException | java.io.EOFException e) {
            throw new ModelFormatException("truncated or not msgpack (" + e.getClass().getSimpleName() + ")", e);
        }
        Map<Value, Value> m = root.asMapValue().map();
        String format = string(m, "format");
        if (!expectedFormat.equals(format)) {
            throw new ModelFormatException("format is '" + format + "', expected '" + expectedFormat + "'");
        }
        long version = integer(m, "version");
        if (version != VERSION && version != VERSION_WITHOUT_CHECKSUM) {
            throw new ModelFormatException("format version " + version + " is not supported (this build reads "
                    + VERSION_WITHOUT_CHECKSUM + " and " + VERSION + ")");
        }
        if (version >= VERSION && !sealed) {
            throw new ModelFormatException("corrupt: a version-" + version + " file must end with its crc32c"
                    + " checksum, and this one does not (damaged or cut after it was written)");
        }
        return m;
    }

    /** The bytes that end every sealed file before the checksum: the key "crc32c" (fixstr), then uint32's tag. */
    private static final byte[] CHECKSUM_ENTRY = {(byte) 0xa6, 'c', 'r', 'c', '3', '2', 'c', (byte) 0xce};
    /** Length of the checksum entry: key, tag and the 4 big-endian bytes of the CRC-32C. */
    static final int CHECKSUM_BYTES = CHECKSUM_ENTRY.length + 4;

    /**
     * One msgpack map (without a checksum) with the entry {@code crc32c} appended: its map header
     * counts one entry more, and the CRC-32C covers every byte before the entry. map not modified.
     */
    public static byte[] seal(byte[] map) throws IOException {
        int tag = map.length == 0 ? -1 : map[0] & 0xff;
        long entries;
        int headerBytes;
        if (tag >= 0x80 && tag <= 0x8f) {
            entries = tag & 0x0f;
            headerBytes = 1;
        } else if (tag == 0xde && map.length >= 3) {
            entries = ByteBuffer.wrap(map, 1, 2).getShort() & 0xffff;
            headerBytes = 3;
        } else if (tag == 0xdf && map.length >= 5) {
            entries = ByteBuffer.wrap(map, 1, 4).getInt() & 0xffffffffL;
            headerBytes = 5;
        } else {
            throw new IllegalArgumentException("only a msgpack map can be sealed");
        }
        byte[] header;
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(Math.toIntExact(entries + 1));
            header = p.toByteArray();
        }
        int body = map.length - headerBytes;
        byte[] out = new byte[header.length + body + CHECKSUM_BYTES];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(map, headerBytes, out, header.length, body);
        System.arraycopy(CHECKSUM_ENTRY, 0, out, header.length + body, CHECKSUM_ENTRY.length);
        writeChecksum(out);
        return out;
    }

    /** Recomputes the checksum of a sealed file in place (tests damage the content behind it). */
    static void writeChecksum(byte[] sealed) {
        int at = sealed.length - 4;
        ByteBuffer.wrap(sealed, at, 4).putInt(crc32c(sealed, sealed.length - CHECKSUM_BYTES));
    }

    /** Whether the bytes end with a checksum entry. */
    static boolean hasChecksum(byte[] b) {
        int at = b.length - CHECKSUM_BYTES;
        return at > 0 && java.util.Arrays.equals(b, at, at + CHECKSUM_ENTRY.length, CHECKSUM_ENTRY, 0,
                CHECKSUM_ENTRY.length);
    }

    private static void verifyChecksum(byte[] b) {
        int stored = ByteBuffer.wrap(b, b.length - 4, 4).getInt();
        int computed = crc32c(b, b.length - CHECKSUM_BYTES);
        if (stored != computed) {
            throw new ModelFormatException(String.format(java.util.Locale.ROOT, "corrupt: its crc32c checksum is"
                    + " %08x but its content's is %08x (the bytes changed after the file was written; use a copy"
                    + " or train again)", stored, computed));
        }
    }

    private static int crc32c(byte[] b, int length) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b, 0, length);
        return (int) crc.getValue();
    }

    private static Loaded decodeChecked(byte[] bytes, String expectedFormat, Map<String, Object> extra)
            throws IOException {
        Map<Value, Value> m = root(bytes, expectedFormat);
        for (Map.Entry<String, Object> e : extra.entrySet()) {
            Value v = get(m, e.getKey());
            e.setValue(v.isStringValue() ? string(m, e.getKey()) : (Object) integer(m, e.getKey()));
        }
        TrainConfig config = configFrom(map(m, "config"));
        int iteration = int32(m, "iteration");
        if (iteration < 0) {
            throw new ModelFormatException("iteration " + iteration + " is negative");
        }
        double seconds = number(m, "train_seconds");
        Map<String, float[]> tensors = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        readTensors(m, tensors, shapes);
        List<OptimiserState> opts = readOptimisers(m);
        LearningCurve history = new LearningCurve();
        for (Value h : array(m, "history")) {
            if (!h.isArrayValue() || h.asArrayValue().size() != 5) {
                throw new ModelFormatException("history rows must be arrays of 5 numbers");
            }
            List<Value> r = h.asArrayValue().list();
            history.add(new LearningCurve.Point((int) num(r.get(0), "history"), num(r.get(1), "history"),
                    num(r.get(2), "history"), num(r.get(3), "history"), num(r.get(4), "history")));
        }
        return new Loaded(config, iteration, seconds, tensors, shapes, opts, history);
    }

    /** Reads key "tensors" of a model map into tensors and shapes (both modified). */
    public static void readTensors(Map<Value, Value> m, Map<String, float[]> tensors, Map<String, int[]> shapes) {
        for (Value t : array(m, "tensors")) {
            Map<Value, Value> tm = asMap(t, "tensor");
            String name = string(tm, "name");
            int rows = int32(tm, "rows");
            int cols = int32(tm, "cols");
            float[] data = floats(tm, "data", name);
            if (rows < 0 || cols < 0 || (long) rows * cols != data.length) {
                throw new ModelFormatException("tensor " + name + " declares " + rows + "x" + cols + " but holds "
                        + data.length + " values");
            }
            tensors.put(name, data);
            shapes.put(name, new int[] {rows, cols});
        }
    }

    /** Reads key "optimisers" of a model map. */
    public static List<OptimiserState> readOptimisers(Map<Value, Value> m) {
        List<OptimiserState> opts = new ArrayList<>();
        for (Value o : array(m, "optimisers")) {
            Map<Value, Value> om = asMap(o, "optimiser");
            List<float[]> moments = new ArrayList<>();
            for (Value v : array(om, "moments")) {
                if (!v.isBinaryValue()) {
                    throw new ModelFormatException("optimiser moment is not a float32 byte string");
                }
                moments.add(toFloats(v.asBinaryValue().asByteArray(), "optimiser moment"));
            }
            opts.add(new OptimiserState(integer(om, "steps"), moments));
        }
        return opts;
    }

    /** Builds a trainer for the file's configuration and restores weights, optimiser state and iteration. */
    public static Trainer restore(Loaded loaded) {
        return restore(loaded, loaded.config());
    }

    /**
     * Builds a trainer for {@code config} (which must describe the same networks as the file, e.g.
     * the file's configuration with more iterations) and restores the file's state into it.
     */
    public static Trainer restore(Loaded loaded, TrainConfig config) {
        Trainer t = Trainer.create(config);
        restoreParams(loaded, params(t));
        List<Adam> opts = t.optimisers();
        if (loaded.optimisers().size() != opts.size()) {
            throw new ModelFormatException(loaded.optimisers().size() + " optimiser states, the method needs "
                    + opts.size());
        }
        for (int i = 0; i < opts.size(); i++) {
            restoreOptimiser(loaded.optimisers().get(i), opts.get(i), i);
        }
        t.transmitter().parametersChanged();
        t.iteration(loaded.iteration());
        return t;
    }

    /** Copies the file's tensors into params by name, checking shapes and finiteness. params modified. */
    public static void restoreParams(Loaded loaded, List<Param> params) {
        restoreParams(loaded.tensors(), loaded.shapes(), params);
    }

    /** Copies tensors (by name, of the given shapes) into params, checking shapes and finiteness. params modified. */
    public static void restoreParams(Map<String, float[]> tensors, Map<String, int[]> shapes, List<Param> params) {
        for (Param p : params) {
            float[] data = tensors.get(p.name());
            if (data == null) {
                throw new ModelFormatException("tensor " + p.name() + " is missing");
            }
            int[] shape = shapes.get(p.name());
            if (shape[0] != p.value().numRows || shape[1] != p.value().numCols) {
                throw new ModelFormatException("tensor " + p.name() + " is " + shape[0] + "x" + shape[1]
                        + ", the model needs " + p.value().numRows + "x" + p.value().numCols);
            }
            for (float f : data) {
                if (!Float.isFinite(f)) {
                    throw new ModelFormatException("tensor " + p.name() + " holds a non-finite value");
                }
            }
            System.arraycopy(data, 0, p.value().data, 0, data.length);
        }
    }

    /** Restores one optimiser's step count and moments, checking them. live modified. */
    public static void restoreOptimiser(OptimiserState state, Adam live, int index) {
        float[][] moments = live.moments();
        List<float[]> saved = state.moments();
        if (saved.size() != moments.length) {
            throw new ModelFormatException("optimiser " + index + " has " + saved.size() + " moment arrays, expected "
                    + moments.length);
        }
        long steps = state.steps();
        if (steps < 0) {
            throw new ModelFormatException("optimiser " + index + " has a negative step count " + steps);
        }
        for (int j = 0; j < moments.length; j++) {
            if (saved.get(j).length != moments[j].length) {
                throw new ModelFormatException("optimiser " + index + " moment " + j + " has " + saved.get(j).length
                        + " values, expected " + moments[j].length);
            }
            for (float f : saved.get(j)) {
                if (!Float.isFinite(f) || (j % 2 == 1 && f < 0)) {
                    throw new ModelFormatException("optimiser " + index + " moment " + j + " holds " + f
                            + (j % 2 == 1 ? " (second moments must be finite and not negative)" : ""));
                }
            }
            System.arraycopy(saved.get(j), 0, moments[j], 0, moments[j].length);
        }
        live.steps(steps);
    }

    private static TrainConfig configFrom(Map<Value, Value> c) {
        try {
            return TrainConfig.builder(ChannelKind.parse(string(c, "channel"))).snrDb(number(c, "snr_db"))
                    .method(Method.parse(string(c, "method"))).messages(int32(c, "messages"))
                    .symbols(int32(c, "symbols")).txHidden(int32(c, "tx_hidden")).rxHidden(int32(c, "rx_hidden"))
                    .iterations(int32(c, "iterations")).batchRx(int32(c, "batch_rx")).batchTx(int32(c, "batch_tx"))
                    .rxSteps(int32(c, "rx_steps")).txSteps(int32(c, "tx_steps")).lrRx(number(c, "lr_rx"))
                    .lrTx(number(c, "lr_tx")).lrFinalFactor(number(c, "lr_final_factor"))
                    .sigma2(number(c, "sigma2")).sigma2Final(number(c, "sigma2_final"))
                    .baseline(Baseline.parse(string(c, "baseline"))).fineTuneSteps(int32(c, "fine_tune_steps"))
                    .seed(integer(c, "seed")).evalEvery(int32(c, "eval_every"))
                    .evalMessages(int32(c, "eval_messages")).patience(int32(c, "patience"))
                    // files from before the choice existed were all trained with the codebook's normalisation
                    .energy(c.containsKey(ValueFactory.newString("energy")) ? EnergyScope.parse(string(c, "energy"))
                            : EnergyScope.CODEBOOK)
                    // likewise with losses fed back exactly
                    .feedbackBits(c.containsKey(ValueFactory.newString("feedback_bits")) ? int32(c, "feedback_bits") : 0)
                    .feedbackDrop(c.containsKey(ValueFactory.newString("feedback_drop")) ? number(c, "feedback_drop") : 0)
                    // and with one draw per message
                    .mirrored(c.containsKey(ValueFactory.newString("mirrored")) && bool(c, "mirrored"))
                    // and with the receiver's rate on one cosine
                    .rxRestart(c.containsKey(ValueFactory.newString("rx_restart")) ? number(c, "rx_restart") : 0)
                    // and with the exploration variance scheduled
                    .learnSigma2(c.containsKey(ValueFactory.newString("learn_sigma2")) && bool(c, "learn_sigma2"))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException("config: " + e.getMessage(), e);
        }
    }

    private static Value get(Map<Value, Value> m, String key) {
        Value v = m.get(org.msgpack.value.ValueFactory.newString(key));
        if (v == null) {
            throw new ModelFormatException("key '" + key + "' is missing");
        }
        return v;
    }

    public static String string(Map<Value, Value> m, String key) {
        Value v = get(m, key);
        if (!v.isStringValue()) {
            throw new ModelFormatException("key '" + key + "' is " + v.getValueType() + ", expected a string");
        }
        try {
            return v.asStringValue().asString();
        } catch (MessagePackException e) {
            throw new ModelFormatException("key '" + key + "' is not valid UTF-8", e);
        }
    }

    public static boolean bool(Map<Value, Value> m, String key) {
        Value v = m.get(org.msgpack.value.ValueFactory.newString(key));
        if (v == null || !v.isBooleanValue()) {
            throw new ModelFormatException("key '" + key + "' must be a boolean");
        }
        return v.asBooleanValue().getBoolean();
    }

    public static long integer(Map<Value, Value> m, String key) {
        Value v = get(m, key);
        if (!v.isIntegerValue() || !v.asIntegerValue().isInLongRange()) {
            throw new ModelFormatException("key '" + key + "' is " + v.getValueType() + ", expected an integer");
        }
        return v.asIntegerValue().toLong();
    }

    public static int int32(Map<Value, Value> m, String key) {
        long v = integer(m, key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new ModelFormatException("key '" + key + "' is " + v + ", outside the 32-bit range");
        }
        return (int) v;
    }

    public static double number(Map<Value, Value> m, String key) {
        return num(get(m, key), key);
    }

    public static double num(Value v, String what) {
        if (v.isFloatValue()) {
            return v.asFloatValue().toDouble();
        }
        if (v.isIntegerValue()) {
            return v.asIntegerValue().toLong();
        }
        throw new ModelFormatException(what + " holds " + v.getValueType() + ", expected a number");
    }

    public static Map<Value, Value> map(Map<Value, Value> m, String key) {
        return asMap(get(m, key), key);
    }

    private static Map<Value, Value> asMap(Value v, String what) {
        if (!v.isMapValue()) {
            throw new ModelFormatException(what + " is " + v.getValueType() + ", expected a map");
        }
        return v.asMapValue().map();
    }

    public static List<Value> array(Map<Value, Value> m, String key) {
        Value v = get(m, key);
        if (!v.isArrayValue()) {
            throw new ModelFormatException("key '" + key + "' is " + v.getValueType() + ", expected an array");
        }
        return v.asArrayValue().list();
    }

    private static float[] floats(Map<Value, Value> m, String key, String name) {
        Value v = get(m, key);
        if (!v.isBinaryValue()) {
            throw new ModelFormatException("tensor " + name + " data is " + v.getValueType() + ", expected float32 bytes");
        }
        return toFloats(v.asBinaryValue().asByteArray(), "tensor " + name);
    }

    private static float[] toFloats(byte[] b, String what) {
        if (b.length % 4 != 0) {
            throw new ModelFormatException(what + ": " + b.length + " bytes is not a whole number of float32 values");
        }
        float[] f = new float[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }
}
