package org.grmodelfree.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.store.ModelFile;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.Method;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.Trainer;
import org.grmodelfree.wire.PeerTimeoutException;
import org.grmodelfree.wire.StreamIn;
import org.grmodelfree.wire.StreamOut;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZContext;

/** Stream mode with the user's messages: bytes in at the transmitter's msg_in, decided bytes out of the receiver's msg_out. */
class UserMessagesTest {
    /** Messages per frame in these tests (--batch_rx and --batch_tx): short frames. */
    private static final int FRAME = 50;

    @TempDir
    Path dir;

    private static TrainConfig config(int messages, int iterations) {
        TrainConfig p = TrainConfig.paper(ChannelKind.AWGN, Method.SUPERVISED, iterations, 3);
        return p.toBuilder().messages(messages).build();
    }

    private Path model(TrainConfig c) throws Exception {
        Trainer t = Trainer.create(c);
        while (t.iteration() < c.iterations()) {
            t.iterate();
        }
        Path model = dir.resolve("model.msgpack");
        ModelFile.save(model, t, 0, new LearningCurve());
        return model;
    }

    /** The block's arguments for config c in stream mode with FRAME messages per frame, then extra. */
    private static List<String> args(BlockSpec spec, TrainConfig c, Path model, String... extra) {
        List<String> a = new ArrayList<>(TrainingParams.arguments(spec, c));
        a.set(a.indexOf("--batch_rx") + 1, String.valueOf(FRAME));
        a.set(a.indexOf("--batch_tx") + 1, String.valueOf(FRAME));
        a.addAll(List.of("--mode", "stream", "--model", model.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void bytesGivenToTheTransmitterComeOutOfTheReceiverUnchanged() throws Exception {
        TrainConfig c = config(256, 200);
        Path model = model(c);
        byte[] data = new byte[5 * FRAME];
        new Random(11).nextBytes(data);
        TransmitterBlock tx = new TransmitterBlock(TransmitterBlock.SPEC.parse(args(TransmitterBlock.SPEC, c, model,
                "--source", "stream", "--frames", "5")));
        ReceiverBlock rx = new ReceiverBlock(ReceiverBlock.SPEC.parse(args(ReceiverBlock.SPEC, c, model,
                "--output", "stream", "--reference", "none", "--frames", "5")));
        LocalGraph g = new LocalGraph()
                .add("tx", tx)
                .add("channel", new ChannelBlock(ChannelBlock.SPEC.parse(List.of("--kind", "awgn", "--snr_db", "30",
                        "--symbols", String.valueOf(c.symbols())))))
                .add("rx", rx)
                .connect("tx", "out", "channel", "in")
                .connect("channel", "out", "rx", "in")
                .inject("tx", "msg_in", data);
        g.run("tx", "rx");
        // At 30 dB the noise has standard deviation 0.022 per real part, 20 dB below the 10 dB the model
        // was trained for (where a 200-iteration model errs on about 1 message in 100): an error among
        // these 250 messages would take a noise sample many standard deviations large.
        assertArrayEquals(data, g.bytes("rx", "msg_out"));
        Map<String, Object> rs = rx.stats();
        assertEquals(5L * FRAME, rs.get("messages_out"), rs.toString());
        assertFalse(rs.containsKey("block_errors"), "no error reference, no block errors: " + rs);
        assertEquals((long) data.length, tx.stats().get("messages_in"), tx.stats().toString());
    }

    @Test
    void theTransmitterProcessReadsBytesOverZeroMqInGrZeromqFormat() throws Exception {
        TrainConfig c = config(256, 200);
        Path model = model(c);
        byte[] data = new byte[2 * FRAME];
        new Random(12).nextBytes(data);
        float[] samples = new float[1 << 16];
        int n = 0;
        try (ZContext context = new ZContext();
                StreamOut bytes = new StreamOut(context, null, true, false, StreamIn.BYTE, 64, 5000)) {
            // the transmitter's input connects to the byte output bound here, as to a GNU Radio push_sink
            TransmitterBlock tx = new TransmitterBlock(TransmitterBlock.SPEC.parse(args(TransmitterBlock.SPEC, c, model,
                    "--source", "stream", "--frames", "2")));
            BlockRunner runner = new BlockRunner(tx, TransmitterBlock.SPEC.parse(args(TransmitterBlock.SPEC, c, model,
                    "--source", "stream", "--frames", "2", "--pass_tags", "false", "--msg_in", bytes.endpoint())),
                    line -> { });
            Thread t = new Thread(runner::run, "tx");
            t.start();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!runner.endpoints().containsKey("out") && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            try (StreamIn in = StreamIn.connect(context, runner.endpoints().get("out"), false)) {
                bytes.send(data, 0, data.length); // in messages of 64 bytes: frames do not follow them
                while (true) {
                    try {
                        n += in.receive(samples, 2 * n, samples.length / 2 - n, t.isAlive() ? 5000 : 300);
                    } catch (PeerTimeoutException e) {
                        break;
                    }
                }
            }
            t.join(5000);
        }
        // the frames, noiseless, to a receiver in memory
        ReceiverBlock rx = new ReceiverBlock(ReceiverBlock.SPEC.parse(args(ReceiverBlock.SPEC, c, model,
                "--output", "stream", "--reference", "none", "--frames", "2")));
        LocalGraph g = new LocalGraph().add("rx", rx).inject("rx", "in", Arrays.copyOf(samples, 2 * n));
        g.run("rx");
        assertArrayEquals(data, g.bytes("rx", "msg_out"));
    }

    @Test
    void onlyWholeFramesGoOutAndTheMessagesLeftOverAreCountedAndLogged() throws Exception {
        TrainConfig c = config(16, 1);
        Path model = model(c);
        byte[] data = new byte[2 * FRAME + 7];
        TransmitterBlock tx = new TransmitterBlock(TransmitterBlock.SPEC.parse(args(TransmitterBlock.SPEC, c, model,
                "--source", "stream")));
        List<String> log = new ArrayList<>();
        LocalGraph g = new LocalGraph().add("tx", tx).inject("tx", "msg_in", data).log(log::add);
        // the transmitter waits for the rest of the third frame, for as long as it takes
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.run("tx"));
        assertTrue(e.getMessage().contains("tx waits for messages on 'msg_in' (7 of the 50 of the next frame so far)"),
                e.getMessage());
        Map<String, Object> s = tx.stats();
        assertEquals(2L, s.get("frames_sent"), s.toString());
        assertEquals((long) data.length, s.get("messages_in"), s.toString());
        assertEquals(7, s.get("messages_pending"), s.toString());
        assertTrue(log.contains("tx: 7 messages read on 'msg_in' were not sent: a frame carries 50 messages and only"
                + " whole frames go out"), log.toString());
        assertFalse(tx.idleMeansPeerLost());
    }

    @Test
    void aByteThatIsNoMessageIndexStopsTheTransmitterNamingItsValuePositionAndM() throws Exception {
        TrainConfig c = config(16, 1);
        Path model = model(c);
        byte[] data = new byte[FRAME];
        Arrays.fill(data, (byte) 15);
        data[37] = 16;
        LocalGraph g = new LocalGraph()
                .add("tx", new TransmitterBlock(TransmitterBlock.SPEC.parse(args(TransmitterBlock.SPEC, c, model,
                        "--source", "stream"))))
                .inject("tx", "msg_in", data);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.run("tx"));
        assertTrue(e.getMessage().contains("byte 37 of 'msg_in' (counting from 0) is 16, not a message index below"
                + " M = 16"), e.getMessage());
    }

    @Test
    void byteMessagePortsNeedAtMost256MessagesAndStreamMode() throws Exception {
        TrainConfig c = config(512, 1);
        Path model = model(c);
        IllegalArgumentException tx = assertThrows(IllegalArgumentException.class, () -> new TransmitterBlock(
                TransmitterBlock.SPEC.parse(args(TransmitterBlock.SPEC, c, model, "--source", "stream"))));
        assertTrue(tx.getMessage().contains("M must be at most 256; the block has --messages 512"), tx.getMessage());
        IllegalArgumentException rx = assertThrows(IllegalArgumentException.class, () -> new ReceiverBlock(
                ReceiverBlock.SPEC.parse(args(ReceiverBlock.SPEC, c, model, "--output", "stream"))));
        assertTrue(rx.getMessage().contains("M must be at most 256; the block has --messages 512"), rx.getMessage());
        List<String> train = new ArrayList<>(TrainingParams.arguments(TransmitterBlock.SPEC, config(16, 1)));
        train.addAll(List.of("--mode", "train", "--source", "stream"));
        assertThrows(IllegalArgumentException.class, () -> new TransmitterBlock(TransmitterBlock.SPEC.parse(train)));
    }

    @Test
    void sourceAndMsgInMustAgree() throws Exception {
        TrainConfig c = config(16, 1);
        Path model = model(c);
        LocalGraph unfed = new LocalGraph().add("tx", new TransmitterBlock(TransmitterBlock.SPEC.parse(
                args(TransmitterBlock.SPEC, c, model, "--source", "stream"))));
        IllegalStateException a = assertThrows(IllegalStateException.class, () -> unfed.run("tx"));
        assertTrue(a.getMessage().contains("'msg_in', which is not connected"), a.getMessage());
        LocalGraph fed = new LocalGraph().add("tx", new TransmitterBlock(TransmitterBlock.SPEC.parse(
                args(TransmitterBlock.SPEC, c, model, "--frames", "1")))).inject("tx", "msg_in", new byte[3]);
        IllegalStateException b = assertThrows(IllegalStateException.class, () -> fed.run("tx"));
        assertTrue(b.getMessage().contains("give --source stream"), b.getMessage());
    }

    @Test
    void aPortReadOrWrittenWithTheMethodOfAnotherItemTypeIsNamed() {
        LocalGraph g = new LocalGraph();
        Block wrong = TestBlocks.withWork(TransmitterBlock.SPEC, io -> {
            io.readBytes(TransmitterBlock.OUT, new byte[4], 0, 4);
            return Block.Status.DONE;
        });
        g.add("b", wrong);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.run("b"));
        assertTrue(e.getMessage().contains("port 'out' is a complex stream output, not a byte stream input"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> g.inject("b", "msg_in", new float[2]));
    }
}
