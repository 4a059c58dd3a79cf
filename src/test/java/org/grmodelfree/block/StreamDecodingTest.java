package org.grmodelfree.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.store.ModelFile;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.Method;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Stream mode end to end in memory: a trained model's frames through a noisy channel to the neural receiver. */
class StreamDecodingTest {

    @TempDir
    Path dir;

    /** A model of c trained for its iterations, saved in the test's folder under name. */
    private Path trained(TrainConfig c, String name) throws Exception {
        Trainer t = Trainer.create(c);
        while (t.iteration() < c.iterations()) {
            t.iterate();
        }
        Path model = dir.resolve(name);
        ModelFile.save(model, t, 0, new LearningCurve());
        return model;
    }

    /**
     * The model's frames from a stream transmitter through the test channel of c's kind into a
     * stream receiver with the extra arguments, three frames decided; the receiver's counters.
     */
    private static Map<String, Object> decodeThreeFrames(TrainConfig c, Path model, List<String> rxExtra) {
        List<String> txArgs = new ArrayList<>(TrainingParams.arguments(TransmitterBlock.SPEC, c));
        txArgs.addAll(List.of("--mode", "stream", "--model", model.toString(), "--frames", "4"));
        List<String> rxArgs = new ArrayList<>(TrainingParams.arguments(ReceiverBlock.SPEC, c));
        rxArgs.addAll(List.of("--mode", "stream", "--model", model.toString(), "--frames", "3"));
        rxArgs.addAll(rxExtra);
        ReceiverBlock rx = new ReceiverBlock(ReceiverBlock.SPEC.parse(rxArgs));
        LocalGraph g = new LocalGraph()
                .add("tx", new TransmitterBlock(TransmitterBlock.SPEC.parse(txArgs)))
                .add("channel", new ChannelBlock(ChannelBlock.SPEC.parse(List.of("--kind", c.channel().id(),
                        "--snr_db", String.valueOf(c.snrDb()), "--symbols", String.valueOf(c.symbols())))))
                .add("rx", rx)
                .connect("tx", "out", "channel", "in")
                .connect("channel", "out", "rx", "in");
        g.run("rx");
        Map<String, Object> s = rx.stats();
        assertEquals(3L * BatchFraming.frameMessages(c), s.get("messages"), s.toString());
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ChannelKind.class)
    void theStreamReceiverDecidesNoisyFramesWithThePrunedDecoder(ChannelKind kind) throws Exception {
        TrainConfig c = TrainConfig.paper(kind, Method.SUPERVISED, 200, 3);
        // one of the two decides each frame on two threads (the decisions do not depend on it)
        Map<String, Object> s = decodeThreeFrames(c, trained(c, "model.msgpack"),
                List.of("--decoder_threads", kind == ChannelKind.RBF ? "2" : "1"));
        double bler = ((Number) s.get("block_errors")).doubleValue() / (3 * BatchFraming.frameMessages(c));
        double logits = ((Number) s.get("logits_per_message")).doubleValue();
        // (the RBF model after 200 iterations is weak, and the test channel's fading blocks need not
        // line up with the frames' messages: far better than guessing is all that is asked there)
        assertTrue(bler < (kind == ChannelKind.AWGN ? 0.05 : 0.9), "BLER " + bler + ": " + s);
        assertTrue(logits < c.messages() / 4.0, logits + " logits per message: " + s);
    }

    /**
     * --decoder min-distance: maximum-likelihood decisions on the model's codebook through the same
     * stream (AWGN), and a refusal naming the channel for a model trained for another.
     */
    @Test
    void theStreamReceiverDecidesByMinimumDistanceOnAwgnOnly() throws Exception {
        TrainConfig c = TrainConfig.paper(ChannelKind.AWGN, Method.SUPERVISED, 200, 3);
        Map<String, Object> s = decodeThreeFrames(c, trained(c, "model.msgpack"), List.of("--decoder", "min-distance"));
        long errors = ((Number) s.get("block_errors")).longValue();
        int messages = 3 * BatchFraming.frameMessages(c);
        assertTrue(errors < 0.05 * messages, errors + " block errors in " + messages + ": " + s);

        TrainConfig rbf = TrainConfig.paper(ChannelKind.RBF, Method.SUPERVISED, 1, 3);
        Path rbfModel = trained(rbf, "rbf.msgpack");
        List<String> args = new ArrayList<>(TrainingParams.arguments(ReceiverBlock.SPEC, rbf));
        args.addAll(List.of("--mode", "stream", "--model", rbfModel.toString(), "--decoder", "min-distance"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ReceiverBlock(ReceiverBlock.SPEC.parse(args)));
        assertTrue(e.getMessage().contains("min-distance decoder is for AWGN") && e.getMessage().contains("rbf"),
                e.getMessage());
    }

    @Test
    void aStreamBlockRefusesAModelForOtherMessagesOrChannelUses() throws Exception {
        TrainConfig c = TrainConfig.paper(ChannelKind.AWGN, Method.SUPERVISED, 1, 3);
        Path model = dir.resolve("model.msgpack");
        ModelFile.save(model, Trainer.create(c), 0, new LearningCurve());
        for (String[] wrong : List.of(new String[] {"--messages", String.valueOf(2 * c.messages())},
                new String[] {"--symbols", String.valueOf(c.symbols() + 1)})) {
            List<String> args = new ArrayList<>(TrainingParams.arguments(ReceiverBlock.SPEC, c));
            args.set(args.indexOf(wrong[0]) + 1, wrong[1]);
            args.addAll(List.of("--mode", "stream", "--model", model.toString(), "--frames", "1"));
            IllegalArgumentException rx = assertThrows(IllegalArgumentException.class,
                    () -> new ReceiverBlock(ReceiverBlock.SPEC.parse(args)));
            assertTrue(rx.getMessage().contains("M=" + c.messages() + " messages and N=" + c.symbols()),
                    rx.getMessage());
            List<String> txArgs = new ArrayList<>(TrainingParams.arguments(TransmitterBlock.SPEC, c));
            txArgs.set(txArgs.indexOf(wrong[0]) + 1, wrong[1]);
            txArgs.addAll(List.of("--mode", "stream", "--model", model.toString(), "--frames", "1"));
            IllegalArgumentException tx = assertThrows(IllegalArgumentException.class,
                    () -> new TransmitterBlock(TransmitterBlock.SPEC.parse(txArgs)));
            assertTrue(tx.getMessage().contains(wrong[0] + " " + wrong[1]), tx.getMessage());
        }
    }
}
