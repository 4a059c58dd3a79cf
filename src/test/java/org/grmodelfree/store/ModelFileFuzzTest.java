package org.grmodelfree.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.Method;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 100,000 generated inputs each for the link model file and the block checkpoint decoders (issue
 * 17): every input decodes into a model that restores, or is refused with a clear
 * ModelFormatException. One line per decoder on standard error: inputs, accepted, rejected, seconds.
 */
class ModelFileFuzzTest {
    static final int INPUTS = 100_000;
    static final TrainConfig CONFIG = TrainConfig.builder(ChannelKind.AWGN).method(Method.ALTERNATING).messages(4)
            .symbols(1).hidden(4).iterations(10).batch(16).evalEvery(5).evalMessages(100).seed(3).build();

    static Trainer trainer;
    static LearningCurve history;

    @BeforeAll
    static void trainALittle() {
        trainer = Trainer.create(CONFIG);
        history = new LearningCurve();
        for (int i = 0; i < 3; i++) {
            Trainer.IterationStats s = trainer.iterate();
            history.add(new LearningCurve.Point(s.iteration(), 0.1 * i, s.rxLoss(), s.txLoss(), 0.5));
        }
    }

    @Test
    void link_model_files_decode_or_are_refused_clearly() throws IOException {
        byte[] valid = ModelFile.encode(trainer, 1.5, history);
        FileFuzzer.Result r = FileFuzzer.run(valid, 17, INPUTS, bytes -> {
            ModelFile.Loaded l = ModelFile.decode(bytes);
            if (l.config().equals(CONFIG)) { // another configuration may ask for any network size
                ModelFile.restore(l);
            }
        });
        System.err.println(r.line("link model (" + valid.length + " bytes)"));
        assertEquals(INPUTS, r.accepted() + r.rejected());
        assertTrue(r.rejected() > r.rejectedByChecksum(), "the structure parser must see damaged inputs too");
    }

    @Test
    void block_checkpoints_decode_or_are_refused_clearly() throws IOException {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("fuzz");
        java.nio.file.Path file = dir.resolve("rx.ckpt");
        BlockCheckpointFile.save(file, CheckpointJoin.RECEIVER, 7, CONFIG, 3, 1.5, trainer.receiver().params(),
                trainer.optimisers().get(1), history);
        byte[] valid = java.nio.file.Files.readAllBytes(file);
        java.nio.file.Files.delete(file);
        java.nio.file.Files.delete(dir);
        Trainer target = Trainer.create(CONFIG);
        FileFuzzer.Result r = FileFuzzer.run(valid, 18, INPUTS, bytes -> {
            BlockCheckpointFile.Loaded l = BlockCheckpointFile.decode(bytes);
            if (l.state().config().equals(CONFIG)) {
                BlockCheckpointFile.restore(l, l.block(), CONFIG, target.receiver().params(),
                        target.optimisers().get(1));
            }
        });
        System.err.println(r.line("block checkpoint (" + valid.length + " bytes)"));
        assertEquals(INPUTS, r.accepted() + r.rejected());
        assertTrue(r.rejected() > r.rejectedByChecksum(), "the structure parser must see damaged inputs too");
        assertTrue(List.of(CheckpointJoin.RECEIVER).contains(BlockCheckpointFile.decode(valid).block()));
    }
}
