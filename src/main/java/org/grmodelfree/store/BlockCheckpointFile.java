package org.grmodelfree.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grmodelfree.nn.Adam;
import org.grmodelfree.nn.Param;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.TrainConfig;

/**
 * The checkpoint of one learning block of a split run (the transmitter or the receiver process):
 * the layout of {@link ModelFile} with format "gr-modelfree/block-checkpoint", the block's name,
 * the id of the next batch it will handle, only that block's tensors and optimiser, and the
 * checksum. Written
 * atomically, so a process killed at any moment leaves the previous checkpoint or the new one, and
 * a restarted block resumes from it.
 */
public final class BlockCheckpointFile {
    public static final String FORMAT = "gr-modelfree/block-checkpoint";
    /** The configuration keys that identify a run: networks, schedule and seed. */
    private static final List<String> RUN_KEYS = List.of("channel", "messages", "symbols", "tx_hidden", "rx_hidden",
            "iterations", "batch_rx", "batch_tx", "rx_steps", "tx_steps", "seed");

    /**
     * A checkpoint read back.
     *
     * @param block the block's name, e.g. "receiver"
     * @param nextBatch the id of the next batch the block will handle
     * @param state config, iteration, tensors, optimiser and history
     */
    public record Loaded(String block, long nextBatch, ModelFile.Loaded state) {
    }

    private BlockCheckpointFile() {
    }

    /** Writes a checkpoint atomically. */
    public static void save(Path file, String block, long nextBatch, TrainConfig config, int iteration,
                            double seconds, List<Param> params, Adam optimiser, LearningCurve history)
            throws IOException {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("block", block);
        extra.put("next_batch", nextBatch);
        byte[] bytes = ModelFile.encode(FORMAT, extra, config, iteration, seconds, params, List.of(optimiser),
                history);
        ModelFile.write(file, bytes);
    }

    /** Reads and validates a checkpoint; names the file and the problem on failure. */
    public static Loaded load(Path file) throws IOException {
        byte[] bytes = ModelFile.read(file, "checkpoint");
        try {
            return decode(bytes);
        } catch (ModelFormatException e) {
            throw new ModelFormatException("checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** Decodes and validates a checkpoint's bytes; a ModelFormatException names the problem. */
    static Loaded decode(byte[] bytes) throws IOException {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("block", "");
        extra.put("next_batch", 0L);
        ModelFile.Loaded state = ModelFile.decode(bytes, FORMAT, extra);
        if (!(extra.get("block") instanceof String block) || !(extra.get("next_batch") instanceof Long next)) {
            throw new ModelFormatException("'block' must be a string and 'next_batch' an integer");
        }
        if (next < 0) {
            throw new ModelFormatException("next batch " + next + " is negative");
        }
        if (state.optimisers().size() != 1) {
            throw new ModelFormatException(state.optimisers().size() + " optimiser states, a block has one");
        }
        return new Loaded(block, next, state);
    }

    /**
     * Restores the checkpoint into a block's networks: checks that it was written by the same block
     * for the same configuration, then copies tensors and optimiser state. params and optimiser
     * modified.
     */
    public static void restore(Loaded loaded, String block, TrainConfig config, List<Param> params, Adam optimiser) {
        if (!loaded.block().equals(block)) {
            throw new ModelFormatException("checkpoint was written by the " + loaded.block() + " block, not the "
                    + block);
        }
        Map<String, Object> want = ModelFile.configMap(config);
        Map<String, Object> have = ModelFile.configMap(loaded.state().config());
        for (String key : RUN_KEYS) {
            if (!String.valueOf(have.get(key)).equals(String.valueOf(want.get(key)))) {
                throw new ModelFormatException("checkpoint is of another run: its " + key + " is "
                        + have.get(key) + ", this run's is " + want.get(key));
            }
        }
        ModelFile.restoreParams(loaded.state(), params);
        ModelFile.restoreOptimiser(loaded.state().optimisers().get(0), optimiser, 0);
    }
}
