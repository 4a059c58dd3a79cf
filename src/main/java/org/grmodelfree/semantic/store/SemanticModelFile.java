package org.grmodelfree.semantic.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grmodelfree.nn.Adam;
import org.grmodelfree.nn.Param;
import org.grmodelfree.report.AtomicFiles;
import org.grmodelfree.semantic.model.SemanticConfig;
import org.grmodelfree.semantic.model.SemanticCurve;
import org.grmodelfree.semantic.model.SemanticMethod;
import org.grmodelfree.semantic.model.SemanticTrainer;
import org.grmodelfree.store.ModelFile;
import org.grmodelfree.store.ModelFormatException;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.value.Value;

/**
 * The semantic model file ({@code semantic-model.msgpack}): one msgpack map in the layout of
 * {@link ModelFile} with format "gr-modelfree/semantic-model": {@code version}, {@code config}
 * (the {@link SemanticConfig} in snake_case), {@code epoch}, {@code step}, {@code train_seconds},
 * {@code cpu_seconds}, {@code tensors} (every parameter, then the batch-norm running statistics),
 * {@code optimisers}, {@code history} (rows of {@link SemanticCurve#COLUMNS}) and the checksum
 * {@code crc32c} (as in {@link ModelFile}). Written atomically
 * after every epoch, so a run killed at any moment resumes from the last whole epoch.
 */
public final class SemanticModelFile {
    public static final String FORMAT = "gr-modelfree/semantic-model";

    /** A file read back. */
    public record Loaded(SemanticConfig config, int epoch, long step, double trainSeconds, double cpuSeconds,
                         Map<String, float[]> tensors, Map<String, int[]> shapes,
                         List<ModelFile.OptimiserState> optimisers, SemanticCurve history) {
    }

    private SemanticModelFile() {
    }

    /** Writes the trainer's whole state atomically. */
    public static void save(Path file, SemanticTrainer t, double trainSeconds, double cpuSeconds, SemanticCurve history)
            throws IOException {
        byte[] bytes;
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(10);
            p.packString("format").packString(FORMAT);
            p.packString("version").packInt(ModelFile.VERSION);
            p.packString("config");
            ModelFile.packFlatMap(p, configMap(t.config()));
            p.packString("epoch").packInt(t.epochsDone());
            p.packString("step").packLong(t.step());
            p.packString("train_seconds").packDouble(trainSeconds);
            p.packString("cpu_seconds").packDouble(cpuSeconds);
            ModelFile.packTensors(p, tensors(t));
            ModelFile.packOptimisers(p, t.optimisers());
            p.packString("history").packArrayHeader(history.points().size());
            for (SemanticCurve.Point pt : history.points()) {
                double[] v = pt.toArray();
                p.packArrayHeader(v.length);
                for (double d : v) {
                    p.packDouble(d);
                }
            }
            bytes = ModelFile.seal(p.toByteArray());
        }
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    private static List<Param> tensors(SemanticTrainer t) {
        List<Param> all = new ArrayList<>(t.params());
        all.addAll(t.buffers());
        return all;
    }

    /** The configuration as an ordered map of snake_case keys (also used in summary.json). */
    public static Map<String, Object> configMap(SemanticConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", c.dataset());
        m.put("method", c.method().id());
        m.put("reduced", c.reduced());
        m.put("train_images", c.trainImages());
        m.put("test_images", c.testImages());
        m.put("channel_uses", c.channelUses());
        m.put("rx_width", c.rxWidth());
        m.put("batch", c.batch());
        m.put("lr", c.lr());
        m.put("weight_decay", c.weightDecay());
        m.put("snr_low_db", c.snrLowDb());
        m.put("snr_high_db", c.snrHighDb());
        m.put("sigma2", c.sigma2());
        m.put("learn_sigma2", c.learnSigma2());
        m.put("baseline", c.baseline());
        m.put("mirrored", c.mirrored());
        m.put("rx_steps", c.rxSteps());
        m.put("tx_steps", c.txSteps());
        m.put("epochs", c.epochs());
        m.put("fine_tune_epochs", c.fineTuneEpochs());
        m.put("seed", c.seed());
        return m;
    }

    /** Reads and validates a semantic model file; names the file and the problem on failure. */
    public static Loaded load(Path file) throws IOException {
        return ModelFile.load(file, "semantic model file", SemanticModelFile::decode);
    }

    static Loaded decode(byte[] bytes) throws IOException {
        Map<Value, Value> m = ModelFile.root(bytes, FORMAT);
        SemanticConfig config = configFrom(ModelFile.map(m, "config"));
        int epoch = ModelFile.int32(m, "epoch");
        long step = ModelFile.integer(m, "step");
        if (epoch < 0 || step < 0) {
            throw new ModelFormatException("epoch " + epoch + " or step " + step + " is negative");
        }
        Map<String, float[]> tensors = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        ModelFile.readTensors(m, tensors, shapes);
        List<ModelFile.OptimiserState> opts = ModelFile.readOptimisers(m);
        SemanticCurve history = new SemanticCurve();
        for (Value h : ModelFile.array(m, "history")) {
            if (!h.isArrayValue() || h.asArrayValue().size() != SemanticCurve.COLUMNS.size()) {
                throw new ModelFormatException("history rows must be arrays of " + SemanticCurve.COLUMNS.size()
                        + " numbers");
            }
            List<Value> r = h.asArrayValue().list();
            double[] v = new double[r.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = ModelFile.num(r.get(i), "history");
            }
            history.add(SemanticCurve.Point.of(v));
        }
        return new Loaded(config, epoch, step, ModelFile.number(m, "train_seconds"), ModelFile.number(m, "cpu_seconds"),
                tensors, shapes, opts, history);
    }

    static SemanticConfig configFrom(Map<Value, Value> c) {
        try {
            return new SemanticConfig(ModelFile.string(c, "dataset"), SemanticMethod.parse(ModelFile.string(c, "method")),
                    ModelFile.bool(c, "reduced"), ModelFile.int32(c, "train_images"), ModelFile.int32(c, "test_images"),
                    ModelFile.int32(c, "channel_uses"), ModelFile.int32(c, "rx_width"), ModelFile.int32(c, "batch"),
                    ModelFile.number(c, "lr"), ModelFile.number(c, "weight_decay"), ModelFile.number(c, "snr_low_db"),
                    ModelFile.number(c, "snr_high_db"), ModelFile.number(c, "sigma2"), ModelFile.bool(c, "learn_sigma2"),
                    ModelFile.bool(c, "baseline"), optionalBool(c, "mirrored"), ModelFile.int32(c, "rx_steps"), ModelFile.int32(c, "tx_steps"),
                    ModelFile.int32(c, "epochs"), ModelFile.int32(c, "fine_tune_epochs"), ModelFile.integer(c, "seed"));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException("config: " + e.getMessage(), e);
        }
    }

    /** A boolean key that files written before it existed lack: absent means false. */
    private static boolean optionalBool(Map<Value, Value> m, String key) {
        return m.containsKey(org.msgpack.value.ValueFactory.newString(key)) && ModelFile.bool(m, key);
    }

    /**
     * Restores the file into a trainer built for the same networks (e.g. the file's configuration
     * with more epochs): tensors, batch-norm statistics, optimiser states and position. t modified.
     */
    public static void restore(Loaded loaded, SemanticTrainer t) {
        ModelFile.restoreParams(loaded.tensors(), loaded.shapes(), tensors(t));
        List<Adam> opts = t.optimisers();
        if (loaded.optimisers().size() != opts.size()) {
            throw new ModelFormatException(loaded.optimisers().size() + " optimiser states, the method needs "
                    + opts.size());
        }
        for (int i = 0; i < opts.size(); i++) {
            ModelFile.restoreOptimiser(loaded.optimisers().get(i), opts.get(i), i);
        }
        t.position(loaded.epoch(), loaded.step());
    }
}
