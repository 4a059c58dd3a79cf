package org.grmodelfree.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.nn.Adam;
import org.grmodelfree.nn.Param;
import org.grmodelfree.train.Baseline;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.Method;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;
import org.msgpack.value.ValueFactory;

class ModelFileTest {

    static final TrainConfig CONFIG = TrainConfig.builder(ChannelKind.RBF).snrDb(20).method(Method.ALTERNATING)
            .messages(16).symbols(2).hidden(16).iterations(20).batch(64).rxSteps(2).txSteps(1).lrRx(1e-2).lrTx(1e-2)
            .lrFinalFactor(0.1).sigma2(0.1).sigma2Final(0.02).baseline(Baseline.MEAN).fineTuneSteps(3).seed(42)
            .evalEvery(5).evalMessages(1_000).patience(2).build();

    static Trainer trainer;
    static LearningCurve history;
    static byte[] good;

    @BeforeAll
    static void trainALittle() throws IOException {
        trainer = Trainer.create(CONFIG);
        history = new LearningCurve();
        for (int i = 0; i < 4; i++) {
            Trainer.IterationStats s = trainer.iterate();
            history.add(new LearningCurve.Point(s.iteration(), 0.25 * i, s.rxLoss(), s.txLoss(),
                    i == 3 ? 0.125 : Double.NaN));
        }
        good = ModelFile.encode(trainer, 12.5, history);
    }

    // ------------------------------------------------------------ round trip

    @Test
    void roundTripPreservesEverything() throws IOException {
        ModelFile.Loaded l = ModelFile.decode(good);
        assertEquals(CONFIG, l.config());
        assertEquals(4, l.iteration());
        assertEquals(12.5, l.trainSeconds());
        List<Param> params = new ArrayList<>(trainer.transmitter().params());
        params.addAll(trainer.receiver().params());
        assertEquals(params.size(), l.tensors().size());
        for (Param p : params) {
            assertArrayEquals(p.value().data, l.tensors().get(p.name()), p.name());
            assertArrayEquals(new int[] {p.value().numRows, p.value().numCols}, l.shapes().get(p.name()), p.name());
        }
        assertEquals(trainer.optimisers().size(), l.optimisers().size());
        for (int i = 0; i < l.optimisers().size(); i++) {
            Adam a = trainer.optimisers().get(i);
            assertEquals(a.steps(), l.optimisers().get(i).steps());
            float[][] m = a.moments();
            assertEquals(m.length, l.optimisers().get(i).moments().size());
            for (int j = 0; j < m.length; j++) {
                assertArrayEquals(m[j], l.optimisers().get(i).moments().get(j));
            }
        }
        assertEquals(history.points(), l.history().points()); // NaN bler included
        assertTrue(Double.isNaN(l.history().points().get(0).bler()));

        Trainer r = ModelFile.restore(l);
        assertEquals(4, r.iteration());
        assertEquals(CONFIG, r.config());
        assertArrayEquals(trainer.transmitter().codebook().data, r.transmitter().codebook().data);
        for (int i = 0; i < params.size(); i++) {
            Param restored = i < trainer.transmitter().params().size()
                    ? r.transmitter().params().get(i)
                    : r.receiver().params().get(i - trainer.transmitter().params().size());
            assertArrayEquals(params.get(i).value().data, restored.value().data);
        }
        // and encoding the restored trainer gives the same bytes
        assertArrayEquals(good, ModelFile.encode(r, 12.5, history));
    }

    @Test
    void saveAndLoadThroughAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model.msgpack");
        ModelFile.save(file, trainer, 12.5, history);
        assertArrayEquals(good, Files.readAllBytes(file));
        ModelFile.Loaded l = ModelFile.load(file);
        assertEquals(CONFIG, l.config());
        assertEquals(history.points(), l.history().points());
        // overwriting leaves only the new model and no temporary files
        ModelFile.save(file, trainer, 99, new LearningCurve());
        assertEquals(99, ModelFile.load(file).trainSeconds());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(file), s.toList());
        }
    }

    @Test
    void loadNamesTheFileInItsErrors(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nope.msgpack");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(missing));
        assertTrue(e.getMessage().contains("nope.msgpack") && e.getMessage().contains("does not exist"), e.getMessage());
        Path bad = dir.resolve("bad.msgpack");
        Files.write(bad, java.util.Arrays.copyOf(good, 100));
        e = assertThrows(ModelFormatException.class, () -> ModelFile.load(bad));
        assertTrue(e.getMessage().contains("bad.msgpack") && e.getMessage().contains("truncated"), e.getMessage());
    }

    // ------------------------------------------------------------ checksum

    /** Every single bit flipped anywhere in a file is refused as corrupt: the weights and rates loaded silently. */
    @Test
    void every_single_bit_flip_is_refused_as_corrupt() {
        assertTrue(ModelFile.hasChecksum(good));
        int refused = 0;
        for (int bit = 0; bit < 8 * good.length; bit++) {
            byte[] b = good.clone();
            b[bit / 8] ^= (byte) (1 << (bit % 8));
            try {
                ModelFile.decode(b);
                fail("bit " + bit + " flipped: accepted");
            } catch (ModelFormatException e) {
                assertTrue(e.getMessage().contains("corrupt") || e.getMessage().contains("checksum")
                        || bit / 8 >= good.length - ModelFile.CHECKSUM_BYTES, "bit " + bit + ": " + e.getMessage());
                refused++;
            } catch (IOException e) {
                fail("bit " + bit + ": " + e);
            }
        }
        assertEquals(8 * good.length, refused);
    }

    /** A flipped bit in a file on disk: one line naming the file, saying corrupt, stored and computed sums. */
    @Test
    void a_corrupt_file_is_named_with_both_checksums(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model.msgpack");
        byte[] b = good.clone();
        b[good.length / 2] ^= 0x10; // inside a weight
        Files.write(file, b);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(file));
        String stored = HexFormat.of().formatHex(good, good.length - 4, good.length);
        assertTrue(e.getMessage().startsWith("model file " + file + ": corrupt: its crc32c checksum is " + stored
                + " but its content's is "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    /** A version-1 file (before the checksum) still loads, so runs trained before it are not lost. */
    @Test
    void a_version_1_file_without_checksum_still_loads() throws IOException {
        Value root;
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(good)) {
            root = u.unpackValue();
        }
        Map<Value, Value> m = new LinkedHashMap<>(root.asMapValue().map());
        m.remove(key("crc32c"));
        m.put(key("version"), ValueFactory.newInteger(1));
        byte[] v1 = pack(ValueFactory.newMap(m));
        assertFalse(ModelFile.hasChecksum(v1));
        ModelFile.Loaded l = ModelFile.decode(v1);
        assertEquals(CONFIG, l.config());
        assertArrayEquals(ModelFile.decode(good).tensors().get("tx.embedding.table"), l.tensors().get("tx.embedding.table"));

        m.put(key("version"), ValueFactory.newInteger(2));
        expectFormatError("version 2 without its checksum", pack(ValueFactory.newMap(m)),
                "must end with its crc32c checksum");
    }

    // ------------------------------------------------------------ damaged bytes

    @Test
    void truncatedAtEveryCutPointIsAFormatError() {
        for (int cut = 0; cut < good.length; cut++) {
            byte[] part = java.util.Arrays.copyOf(good, cut);
            expectFormatError("cut at " + cut, part, null);
        }
    }

    @Test
    void trailingBytesAreAFormatError() {
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
        expectFormatError("trailing byte", longer, "trailing");
    }

    /**
     * Random garbage, biased towards small bytes (msgpack fixints and fixmap/fixarray tags). Tags
     * with a 32-bit length (bin32, str32, ext32, array32, map32) are left out here: on a decoder
     * that trusts them they allocate up to gigabytes, so they have their own test below.
     */
    @Test
    void randomGarbageIsAFormatError() {
        Random rand = new Random(345);
        for (int i = 0; i < 2_000; i++) {
            byte[] b = new byte[rand.nextInt(201)];
            for (int j = 0; j < b.length; j++) {
                b[j] = safeByte(rand);
            }
            expectFormatError("garbage #" + i + " " + HexFormat.of().formatHex(b), b, null);
        }
    }

    /** Bytes of the valid file overwritten at random: decode (and restore) fail cleanly or succeed. */
    @Test
    void randomlyDamagedFilesFailCleanlyOrRestore() {
        Random rand = new Random(346);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] b = good.clone();
            int flips = 1 + rand.nextInt(3);
            StringBuilder where = new StringBuilder();
            for (int f = 0; f < flips; f++) {
                int pos = rand.nextInt(b.length);
                b[pos] = safeByte(rand);
                where.append(pos).append(' ');
            }
            try {
                ModelFile.Loaded l = ModelFile.decode(b);
                if (l.config().equals(CONFIG)) { // other configurations could ask for any network size
                    ModelFile.restore(l);
                }
            } catch (ModelFormatException e) {
                assertClear(e);
            } catch (Throwable t) {
                failures.add("damage at " + where + "-> " + t);
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " damaged files gave other exceptions than "
                + "ModelFormatException, e.g. " + failures.subList(0, Math.min(3, failures.size())));
    }

    static Stream<Arguments> hostileHeaders() {
        return Stream.of(
                Arguments.of("map32 of 2^30 entries", "df40000000"),
                Arguments.of("array32 of 2^31-1 elements", "dd7fffffff"),
                Arguments.of("bin32 of 2^31-1 bytes", "c67fffffff"),
                Arguments.of("str32 of 2^31-1 bytes", "db7fffffff"),
                Arguments.of("map of one key whose value is a 2^31-1 element array",
                        "81a6666f726d6174dd7fffffff"));
    }

    /** Headers promising more than the input holds must be rejected before anything is allocated. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileHeaders")
    void lengthHeadersLargerThanTheInputAreAFormatError(String what, String hex) {
        expectFormatError(what, HexFormat.of().parseHex(hex), null);
    }

    // ------------------------------------------------------------ well-formed msgpack, wrong content

    @Test
    void notAMapIsAFormatError() throws IOException {
        expectFormatError("array", pack(ValueFactory.newArray(ValueFactory.newInteger(1))), "not a map");
        expectFormatError("string", pack(ValueFactory.newString("gr-modelfree/link-model")), "not a map");
        expectFormatError("empty map", pack(ValueFactory.emptyMap()), "'format' is missing");
    }

    @Test
    void wrongFormatStringIsAFormatError() throws IOException {
        byte[] b = edit(m -> m.put(key("format"), ValueFactory.newString("gr-modelfree/other")));
        expectFormatError("other format", b, "format is 'gr-modelfree/other'");
        byte[] n = edit(m -> m.put(key("format"), ValueFactory.newInteger(1)));
        expectFormatError("format as integer", n, "'format'");
    }

    @Test
    void formatStringThatIsNotUtf8IsAFormatError() throws IOException {
        byte[] b = edit(m -> m.put(key("format"), ValueFactory.newString(new byte[] {(byte) 0xff, (byte) 0xfe})));
        expectFormatError("format of invalid UTF-8", b, "format");
    }

    @Test
    void tensorNameThatIsNotUtf8IsAFormatError() throws IOException {
        byte[] b = editTensor(0, t -> t.put(key("name"), ValueFactory.newString(new byte[] {(byte) 0xc3, 0x28})));
        expectFormatError("tensor name of invalid UTF-8", b, null);
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {0, 3, -1, 1000})
    void wrongVersionIsAFormatError(int version) throws IOException {
        byte[] b = edit(m -> m.put(key("version"), ValueFactory.newInteger(version)));
        expectFormatError("version " + version, b, "version " + version + " is not supported");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"format", "version", "config", "iteration", "train_seconds", "tensors", "optimisers",
        "history"})
    void missingTopLevelKeyIsAFormatError(String name) throws IOException {
        byte[] b = edit(m -> m.remove(key(name)));
        expectFormatError("without " + name, b, "'" + name + "' is missing");
    }

    @Test
    void missingConfigKeyIsAFormatError() throws IOException {
        for (String name : ModelFile.configMap(CONFIG).keySet()) {
            if (name.equals("energy") || name.startsWith("feedback_") || name.equals("mirrored")
                    || name.equals("rx_restart") || name.equals("learn_sigma2")) {
                continue; // optional: older files were all trained with the codebook's normalisation (below)
            }
            byte[] b = editConfig(c -> c.remove(key(name)));
            expectFormatError("config without " + name, b, "'" + name + "' is missing");
        }
    }

    @Test
    void aFileFromBeforeMirroredExplorationLoadsWithOneDrawPerMessage() throws IOException {
        byte[] b = editConfig(c -> c.remove(key("mirrored")));
        assertFalse(ModelFile.decode(b).config().mirrored());
        byte[] wrong = editConfig(c -> c.put(key("mirrored"), ValueFactory.newString("yes")));
        expectFormatError("mirrored not a boolean", wrong, "'mirrored' must be a boolean");
    }

    @Test
    void aFileFromBeforeTheLearnedExplorationVarianceLoadsWithAScheduledOne() throws IOException {
        byte[] b = editConfig(c -> c.remove(key("learn_sigma2")));
        assertFalse(ModelFile.decode(b).config().learnSigma2());
        byte[] wrong = editConfig(c -> c.put(key("learn_sigma2"), ValueFactory.newInteger(1)));
        expectFormatError("learn_sigma2 not a boolean", wrong, "'learn_sigma2' must be a boolean");
    }

    @Test
    void aFileFromBeforeTheReceiverRestartLoadsWithoutOne() throws IOException {
        byte[] b = editConfig(c -> c.remove(key("rx_restart")));
        assertEquals(0.0, ModelFile.decode(b).config().rxRestart());
        byte[] set = editConfig(c -> c.put(key("rx_restart"), ValueFactory.newFloat(0.25)));
        assertEquals(0.25, ModelFile.decode(set).config().rxRestart());
        byte[] bad = editConfig(c -> c.put(key("rx_restart"), ValueFactory.newFloat(1.5)));
        expectFormatError("rx_restart 1.5", bad, "receiver's rate restart");
    }

    @Test
    void aFileFromBeforeTheEnergyChoiceLoadsWithTheCodebooksNormalisation() throws IOException {
        byte[] b = editConfig(c -> c.remove(key("energy")));
        assertEquals(org.grmodelfree.comm.EnergyScope.CODEBOOK, ModelFile.decode(b).config().energy());
        byte[] batch = editConfig(c -> c.put(key("energy"), ValueFactory.newString("batch")));
        assertEquals(org.grmodelfree.comm.EnergyScope.BATCH, ModelFile.decode(batch).config().energy());
        byte[] bad = editConfig(c -> c.put(key("energy"), ValueFactory.newString("peak")));
        expectFormatError("energy peak", bad, "expected codebook or batch");
    }

    @Test
    void invalidConfigValueIsAFormatError() throws IOException {
        byte[] b = editConfig(c -> c.put(key("sigma2"), ValueFactory.newFloat(1.5)));
        expectFormatError("sigma2 = 1.5", b, "config: exploration variance");
        byte[] ch = editConfig(c -> c.put(key("channel"), ValueFactory.newString("rayleigh")));
        expectFormatError("channel rayleigh", ch, "rayleigh");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"name", "rows", "cols", "data"})
    void missingTensorFieldIsAFormatError(String name) throws IOException {
        byte[] b = editTensor(1, t -> t.remove(key(name)));
        expectFormatError("tensor without " + name, b, "'" + name + "' is missing");
    }

    @Test
    void tensorWhoseDeclaredShapeDoesNotFitItsDataIsAFormatError() throws IOException {
        byte[] b = editTensor(0, t -> t.put(key("rows"), ValueFactory.newInteger(17)));
        expectFormatError("rows 17", b, "tx.embedding.table declares 17x16 but holds 256 values");
        byte[] neg = editTensor(0, t -> {
            t.put(key("rows"), ValueFactory.newInteger(-16));
            t.put(key("cols"), ValueFactory.newInteger(-16));
        });
        expectFormatError("negative shape", neg, "declares -16x-16");
        byte[] odd = editTensor(0, t -> t.put(key("data"), ValueFactory.newBinary(new byte[1023])));
        expectFormatError("1023 bytes", odd, "not a whole number of float32");
    }

    @Test
    void tensorOfAnotherShapeThanTheModelIsAFormatErrorOnRestore() throws IOException {
        // tx.dense.w is 16 x 4; the same 64 values declared 4 x 16
        byte[] swapped = editTensorNamed("tx.dense.w", t -> {
            t.put(key("rows"), ValueFactory.newInteger(4));
            t.put(key("cols"), ValueFactory.newInteger(16));
        });
        ModelFile.Loaded l = ModelFile.decode(swapped);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.restore(l));
        assertTrue(e.getMessage().contains("tx.dense.w is 4x16, the model needs 16x4"), e.getMessage());
        // one row fewer, consistently declared
        byte[] shorter = editTensorNamed("tx.dense.w", t -> {
            t.put(key("rows"), ValueFactory.newInteger(15));
            byte[] d = t.get(key("data")).asBinaryValue().asByteArray();
            t.put(key("data"), ValueFactory.newBinary(java.util.Arrays.copyOf(d, d.length - 16)));
        });
        ModelFile.Loaded l2 = ModelFile.decode(shorter);
        e = assertThrows(ModelFormatException.class, () -> ModelFile.restore(l2));
        assertTrue(e.getMessage().contains("tx.dense.w is 15x4"), e.getMessage());
        // a model for another configuration: restoring with this file's tensors fails the same way
        ModelFile.Loaded ok = ModelFile.decode(good);
        TrainConfig wider = CONFIG.toBuilder().txHidden(32).build();
        e = assertThrows(ModelFormatException.class, () -> ModelFile.restore(ok, wider));
        assertTrue(e.getMessage().contains("tx.embedding.table is 16x16, the model needs 16x32"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
    void nonFiniteTensorValueIsAFormatErrorOnRestore(float bad) throws IOException {
        byte[] b = editTensorNamed("rx.dense2.w", t -> {
            byte[] d = t.get(key("data")).asBinaryValue().asByteArray();
            ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN).putFloat(4 * 7, bad);
            t.put(key("data"), ValueFactory.newBinary(d));
        });
        ModelFile.Loaded l = ModelFile.decode(b);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.restore(l));
        assertTrue(e.getMessage().contains("rx.dense2.w") && e.getMessage().contains("non-finite"), e.getMessage());
    }

    @Test
    void missingTensorIsAFormatErrorOnRestore() throws IOException {
        byte[] b = edit(m -> {
            List<Value> ts = new ArrayList<>(m.get(key("tensors")).asArrayValue().list());
            ts.remove(2);
            m.put(key("tensors"), ValueFactory.newArray(ts));
        });
        ModelFile.Loaded l = ModelFile.decode(b);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.restore(l));
        assertTrue(e.getMessage().contains("tx.dense.b is missing"), e.getMessage());
    }

    @Test
    void optimiserStateThatDoesNotFitIsAFormatErrorOnRestore() throws IOException {
        byte[] one = edit(m -> {
            List<Value> os = new ArrayList<>(m.get(key("optimisers")).asArrayValue().list());
            os.remove(1);
            m.put(key("optimisers"), ValueFactory.newArray(os));
        });
        ModelFile.Loaded l = ModelFile.decode(one);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.restore(l));
        assertTrue(e.getMessage().contains("1 optimiser states, the method needs 2"), e.getMessage());
        byte[] shortMoment = editOptimiser(0, o -> {
            List<Value> ms = new ArrayList<>(o.get(key("moments")).asArrayValue().list());
            ms.set(1, ValueFactory.newBinary(new byte[8]));
            o.put(key("moments"), ValueFactory.newArray(ms));
        });
        ModelFile.Loaded l2 = ModelFile.decode(shortMoment);
        e = assertThrows(ModelFormatException.class, () -> ModelFile.restore(l2));
        assertTrue(e.getMessage().contains("optimiser 0 moment 1 has 2 values"), e.getMessage());
        byte[] notBytes = editOptimiser(1, o -> o.put(key("moments"),
                ValueFactory.newArray(ValueFactory.newString("x"))));
        expectFormatError("moment as string", notBytes, "float32 byte string");
        byte[] noSteps = editOptimiser(1, o -> o.remove(key("steps")));
        expectFormatError("without steps", noSteps, "'steps' is missing");
    }

    static Stream<Arguments> corruptState() {
        Consumer<Map<Value, Value>> nanMoment = o -> setMomentValue(o, 0, 3, Float.NaN);
        Consumer<Map<Value, Value>> negativeSecondMoment = o -> setMomentValue(o, 1, 3, -1f);
        Consumer<Map<Value, Value>> negativeSteps = o -> o.put(key("steps"), ValueFactory.newInteger(-5));
        return Stream.of(
                Arguments.of("NaN in a first moment", nanMoment),
                Arguments.of("negative second moment", negativeSecondMoment),
                Arguments.of("negative step count", negativeSteps));
    }

    /**
     * Optimiser state that Adam cannot have reached: restoring it would silently turn the next
     * step's weights into NaN, which is what the tensor check exists to prevent.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptState")
    void impossibleOptimiserStateIsAFormatErrorOnRestore(String what, Consumer<Map<Value, Value>> damage)
            throws IOException {
        ModelFile.Loaded l = ModelFile.decode(editOptimiser(0, damage));
        assertThrows(ModelFormatException.class, () -> ModelFile.restore(l), what);
    }

    @Test
    void negativeIterationIsAFormatError() throws IOException {
        byte[] b = edit(m -> m.put(key("iteration"), ValueFactory.newInteger(-3)));
        assertThrows(ModelFormatException.class, () -> ModelFile.restore(ModelFile.decode(b)));
    }

    @Test
    void malformedHistoryIsAFormatError() throws IOException {
        byte[] rows4 = edit(m -> m.put(key("history"), ValueFactory.newArray(ValueFactory.newArray(
                ValueFactory.newInteger(1), ValueFactory.newFloat(1), ValueFactory.newFloat(1),
                ValueFactory.newFloat(1)))));
        expectFormatError("history row of 4", rows4, "history rows must be arrays of 5 numbers");
        byte[] text = edit(m -> m.put(key("history"), ValueFactory.newArray(ValueFactory.newArray(
                ValueFactory.newInteger(1), ValueFactory.newFloat(1), ValueFactory.newString("x"),
                ValueFactory.newFloat(1), ValueFactory.newFloat(1)))));
        expectFormatError("history with text", text, "expected a number");
    }

    @Test
    void wrongTypesAreFormatErrors() throws IOException {
        expectFormatError("tensors as map", edit(m -> m.put(key("tensors"), ValueFactory.emptyMap())),
                "'tensors' is MAP, expected an array");
        expectFormatError("config as array", edit(m -> m.put(key("config"), ValueFactory.emptyArray())),
                "config is ARRAY, expected a map");
        expectFormatError("iteration as text", edit(m -> m.put(key("iteration"), ValueFactory.newString("4"))),
                "'iteration' is STRING, expected an integer");
        expectFormatError("iteration beyond long", edit(m -> m.put(key("iteration"),
                ValueFactory.newInteger(new java.math.BigInteger("18446744073709551615")))), "'iteration'");
        expectFormatError("tensor as integer", edit(m -> m.put(key("tensors"),
                ValueFactory.newArray(ValueFactory.newInteger(3)))), "tensor is INTEGER, expected a map");
        expectFormatError("data as string", editTensor(0, t -> t.put(key("data"), ValueFactory.newString("abcd"))),
                "expected float32 bytes");
        // a whole-number train time written as an integer is accepted
        ModelFile.Loaded l = ModelFile.decode(edit(m -> m.put(key("train_seconds"), ValueFactory.newInteger(7))));
        assertEquals(7.0, l.trainSeconds());
    }

    // ------------------------------------------------------------ helpers

    /** decode (and, when it succeeds, restore) must throw a ModelFormatException with a clear message. */
    private static void expectFormatError(String what, byte[] bytes, String expectedInMessage) {
        ModelFormatException e;
        try {
            ModelFile.Loaded l = ModelFile.decode(bytes);
            try {
                ModelFile.restore(l);
            } catch (ModelFormatException ok) {
                assertClear(ok);
                return;
            }
            fail(what + ": accepted");
            return;
        } catch (ModelFormatException ok) {
            e = ok;
        } catch (Throwable t) {
            fail(what + ": " + t + " instead of a ModelFormatException", t);
            return;
        }
        assertClear(e);
        if (expectedInMessage != null) {
            assertTrue(e.getMessage().contains(expectedInMessage),
                    what + ": message '" + e.getMessage() + "' should contain '" + expectedInMessage + "'");
        }
    }

    private static void assertClear(ModelFormatException e) {
        assertTrue(e.getMessage() != null && e.getMessage().length() >= 10, "unclear message: " + e.getMessage());
        assertFalse(e.getMessage().contains("null"), "message mentions null: " + e.getMessage());
    }

    /** Any byte except the tags of 32-bit-length msgpack types (bin32, ext32, str32, array32, map32). */
    private static byte safeByte(Random rand) {
        while (true) {
            int b = rand.nextBoolean() ? rand.nextInt(16) : rand.nextInt(256);
            if (b != 0xc6 && b != 0xc9 && b != 0xdb && b != 0xdd && b != 0xdf) {
                return (byte) b;
            }
        }
    }

    private static Value key(String s) {
        return ValueFactory.newString(s);
    }

    private static byte[] pack(Value v) throws IOException {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packValue(v);
            return p.toByteArray();
        }
    }

    /** The valid file with its top-level map edited. */
    private static byte[] edit(Consumer<Map<Value, Value>> change) throws IOException {
        Value root;
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(good)) {
            root = u.unpackValue();
        }
        Map<Value, Value> m = new LinkedHashMap<>(root.asMapValue().map());
        m.remove(key("crc32c"));
        change.accept(m);
        return ModelFile.seal(pack(ValueFactory.newMap(m)));
    }

    /** The good file with its configuration map changed. */
    private static byte[] editConfig(Consumer<Map<Value, Value>> change) throws IOException {
        return edit(m -> {
            Map<Value, Value> c = new LinkedHashMap<>(m.get(key("config")).asMapValue().map());
            change.accept(c);
            m.put(key("config"), ValueFactory.newMap(c));
        });
    }

    private static byte[] editTensor(int index, Consumer<Map<Value, Value>> change) throws IOException {
        return editListEntry("tensors", index, change);
    }

    private static byte[] editOptimiser(int index, Consumer<Map<Value, Value>> change) throws IOException {
        return editListEntry("optimisers", index, change);
    }

    private static byte[] editListEntry(String list, int index, Consumer<Map<Value, Value>> change) throws IOException {
        return edit(m -> {
            List<Value> items = new ArrayList<>(m.get(key(list)).asArrayValue().list());
            Map<Value, Value> item = new LinkedHashMap<>(items.get(index).asMapValue().map());
            change.accept(item);
            items.set(index, ValueFactory.newMap(item));
            m.put(key(list), ValueFactory.newArray(items));
        });
    }

    private static byte[] editTensorNamed(String name, Consumer<Map<Value, Value>> change) throws IOException {
        List<Param> params = new ArrayList<>(trainer.transmitter().params());
        params.addAll(trainer.receiver().params());
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).name().equals(name)) {
                return editTensor(i, change);
            }
        }
        throw new IllegalArgumentException("no tensor " + name);
    }

    private static void setMomentValue(Map<Value, Value> optimiser, int moment, int index, float value) {
        List<Value> ms = new ArrayList<>(optimiser.get(key("moments")).asArrayValue().list());
        byte[] d = ms.get(moment).asBinaryValue().asByteArray();
        ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN).putFloat(4 * index, value);
        ms.set(moment, ValueFactory.newBinary(d));
        optimiser.put(key("moments"), ValueFactory.newArray(ms));
    }
}
