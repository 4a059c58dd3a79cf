package org.grmodelfree.semantic.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grmodelfree.nn.Adam;
import org.grmodelfree.nn.Param;
import org.grmodelfree.semantic.model.SemanticConfig;
import org.grmodelfree.store.ModelFile;
import org.grmodelfree.store.ModelFormatException;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.value.Value;

/**
 * The checkpoint of one process of a distributed RL-SINFONY run (a semantic agent or the semantic
 * receiver): one msgpack map in the layout of {@link ModelFile} with format
 * "gr-modelfree/semantic-block-checkpoint": {@code version}, {@code block} (the block's name),
 * {@code agent} (the agent's index, -1 for the receiver), {@code config} (as in
 * {@link SemanticModelFile}), {@code step} (the next batch the block will handle),
 * {@code tensors} (the block's parameters, then its batch-norm running statistics),
 * {@code optimisers} (its one Adam), {@code counters} (a flat map of numbers) and the checksum
 * {@code crc32c} (as in {@link ModelFile}). Written
 * atomically, so a process killed at any moment leaves the previous checkpoint or the new one.
 */
public final class SemanticBlockCheckpoint {
    public static final String FORMAT = "gr-modelfree/semantic-block-checkpoint";

    /**
     * A checkpoint read back.
     *
     * @param block the block's name, e.g. "semantic-agent"
     * @param agent the agent's index, -1 for the receiver
     * @param config the run's configuration
     * @param step the next batch the block will handle
     * @param counters the block's counters by name
     */
    public record Loaded(String block, int agent, SemanticConfig config, long step, Map<String, float[]> tensors,
                         Map<String, int[]> shapes, ModelFile.OptimiserState optimiser, Map<String, Double> counters) {
    }

    private SemanticBlockCheckpoint() {
    }

    /**
     * Writes a checkpoint atomically. tensors: the block's parameters and buffers; counters: Long,
     * Integer or Double values. Nothing modified.
     */
    public static void save(Path file, String block, int agent, SemanticConfig config, long step, List<Param> tensors,
                            Adam optimiser, Map<String, Object> counters) throws IOException {
        byte[] bytes;
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(9);
            p.packString("format").packString(FORMAT);
            p.packString("version").packInt(ModelFile.VERSION);
            p.packString("block").packString(block);
            p.packString("agent").packInt(agent);
            p.packString("config");
            ModelFile.packFlatMap(p, SemanticModelFile.configMap(config));
            p.packString("step").packLong(step);
            ModelFile.packTensors(p, tensors);
            ModelFile.packOptimisers(p, List.of(optimiser));
            p.packString("counters");
            ModelFile.packFlatMap(p, counters);
            bytes = ModelFile.seal(p.toByteArray());
        }
        ModelFile.write(file, bytes);
    }

    /** Reads and validates a checkpoint; names the file and the problem on failure. */
    public static Loaded load(Path file) throws IOException {
        return ModelFile.load(file, "checkpoint", SemanticBlockCheckpoint::decode);
    }

    static Loaded decode(byte[] bytes) throws IOException {
        Map<Value, Value> m = ModelFile.root(bytes, FORMAT);
        String block = ModelFile.string(m, "block");
        int agent = ModelFile.int32(m, "agent");
        SemanticConfig config = SemanticModelFile.configFrom(ModelFile.map(m, "config"));
        long step = ModelFile.integer(m, "step");
        if (step < 0) {
            throw new ModelFormatException("step " + step + " is negative");
        }
        Map<String, float[]> tensors = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        ModelFile.readTensors(m, tensors, shapes);
        List<ModelFile.OptimiserState> opts = ModelFile.readOptimisers(m);
        if (opts.size() != 1) {
            throw new ModelFormatException(opts.size() + " optimiser states, a block has one");
        }
        Map<String, Double> counters = new LinkedHashMap<>();
        for (Map.Entry<Value, Value> e : ModelFile.map(m, "counters").entrySet()) {
            String name;
            try {
                name = e.getKey().asStringValue().asString();
            } catch (org.msgpack.core.MessagePackException notText) {
                throw new ModelFormatException("counter names must be strings of valid UTF-8", notText);
            }
            counters.put(name, ModelFile.num(e.getValue(), "counter " + name));
        }
        return new Loaded(block, agent, config, step, tensors, shapes, opts.get(0), counters);
    }

    /**
     * Restores the checkpoint into a block: checks that the same block (and agent) of the same run
     * wrote it, then copies tensors and optimiser state. tensors and optimiser modified.
     */
    public static void restore(Loaded loaded, String block, int agent, SemanticConfig config, List<Param> tensors,
                               Adam optimiser) {
        if (!loaded.block().equals(block) || loaded.agent() != agent) {
            throw new ModelFormatException("checkpoint was written by " + who(loaded.block(), loaded.agent())
                    + ", not " + who(block, agent));
        }
        Map<String, Object> want = SemanticModelFile.configMap(config);
        Map<String, Object> have = SemanticModelFile.configMap(loaded.config());
        for (Map.Entry<String, Object> e : want.entrySet()) {
            if (!String.valueOf(have.get(e.getKey())).equals(String.valueOf(e.getValue()))) {
                throw new ModelFormatException("checkpoint is of another run: its " + e.getKey() + " is "
                        + have.get(e.getKey()) + ", this run's is " + e.getValue());
            }
        }
        ModelFile.restoreParams(loaded.tensors(), loaded.shapes(), tensors);
        ModelFile.restoreOptimiser(loaded.optimiser(), optimiser, 0);
    }

    private static String who(String block, int agent) {
        return "the " + block + " block" + (agent >= 0 ? " of agent " + agent : "");
    }
}
