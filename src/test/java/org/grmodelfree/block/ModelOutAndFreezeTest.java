package org.grmodelfree.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.nn.Adam;
import org.grmodelfree.nn.Param;
import org.grmodelfree.store.BlockCheckpointFile;
import org.grmodelfree.store.ModelFile;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.Networks;
import org.grmodelfree.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * model_out: the transmitter and receiver, given the same file, write the link model when the
 * schedule ends, and stream mode carries data with it. freeze: set while the link trains, no weight
 * changes while it is set (the receiver still counts its errors), and training goes on once cleared.
 */
class ModelOutAndFreezeTest {
    private static final List<String> RUN = BlockGraphTest.replace(BlockGraphTest.SMALL, "--iterations", "200");

    /** All of a network's weights, in order. */
    private static float[] weights(List<Param> params) {
        List<float[]> parts = new ArrayList<>();
        int n = 0;
        for (Param p : params) {
            parts.add(p.value().data.clone());
            n += p.size();
        }
        float[] all = new float[n];
        int o = 0;
        for (float[] a : parts) {
            System.arraycopy(a, 0, all, o, a.length);
            o += a.length;
        }
        return all;
    }

    @Test
    void bothBlocksWriteOneModelAtTheEndThatStreamModeCarriesDataWith(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("out/model.msgpack");
        // a part of another run left beside the model: the receiver deletes its own when it starts
        TrainConfig other = TrainingParams.config(BlockGraphTest.params(ReceiverBlock.SPEC,
                BlockGraphTest.replace(RUN, "--seed", "2")));
        Networks n = Networks.create(other);
        BlockCheckpointFile.save(Checkpointer.part(model, "receiver"), "receiver", 0, other, 0, 0,
                n.receiver().params(), new Adam(n.receiver().params()), new LearningCurve());
        ReceiverBlock rx = new ReceiverBlock(BlockGraphTest.params(ReceiverBlock.SPEC, RUN, "--model_out",
                model.toString()));
        TransmitterBlock tx = new TransmitterBlock(BlockGraphTest.params(TransmitterBlock.SPEC, RUN, "--model_out",
                model.toString()));
        BlockGraphTest.Link l = linkAround(tx, rx);
        l.graph().run("tx", "rx");
        assertTrue(l.log().stream().anyMatch(s -> s.startsWith("tx: model_out: part written to")), l.log().toString());
        assertTrue(l.log().stream().anyMatch(s -> s.startsWith("rx: model_out: wrote the link model " + model)),
                l.log().toString());
        ModelFile.Loaded m = ModelFile.load(model);
        assertEquals(200, m.iteration());
        for (Param p : tx.transmitter().params()) {
            assertArrayEquals(p.value().data, m.tensors().get(p.name()), p.name());
        }
        for (Param p : rx.receiver().params()) {
            assertArrayEquals(p.value().data, m.tensors().get(p.name()), p.name());
        }
        assertEquals(200, m.history().points().size());

        // stream mode with the model: M = 16 over N = 2 at 6 dB, far better than guessing (15/16 errors)
        TrainConfig c = m.config();
        List<String> stream = List.of("--mode", "stream", "--model", model.toString());
        List<String> txArgs = new ArrayList<>(TrainingParams.arguments(TransmitterBlock.SPEC, c));
        txArgs.addAll(stream);
        txArgs.addAll(List.of("--frames", "6"));
        List<String> rxArgs = new ArrayList<>(TrainingParams.arguments(ReceiverBlock.SPEC, c));
        rxArgs.addAll(stream);
        // model_out can stay set when the mode becomes stream: stream mode ignores it
        rxArgs.addAll(List.of("--frames", "5", "--model_out", dir.resolve("unused.msgpack").toString()));
        ReceiverBlock srx = new ReceiverBlock(ReceiverBlock.SPEC.parse(rxArgs));
        LocalGraph g = new LocalGraph()
                .add("tx", new TransmitterBlock(TransmitterBlock.SPEC.parse(txArgs)))
                .add("channel", new ChannelBlock(ChannelBlock.SPEC.parse(List.of("--kind", ChannelKind.AWGN.id(),
                        "--snr_db", "6", "--symbols", "2"))))
                .add("rx", srx)
                .connect("tx", "out", "channel", "in")
                .connect("channel", "out", "rx", "in");
        g.run("rx");
        Map<String, Object> s = srx.stats();
        assertEquals(5L * 512, s.get("messages"), s.toString());
        double bler = ((Number) s.get("block_errors")).doubleValue() / (5 * 512);
        assertTrue(bler < 0.2, "stream-mode BLER " + bler + " with the model written by model_out: " + s);
        // a block's part (a checkpoint) is no model: stream mode names the command that makes one
        List<String> fromPart = new ArrayList<>(TrainingParams.arguments(TransmitterBlock.SPEC, c));
        fromPart.addAll(List.of("--mode", "stream", "--model", Checkpointer.part(model, "transmitter").toString()));
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> new TransmitterBlock(TransmitterBlock.SPEC.parse(fromPart)));
        assertTrue(e.getMessage().contains("./modelfree export --transmitter TX.ckpt --receiver RX.ckpt"),
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("unused.msgpack")));
        assertFalse(Files.exists(Checkpointer.part(dir.resolve("unused.msgpack"), "receiver")));
    }

    /** Two blocks finishing at the same moment, many times: both may join, and the model is always whole. */
    @Test
    void blocksThatFinishTogetherWriteOneWholeModel(@TempDir Path dir) throws Exception {
        TrainConfig c = TrainingParams.config(BlockGraphTest.params(TransmitterBlock.SPEC, RUN));
        Networks n = Networks.create(c);
        for (int round = 0; round < 20; round++) {
            Path model = dir.resolve("r" + round + "/model.msgpack");
            Checkpointer tx = new Checkpointer("transmitter", "", 10, model.toString(), c, n.transmitter().params(),
                    new Adam(n.transmitter().params()), new LearningCurve());
            Checkpointer rx = new Checkpointer("receiver", "", 10, model.toString(), c, n.receiver().params(),
                    new Adam(n.receiver().params()), new LearningCurve());
            tx.start(0);
            rx.start(0);
            CyclicBarrier together = new CyclicBarrier(2);
            List<String> said = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread t = new Thread(() -> {
                try {
                    together.await();
                    said.add(tx.finish(BatchFraming.endOfRun(c), 1));
                } catch (Exception e) {
                    said.add("failed: " + e);
                }
            });
            t.start();
            together.await();
            said.add(rx.finish(BatchFraming.endOfRun(c), 1));
            t.join();
            assertTrue(said.stream().anyMatch(s -> s.startsWith("model_out: wrote the link model")), said.toString());
            assertFalse(said.stream().anyMatch(s -> s.startsWith("failed")), said.toString());
            ModelFile.Loaded m = ModelFile.load(model);
            assertEquals(c.iterations(), m.iteration());
            try (var files = Files.list(model.getParent())) {
                assertEquals(3, files.count(), "the model and the two parts, no temporary file left");
            }
        }
    }

    /** A block whose work calls are preceded by a hook (the test's GRC callback). */
    private record Hooked(Block inner, Runnable before) implements Block {
        @Override
        public BlockSpec spec() {
            return inner.spec();
        }

        @Override
        public Status work(BlockIo io) {
            before.run();
            return inner.work(io);
        }

        @Override
        public String waitingFor() {
            return inner.waitingFor();
        }

        @Override
        public long wakeAt() {
            return inner.wakeAt();
        }

        @Override
        public boolean idleMeansPeerLost() {
            return inner.idleMeansPeerLost();
        }

        @Override
        public void set(ParamSpec param, Object value) {
            inner.set(param, value);
        }

        @Override
        public void stop(BlockIo io) {
            inner.stop(io);
        }

        @Override
        public Map<String, Object> stats() {
            return inner.stats();
        }
    }

    /** BlockGraphTest's five blocks around these two, the transmitter's work calls hooked. */
    private static BlockGraphTest.Link linkAround(Block tx, ReceiverBlock rx) {
        List<String> log = new ArrayList<>();
        PolicySamplerBlock sampler = new PolicySamplerBlock(BlockGraphTest.params(PolicySamplerBlock.SPEC, RUN));
        LocalGraph g = new LocalGraph().log(log::add)
                .add("tx", tx).add("sampler", sampler)
                .add("channel", new ChannelBlock(ChannelBlock.SPEC.parse(List.of("--snr_db", "6", "--symbols", "2"))))
                .add("rx", rx).add("feedback", new LossFeedbackBlock(LossFeedbackBlock.SPEC.parse(List.of())))
                .connect("tx", TransmitterBlock.OUT, "sampler", PolicySamplerBlock.IN)
                .connect("sampler", PolicySamplerBlock.OUT, "channel", ChannelBlock.IN)
                .connect("sampler", PolicySamplerBlock.SENT, "tx", TransmitterBlock.SENT)
                .connect("channel", ChannelBlock.OUT, "rx", ReceiverBlock.IN)
                .connect("rx", ReceiverBlock.LOSSES, "feedback", LossFeedbackBlock.IN)
                .connect("feedback", LossFeedbackBlock.OUT, "tx", TransmitterBlock.FEEDBACK);
        return new BlockGraphTest.Link(g, tx instanceof TransmitterBlock t ? t : null, rx, null, sampler, log);
    }

    @Test
    void frozenTheWeightsStayUnfrozenTrainingGoesOn() {
        TransmitterBlock tx = new TransmitterBlock(BlockGraphTest.params(TransmitterBlock.SPEC, RUN));
        ReceiverBlock rx = new ReceiverBlock(BlockGraphTest.params(ReceiverBlock.SPEC, RUN));
        // freeze both from batch 100 (iteration 50) to batch 200 (iteration 100), as a GRC Check Box would
        float[][] at = new float[4][];
        Map<String, Object>[] rxStats = newStats();
        Runnable callback = () -> {
            long b = tx.nextBatch();
            if (b >= 100 && at[0] == null) {
                tx.set(BlockParams.FREEZE, true);
                rx.set(BlockParams.FREEZE, true);
                at[0] = weights(tx.transmitter().params());
                at[1] = weights(rx.receiver().params());
            } else if (b >= 200 && at[2] == null) {
                at[2] = weights(tx.transmitter().params());
                at[3] = weights(rx.receiver().params());
                rxStats[0] = rx.stats();
                tx.set(BlockParams.FREEZE, false);
                rx.set(BlockParams.FREEZE, false);
            }
        };
        BlockGraphTest.Link l = linkAround(new Hooked(tx, callback), rx);
        l.graph().run("tx", "rx");
        assertArrayEquals(at[0], at[2], "the transmitter's weights while frozen");
        assertArrayEquals(at[1], at[3], "the receiver's weights while frozen");
        Map<String, Object> frozen = rxStats[0];
        assertEquals(true, frozen.get("frozen"));
        double bler = ((Number) frozen.get("recent_bler")).doubleValue();
        assertTrue(bler >= 0 && bler < 0.5, "the frozen receiver reports its error rate: " + frozen);
        assertFalse(Arrays.equals(at[2], weights(tx.transmitter().params())), "the transmitter trains again");
        assertFalse(Arrays.equals(at[3], weights(rx.receiver().params())), "the receiver trains again");
        Map<String, Object> t = tx.stats();
        Map<String, Object> r = rx.stats();
        assertEquals(false, t.get("frozen"));
        long txFrozen = (Long) t.get("batches_frozen");
        long rxFrozen = (Long) r.get("batches_frozen");
        // about 50 iterations each (the batches in flight when the box was ticked decide which side of it they fall)
        assertTrue(txFrozen >= 48 && txFrozen <= 52, t.toString());
        assertTrue(rxFrozen >= 48 && rxFrozen <= 52, r.toString());
        assertEquals(200L, (Long) t.get("batches_learned") + txFrozen, t.toString());
        assertEquals(200L, (Long) r.get("receiver_steps") + rxFrozen, r.toString());
        assertEquals(0L, t.get("batches_skipped"), t.toString());
        assertTrue(l.log().stream().anyMatch(s -> s.startsWith("tx: learning frozen at batch")), l.log().toString());
        assertTrue(l.log().stream().anyMatch(s -> s.startsWith("rx: learning resumed at batch")), l.log().toString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object>[] newStats() {
        return new Map[1];
    }

    @Test
    void theRunnerTakesFreezeAsARunTimeBoolean() {
        ReceiverBlock rx = new ReceiverBlock(BlockGraphTest.params(ReceiverBlock.SPEC, RUN));
        BlockRunner runner = new BlockRunner(rx, BlockGraphTest.params(ReceiverBlock.SPEC, RUN), line -> { });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> runner.set("freeze", "maybe"));
        assertTrue(e.getMessage().contains("not true or false"), e.getMessage());
        runner.set("freeze", "true");
        assertThrows(IllegalArgumentException.class, () -> runner.set("model_out", "x.msgpack"),
                "model_out is no run-time parameter");
        assertTrue((Boolean) new ReceiverBlock(BlockGraphTest.params(ReceiverBlock.SPEC, RUN, "--freeze", "true"))
                .stats().get("frozen"), "a block can start frozen");
    }
}
