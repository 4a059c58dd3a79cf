package org.grmodelfree.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.comm.FrameSync;
import org.grmodelfree.store.ModelFile;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.Trainer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The radio blocks in memory: a stream transmitter's frames through Radio TX, a test channel
 * (gain, phase, carrier offset, AWGN) and Radio RX, on the graph's virtual clock. What comes out of
 * Radio RX is the link's stream again (every frame, in order, parseable at one sample per symbol);
 * a carrier offset beyond the block's range drops every frame and counts it; Radio TX keeps the
 * sink fed with idle samples by the clock and refuses a stream that is not the link's.
 */
class RadioBlocksTest {
    private static final int FRAMES = 6;
    private static final double RATE = 1e6;

    @TempDir
    Path dir;
    private TrainConfig c;
    private Path model;

    @BeforeEach
    void model() throws Exception {
        c = TrainConfig.defaults(ChannelKind.AWGN).toBuilder().batch(200).iterations(1).build();
        model = dir.resolve("model.msgpack");
        ModelFile.save(model, Trainer.create(c), 0, new LearningCurve());
    }

    /** A channel for the tests: out = g e^(j (phase + 2 pi f n)) in + AWGN; ends after a number of samples. */
    static final class TestChannel implements Block {
        static final PortSpec IN = PortSpec.streamIn("in", PortSpec.Item.COMPLEX, "samples");
        static final PortSpec OUT = PortSpec.streamOut("out", PortSpec.Item.COMPLEX, "samples");
        static final BlockSpec SPEC = new BlockSpec("test-channel", "Test channel", "gain, phase, carrier offset, AWGN",
                List.of(IN, OUT), List.of());
        final double gain;
        final double phase;
        final double cyclesPerSample;
        final double sigma;
        final long limit;
        final SplittableRandom rnd = new SplittableRandom(3);
        final float[] buf = new float[2 * 8192];
        long n;

        TestChannel(double gain, double phase, double cyclesPerSample, double noise, long limit) {
            this.gain = gain;
            this.phase = phase;
            this.cyclesPerSample = cyclesPerSample;
            this.sigma = Math.sqrt(noise / 2);
            this.limit = limit;
        }

        @Override
        public BlockSpec spec() {
            return SPEC;
        }

        @Override
        public Status work(BlockIo io) {
            int m = io.read(IN, buf, 0, (int) Math.min(buf.length / 2, limit - n));
            for (int i = 0; i < m; i++) {
                double th = phase + 2 * Math.PI * cyclesPerSample * (n + i);
                double cr = gain * Math.cos(th);
                double ci = gain * Math.sin(th);
                double re = buf[2 * i];
                double im = buf[2 * i + 1];
                buf[2 * i] = (float) (cr * re - ci * im + sigma * rnd.nextGaussian());
                buf[2 * i + 1] = (float) (ci * re + cr * im + sigma * rnd.nextGaussian());
            }
            if (m > 0) {
                io.write(OUT, buf, 0, m);
            }
            n += m;
            return n >= limit ? Status.DONE : m > 0 ? Status.WORKED : Status.IDLE;
        }

        @Override
        public String waitingFor() {
            return "samples";
        }

        @Override
        public Map<String, Object> stats() {
            return Map.of("samples", n);
        }
    }

    record Run(RadioTxBlock radioTx, RadioRxBlock radioRx, LocalGraph graph, List<Long> ids) {
    }

    /**
     * FRAMES frames (and the end frames) from a stream transmitter through Radio TX, the test channel
     * (Es/N0 = 15 dB at Radio TX's level) until all have passed, and Radio RX; the batch ids of the
     * frames Radio RX handed out, as the receiver's frame sync reads them.
     */
    Run run(double cyclesPerSymbol, List<String> rxExtra) {
        List<String> tx = new ArrayList<>(TrainingParams.arguments(TransmitterBlock.SPEC, c));
        tx.addAll(List.of("--mode", "stream", "--model", model.toString(), "--frames", String.valueOf(FRAMES)));
        List<String> radioTxArgs = new ArrayList<>(TrainingParams.arguments(RadioTxBlock.SPEC, c));
        radioTxArgs.addAll(List.of("--samp_rate", String.valueOf(RATE)));
        List<String> radioRxArgs = new ArrayList<>(TrainingParams.arguments(RadioRxBlock.SPEC, c));
        radioRxArgs.addAll(rxExtra);
        RadioTxBlock radioTx = new RadioTxBlock(RadioTxBlock.SPEC.parse(radioTxArgs));
        RadioRxBlock radioRx = new RadioRxBlock(RadioRxBlock.SPEC.parse(radioRxArgs));
        int sps = 4;
        double level = 0.25;
        long frameSamples = RadioParams.format(RadioRxBlock.SPEC.parse(radioRxArgs)).frameSamples();
        // every frame and the end frames, each behind up to one latency of idle samples, and a margin
        long limit = (FRAMES + BatchFraming.END_FRAMES + 2) * (frameSamples + (long) (0.02 * RATE));
        TestChannel channel = new TestChannel(0.7, 1.3, cyclesPerSymbol / sps,
                0.49 * level * level * sps / Math.pow(10, 1.5), limit);
        LocalGraph g = new LocalGraph()
                .add("tx", new TransmitterBlock(TransmitterBlock.SPEC.parse(tx)))
                .add("radio-tx", radioTx)
                .add("channel", channel)
                .add("radio-rx", radioRx)
                .connect("tx", TransmitterBlock.OUT, "radio-tx", RadioTxBlock.IN)
                .connect("radio-tx", RadioTxBlock.OUT, "channel", TestChannel.IN)
                .connect("channel", TestChannel.OUT, "radio-rx", RadioRxBlock.IN);
        g.run("channel");
        float[] out = g.samples("radio-rx", RadioRxBlock.OUT);
        FrameSync sync = new FrameSync(BatchFraming.format(c));
        sync.push(out, 0, out.length / 2);
        float[] payload = new float[2 * BatchFraming.format(c).payloadSymbols()];
        List<Long> ids = new ArrayList<>();
        while (sync.next(payload)) {
            ids.add(sync.batchId());
        }
        return new Run(radioTx, radioRx, g, ids);
    }

    @Test
    void every_frame_comes_out_at_one_sample_per_symbol_in_order() {
        Run r = run(0.008, List.of());
        List<Long> expected = new ArrayList<>();
        for (long i = 0; i < FRAMES + BatchFraming.END_FRAMES; i++) {
            expected.add(i);
        }
        assertEquals(expected, r.ids(), "the link's frames after Radio RX");
        Map<String, Object> rx = r.radioRx().stats();
        assertEquals(0L, rx.get("frames_dropped"), rx.toString());
        assertEquals(0.008, (Double) rx.get("carrier_offset"), 3e-4, rx.toString());
        assertEquals(15, (Double) rx.get("snr_db"), 2, rx.toString());
        Map<String, Object> tx = r.radioTx().stats();
        assertEquals((long) FRAMES + BatchFraming.END_FRAMES, tx.get("frames_sent"), tx.toString());
        assertTrue((Long) tx.get("idle_samples") > 0, "idle samples between frames: " + tx);
        assertEquals(0L, tx.get("underflows"), tx.toString());
        // by the (virtual) clock: what was sent is what the sink took, plus at most the latency and a frame
        long ahead = (Long) tx.get("samples_out") - (long) (r.graph().clock() * 1e-9 * RATE);
        assertTrue(ahead >= 0 && ahead <= 0.02 * RATE + 30_000, ahead + " samples ahead of the sink's clock: " + tx);
        assertTrue((Double) tx.get("peak") <= 1.0, "never beyond full scale: " + tx);
    }

    @Test
    void frames_beyond_the_carrier_offset_range_are_dropped_and_counted() {
        Run r = run(0.02, List.of("--max_carrier", "0.01"));
        assertEquals(List.of(), r.ids(), "no frame handed out");
        Map<String, Object> rx = r.radioRx().stats();
        assertEquals((long) FRAMES + BatchFraming.END_FRAMES, rx.get("dropped_carrier_offset"), rx.toString());
        assertEquals(0L, rx.get("frames_out"), rx.toString());
    }

    @Test
    void radio_tx_refuses_a_stream_that_is_not_the_links_frames() {
        // Radio TX told of another batch size than the transmitter's: its frames do not line up
        List<String> tx = new ArrayList<>(TrainingParams.arguments(TransmitterBlock.SPEC, c));
        tx.addAll(List.of("--mode", "stream", "--model", model.toString(), "--frames", "3"));
        List<String> radioTxArgs = List.of("--symbols", String.valueOf(c.symbols()), "--batch_rx", "150",
                "--batch_tx", "150");
        LocalGraph g = new LocalGraph()
                .add("tx", new TransmitterBlock(TransmitterBlock.SPEC.parse(tx)))
                .add("radio-tx", new RadioTxBlock(RadioTxBlock.SPEC.parse(radioTxArgs)))
                .connect("tx", TransmitterBlock.OUT, "radio-tx", RadioTxBlock.IN);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.run("tx", "radio-tx"));
        assertTrue(e.getMessage().contains("does not start with the link preamble")
                && e.getMessage().contains("same symbols (N) and batch sizes"), e.getMessage());
    }
}
