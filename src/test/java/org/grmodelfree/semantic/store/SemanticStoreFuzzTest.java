package org.grmodelfree.semantic.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.grmodelfree.comm.Rng;
import org.grmodelfree.nn.Param;
import org.grmodelfree.semantic.data.Dataset;
import org.grmodelfree.semantic.model.Agent;
import org.grmodelfree.semantic.model.AgentLearner;
import org.grmodelfree.semantic.model.SemanticConfig;
import org.grmodelfree.semantic.model.SemanticCurve;
import org.grmodelfree.semantic.model.SemanticMethod;
import org.grmodelfree.semantic.model.SemanticTrainer;
import org.grmodelfree.store.FileFuzzer;
import org.grmodelfree.store.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;
import org.msgpack.value.ValueFactory;

/**
 * 100,000 generated inputs each for the semantic model file and the semantic block checkpoint
 * decoders (issue 17): each decodes, or is refused with a clear ModelFormatException. The decoders
 * are called directly, without the loader's net that turns any runtime exception into one.
 */
class SemanticStoreFuzzTest {
    static final int INPUTS = 100_000;

    @TempDir
    Path dir;

    @Test
    void semantic_model_files_decode_or_are_refused_clearly() throws IOException {
        SemanticConfig c = new SemanticConfig("mnist", SemanticMethod.RL, true, 0, 0, 14, 16, 40, 1e-3, 2e-4, -4, 6,
                0.15, true, true, true, 1, 2, 3, 1, 5);
        Random r = new Random(345);
        byte[] px = new byte[40 * 28 * 28];
        r.nextBytes(px);
        int[] labels = new int[40];
        Arrays.setAll(labels, i -> i % 10);
        Dataset d = Dataset.of("noise", 28, 28, px, labels, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
        SemanticCurve curve = new SemanticCurve();
        curve.add(new SemanticCurve.Point(1, 2.5, 2.0, 2.3, 2.4, 0.15, 2.2, 0.1));
        Path file = dir.resolve("m.msgpack");
        SemanticModelFile.save(file, new SemanticTrainer(c, d), 2.5, 2.0, curve);
        // The whole model is hundreds of kilobytes; its first tensors and moments keep every kind of
        // entry the decoder reads (the shapes are checked on restore, not here) at a size that lets
        // 100,000 inputs run in seconds.
        byte[] valid = trimmed(Files.readAllBytes(file));
        assertEquals(c, SemanticModelFile.decode(valid).config());
        FileFuzzer.Result res = FileFuzzer.run(valid, 27, INPUTS, SemanticModelFile::decode);
        System.err.println(res.line("semantic model (" + valid.length + " bytes)"));
        assertEquals(INPUTS, res.accepted() + res.rejected());
        assertTrue(res.rejected() > res.rejectedByChecksum(), "the structure parser must see damaged inputs too");
    }

    @Test
    void semantic_block_checkpoints_decode_or_are_refused_clearly() throws IOException {
        SemanticConfig c = new SemanticConfig("mnist", SemanticMethod.RL, true, 1000, 0, 14, 56, 8, 1e-3, 2e-4, 0, 0,
                0.15, false, true, true, 2, 2, 4, 1, 3);
        AgentLearner learner = new AgentLearner(new Agent("agent2", true, 14, new Rng(5)), c);
        List<Param> tensors = new ArrayList<>(learner.agent().params());
        tensors.addAll(learner.agent().buffers());
        Map<String, Object> counters = new LinkedHashMap<>();
        counters.put("batches_sent", 17L);
        counters.put("last_epoch_loss", 0.25);
        Path file = dir.resolve("agent2.ckpt");
        SemanticBlockCheckpoint.save(file, "semantic-agent", 2, c, 42, tensors, learner.optimiser(), counters);
        byte[] valid = trimmed(Files.readAllBytes(file));
        assertEquals(42, SemanticBlockCheckpoint.decode(valid).step());
        FileFuzzer.Result res = FileFuzzer.run(valid, 28, INPUTS, SemanticBlockCheckpoint::decode);
        System.err.println(res.line("semantic block checkpoint (" + valid.length + " bytes)"));
        assertEquals(INPUTS, res.accepted() + res.rejected());
        assertTrue(res.rejected() > res.rejectedByChecksum(), "the structure parser must see damaged inputs too");
    }

    /** The sealed file with at most three tensors, each of at most 8 values, and moments of at most 8 values. */
    private static byte[] trimmed(byte[] sealed) throws IOException {
        Map<Value, Value> m;
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(sealed)) {
            m = new LinkedHashMap<>(u.unpackValue().asMapValue().map());
        }
        m.remove(ValueFactory.newString("crc32c"));
        List<Value> ts = new ArrayList<>();
        for (Value t : m.get(ValueFactory.newString("tensors")).asArrayValue().list().subList(0, 3)) {
            Map<Value, Value> tm = new LinkedHashMap<>(t.asMapValue().map());
            tm.put(ValueFactory.newString("rows"), ValueFactory.newInteger(2));
            tm.put(ValueFactory.newString("cols"), ValueFactory.newInteger(4));
            tm.put(ValueFactory.newString("data"), shortened(tm.get(ValueFactory.newString("data"))));
            ts.add(ValueFactory.newMap(tm));
        }
        m.put(ValueFactory.newString("tensors"), ValueFactory.newArray(ts));
        List<Value> opts = new ArrayList<>();
        for (Value o : m.get(ValueFactory.newString("optimisers")).asArrayValue().list().subList(0, 1)) {
            Map<Value, Value> om = new LinkedHashMap<>(o.asMapValue().map());
            List<Value> moments = new ArrayList<>();
            for (Value v : om.get(ValueFactory.newString("moments")).asArrayValue().list().subList(0, 2)) {
                moments.add(shortened(v));
            }
            om.put(ValueFactory.newString("moments"), ValueFactory.newArray(moments));
            opts.add(ValueFactory.newMap(om));
        }
        m.put(ValueFactory.newString("optimisers"), ValueFactory.newArray(opts));
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packValue(ValueFactory.newMap(m));
            return ModelFile.seal(p.toByteArray());
        }
    }

    private static Value shortened(Value floats) {
        byte[] b = floats.asBinaryValue().asByteArray();
        byte[] s = Arrays.copyOf(b, 32);
        if (b.length < 32) {
            Arrays.fill(s, b.length, 32, (byte) 0);
        }
        return ValueFactory.newBinary(s);
    }
}
