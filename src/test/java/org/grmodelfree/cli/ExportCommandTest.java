package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.grmodelfree.nn.Param;
import org.grmodelfree.store.BlockCheckpointFile;
import org.grmodelfree.store.ModelFile;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export}: two block checkpoints of one run become the link model that evaluate reads; a
 * checkpoint of the wrong block or of another run, or a model file, is refused with a message
 * naming the problem; evaluate given a checkpoint names the export command.
 */
class ExportCommandTest {
    /** A link trained a few iterations, saved as the two blocks would save it. */
    private static Trainer checkpoints(Path tx, Path rx, long seed) throws Exception {
        TrainConfig c = ZmqLinkTest.small(10).toBuilder().seed(seed).build();
        Trainer t = Trainer.create(c);
        for (int i = 0; i < 3; i++) {
            t.iterate();
        }
        LearningCurve txCurve = new LearningCurve();
        txCurve.add(new LearningCurve.Point(3, 1.5, Double.NaN, 0.7, Double.NaN));
        LearningCurve rxCurve = new LearningCurve();
        rxCurve.add(new LearningCurve.Point(3, 1.4, 0.9, Double.NaN, Double.NaN));
        BlockCheckpointFile.save(tx, "transmitter", 6, c, 3, 1.5, t.transmitter().params(), t.optimisers().get(0),
                txCurve);
        BlockCheckpointFile.save(rx, "receiver", 6, c, 3, 1.4, t.receiver().params(), t.optimisers().get(1),
                rxCurve);
        return t;
    }

    @Test
    void joinsTwoCheckpointsIntoAModelThatEvaluateReads(@TempDir Path dir) throws Exception {
        Path tx = dir.resolve("tx.ckpt");
        Path rx = dir.resolve("rx.ckpt");
        Trainer t = checkpoints(tx, rx, 1);
        Path model = dir.resolve("out/model.msgpack");
        CliTest.Run r = CliTest.run("export", "--transmitter", tx.toString(), "--receiver", rx.toString(), "--out",
                model.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("iteration 3 of 10"), r.out());
        ModelFile.Loaded m = ModelFile.load(model);
        assertEquals(3, m.iteration());
        assertEquals(1.5, m.trainSeconds());
        for (Param p : t.transmitter().params()) {
            assertArrayEquals(p.value().data, m.tensors().get(p.name()), p.name());
        }
        for (Param p : t.receiver().params()) {
            assertArrayEquals(p.value().data, m.tensors().get(p.name()), p.name());
        }
        assertEquals(2, m.optimisers().size());
        assertEquals(t.optimisers().get(1).steps(), m.optimisers().get(1).steps());
        LearningCurve.Point p = m.history().points().get(0);
        assertEquals(0.9, p.rxLoss());
        assertEquals(0.7, p.txLoss());
        CliTest.Run ev = CliTest.run("evaluate", "--model", model.toString(), "--snr-db", "8", "--max-messages",
                "2000", "--out", dir.resolve("ev").toString());
        assertEquals(0, ev.status(), ev.err());
        assertTrue(Files.exists(dir.resolve("ev/evaluation.json")));
    }

    @Test
    void refusesTheWrongBlockAnotherRunAndAModelFile(@TempDir Path dir) throws Exception {
        Path tx = dir.resolve("tx.ckpt");
        Path rx = dir.resolve("rx.ckpt");
        checkpoints(tx, rx, 1);
        Path tx2 = dir.resolve("tx2.ckpt");
        Path rx2 = dir.resolve("rx2.ckpt");
        checkpoints(tx2, rx2, 2);
        Path out = dir.resolve("model.msgpack");
        CliTest.assertOneLineError(CliTest.run("export", "--transmitter", rx.toString(), "--receiver", tx.toString(),
                "--out", out.toString()), 1, "was written by the receiver block; the transmitter's checkpoint is needed");
        CliTest.assertOneLineError(CliTest.run("export", "--transmitter", tx.toString(), "--receiver", rx2.toString(),
                "--out", out.toString()), 1, "its seed is 2, this run's is 1");
        assertTrue(!Files.exists(out), "nothing written");
        CliTest.assertOneLineError(CliTest.run("export", "--transmitter", tx.toString(), "--receiver", rx.toString()),
                2, "--out");
        assertEquals(0, CliTest.run("export", "--transmitter", tx.toString(), "--receiver", rx.toString(), "--out",
                out.toString()).status());
        CliTest.assertOneLineError(CliTest.run("export", "--transmitter", out.toString(), "--receiver", rx.toString(),
                "--out", dir.resolve("again.msgpack").toString()), 1,
                "format is 'gr-modelfree/link-model', expected 'gr-modelfree/block-checkpoint'");
        CliTest.assertOneLineError(CliTest.run("export", "--transmitter", dir.resolve("none.ckpt").toString(),
                "--receiver", rx.toString(), "--out", out.toString()), 1, "does not exist");
    }

    @Test
    void evaluateGivenACheckpointNamesTheExportCommand(@TempDir Path dir) throws Exception {
        Path tx = dir.resolve("tx.ckpt");
        checkpoints(tx, dir.resolve("rx.ckpt"), 1);
        CliTest.assertOneLineError(CliTest.run("evaluate", "--model", tx.toString()), 1,
                "./modelfree export --transmitter TX.ckpt --receiver RX.ckpt --out model.msgpack");
    }
}
