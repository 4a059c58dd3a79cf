package org.grmodelfree.semantic.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.Rng;
import org.grmodelfree.nn.Param;
import org.grmodelfree.semantic.model.Agent;
import org.grmodelfree.semantic.model.AgentLearner;
import org.grmodelfree.semantic.model.SemanticConfig;
import org.grmodelfree.semantic.model.SemanticMethod;
import org.grmodelfree.store.ModelFile;
import org.grmodelfree.store.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint of a semantic block process: an agent's weights, batch-norm statistics and Adam
 * state come back exactly; another agent's, block's or run's file and a damaged file are refused
 * with a message that names the problem.
 */
class SemanticBlockCheckpointTest {
    private static final String AGENT = "semantic-agent";

    @TempDir
    Path dir;

    private static SemanticConfig config(long seed) {
        return new SemanticConfig("mnist", SemanticMethod.RL, true, 1000, 0, 14, 56, 8, 1e-3, 2e-4, 0, 0, 0.15,
                false, true, true, 2, 2, 4, 1, seed);
    }

    private static List<Param> tensors(Agent a) {
        List<Param> l = new ArrayList<>(a.params());
        l.addAll(a.buffers());
        return l;
    }

    /** An agent after two policy-gradient steps: weights, running statistics and Adam moved. */
    private static AgentLearner trained(SemanticConfig c) {
        AgentLearner l = new AgentLearner(new Agent("agent2", true, 14, new Rng(5)), c);
        Random r = new Random(8);
        FMatrixRMaj quads = new FMatrixRMaj(c.batch(), l.agent().inputSize());
        for (int step = 0; step < 2; step++) {
            for (int i = 0; i < quads.data.length; i++) {
                quads.data[i] = r.nextFloat();
            }
            FMatrixRMaj x = l.send(quads, true, new Rng(step));
            float[] w = new float[x.numRows];
            for (int i = 0; i < w.length; i++) {
                w[i] = r.nextFloat() - 0.5f;
            }
            l.learn(w, c.lr());
        }
        return l;
    }

    private Path saved(AgentLearner l, SemanticConfig c) throws Exception {
        Path file = dir.resolve("sub/agent2.ckpt");
        Map<String, Object> counters = new LinkedHashMap<>();
        counters.put("batches_sent", 17L);
        counters.put("last_epoch_loss", 0.25);
        SemanticBlockCheckpoint.save(file, AGENT, 2, c, 42, tensors(l.agent()), l.optimiser(), counters);
        return file;
    }

    @Test
    void anAgentComesBackExactly() throws Exception {
        SemanticConfig c = config(3);
        AgentLearner a = trained(c);
        Path file = saved(a, c);

        SemanticBlockCheckpoint.Loaded loaded = SemanticBlockCheckpoint.load(file);
        assertEquals(AGENT, loaded.block());
        assertEquals(2, loaded.agent());
        assertEquals(c, loaded.config());
        assertEquals(42, loaded.step());
        assertEquals(17.0, loaded.counters().get("batches_sent"));
        assertEquals(0.25, loaded.counters().get("last_epoch_loss"));

        AgentLearner b = new AgentLearner(new Agent("agent2", true, 14, new Rng(99)), c);
        List<Param> ta = tensors(a.agent());
        List<Param> tb = tensors(b.agent());
        assertFalse(Arrays.equals(ta.get(0).value().data, tb.get(0).value().data), "the fresh agent differs");
        SemanticBlockCheckpoint.restore(loaded, AGENT, 2, c, tb, b.optimiser());
        for (int i = 0; i < ta.size(); i++) {
            assertArrayEquals(ta.get(i).value().data, tb.get(i).value().data, ta.get(i).name());
        }
        assertFalse(a.agent().buffers().isEmpty());
        assertEquals(a.optimiser().steps(), b.optimiser().steps());
        assertEquals(2, b.optimiser().steps());
        for (int j = 0; j < a.optimiser().moments().length; j++) {
            assertArrayEquals(a.optimiser().moments()[j], b.optimiser().moments()[j], "moment " + j);
        }
    }

    @Test
    void anotherAgentsBlocksOrRunsCheckpointIsRefused() throws Exception {
        SemanticConfig c = config(3);
        AgentLearner a = trained(c);
        SemanticBlockCheckpoint.Loaded loaded = SemanticBlockCheckpoint.load(saved(a, c));
        List<Param> t = tensors(a.agent());

        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> SemanticBlockCheckpoint.restore(loaded, AGENT, 1, c, t, a.optimiser()));
        assertTrue(e.getMessage().contains("semantic-agent block of agent 2, not the semantic-agent block of agent 1"),
                e.getMessage());
        e = assertThrows(ModelFormatException.class,
                () -> SemanticBlockCheckpoint.restore(loaded, "semantic-receiver", -1, c, t, a.optimiser()));
        assertTrue(e.getMessage().contains("not the semantic-receiver block"), e.getMessage());
        e = assertThrows(ModelFormatException.class,
                () -> SemanticBlockCheckpoint.restore(loaded, AGENT, 2, config(4), t, a.optimiser()));
        assertTrue(e.getMessage().contains("another run: its seed is 3, this run's is 4"), e.getMessage());
    }

    @Test
    void aTruncatedOrMissingFileIsNamed() throws Exception {
        SemanticConfig c = config(3);
        Path file = saved(trained(c), c);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 100));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SemanticBlockCheckpoint.load(file));
        assertTrue(e.getMessage().startsWith("checkpoint " + file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        Path missing = dir.resolve("none.ckpt");
        e = assertThrows(ModelFormatException.class, () -> SemanticBlockCheckpoint.load(missing));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());

        try (org.msgpack.core.MessageBufferPacker p = org.msgpack.core.MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(2);
            p.packString("format").packString(SemanticModelFile.FORMAT);
            p.packString("version").packInt(ModelFile.VERSION);
            Files.write(file, p.toByteArray());
        }
        e = assertThrows(ModelFormatException.class, () -> SemanticBlockCheckpoint.load(file));
        assertTrue(e.getMessage().contains("expected '" + SemanticBlockCheckpoint.FORMAT + "'"), e.getMessage());
    }
}
