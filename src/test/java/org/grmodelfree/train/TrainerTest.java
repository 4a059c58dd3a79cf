package org.grmodelfree.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.comm.Codebooks;
import org.grmodelfree.nn.Adam;
import org.grmodelfree.nn.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class TrainerTest {

    /** A small system: M = 16, N = 2, hidden 16, batches of 64, decaying rate and exploration. */
    static TrainConfig small(Method method, ChannelKind channel, long seed) {
        return TrainConfig.builder(channel).snrDb(channel == ChannelKind.AWGN ? 8 : 20).method(method).messages(16)
                .symbols(2).hidden(16).iterations(20).batch(64).rxSteps(2).txSteps(1).lrRx(1e-2).lrTx(1e-2)
                .lrFinalFactor(0.1).sigma2(0.1).sigma2Final(0.02).baseline(Baseline.MEAN).fineTuneSteps(0)
                .seed(seed).evalEvery(0).evalMessages(1_000).patience(0).build();
    }

    /** Every parameter value of both ends, in a fixed order. */
    static List<float[]> parameters(Trainer t) {
        List<float[]> all = new ArrayList<>();
        for (Param p : t.transmitter().params()) {
            all.add(p.value().data.clone());
        }
        for (Param p : t.receiver().params()) {
            all.add(p.value().data.clone());
        }
        return all;
    }

    static void assertSameState(Trainer expected, Trainer actual) {
        assertEquals(expected.iteration(), actual.iteration());
        List<float[]> a = parameters(expected);
        List<float[]> b = parameters(actual);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "parameter tensor " + i + " differs");
        }
        assertArrayEquals(expected.transmitter().codebook().data, actual.transmitter().codebook().data);
        List<Adam> oa = expected.optimisers();
        List<Adam> ob = actual.optimisers();
        assertEquals(oa.size(), ob.size());
        for (int i = 0; i < oa.size(); i++) {
            assertEquals(oa.get(i).steps(), ob.get(i).steps());
            float[][] ma = oa.get(i).moments();
            float[][] mb = ob.get(i).moments();
            for (int j = 0; j < ma.length; j++) {
                assertArrayEquals(ma[j], mb[j], "optimiser " + i + " moment " + j);
            }
        }
    }

    static Trainer trained(TrainConfig c, int iterations) {
        Trainer t = Trainer.create(c);
        for (int i = 0; i < iterations; i++) {
            Trainer.IterationStats s = t.iterate();
            assertEquals(i, s.iteration());
            assertTrue(Double.isFinite(s.rxLoss()), "receiver loss " + s.rxLoss());
            assertTrue(Double.isFinite(s.txLoss()), "transmitter loss " + s.txLoss());
        }
        assertEquals(iterations, t.iteration());
        return t;
    }

    static Stream<Arguments> systems() {
        return Stream.of(
                Arguments.of(Method.ALTERNATING, ChannelKind.AWGN),
                Arguments.of(Method.SUPERVISED, ChannelKind.AWGN),
                Arguments.of(Method.ALTERNATING, ChannelKind.RBF),
                Arguments.of(Method.SUPERVISED, ChannelKind.RBF));
    }

    // ------------------------------------------------------------ (a) reproducibility

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("systems")
    void sameSeedGivesBitIdenticalModelsAndAnotherSeedDoesNot(Method method, ChannelKind channel) {
        TrainConfig c = small(method, channel, 7);
        Trainer a = trained(c, 20);
        Trainer b = trained(c, 20);
        assertSameState(a, b);
        Trainer other = trained(c.withSeed(8), 20);
        assertFalse(Arrays.equals(a.transmitter().codebook().data, other.transmitter().codebook().data));
        // and training moved the codebook away from its initial state
        assertFalse(Arrays.equals(a.transmitter().codebook().data,
                Trainer.create(c).transmitter().codebook().data));
    }

    @Test
    void createBuildsTheTrainerOfTheMethod() {
        assertInstanceOf(AlternatingTrainer.class, Trainer.create(small(Method.ALTERNATING, ChannelKind.AWGN, 1)));
        assertInstanceOf(SupervisedTrainer.class, Trainer.create(small(Method.SUPERVISED, ChannelKind.RBF, 1)));
        Trainer t = Trainer.create(small(Method.ALTERNATING, ChannelKind.RBF, 1));
        assertEquals(ChannelKind.RBF, t.receiver().kind());
        assertEquals(16, t.transmitter().messages());
        assertEquals(2, t.transmitter().symbols());
        assertEquals(2, t.optimisers().size());
    }

    // ------------------------------------------------------------ (b) resume

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("systems")
    void resumingFromAModelFileContinuesBitForBit(Method method, ChannelKind channel) throws Exception {
        TrainConfig c = small(method, channel, 11);
        Trainer straight = trained(c, 20);

        Trainer first = trained(c, 10);
        byte[] file = org.grmodelfree.store.ModelFileAccess.encode(first, 1.5, new LearningCurve());
        Trainer resumed = org.grmodelfree.store.ModelFile.restore(org.grmodelfree.store.ModelFileAccess.decode(file));
        assertEquals(10, resumed.iteration());
        assertSameState(first, resumed);
        for (int i = 0; i < 10; i++) {
            resumed.iterate();
        }
        assertSameState(straight, resumed);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Method.class)
    void resumingWithMoreIterationsContinuesBitForBitWhenSchedulesAreConstant(Method method) throws Exception {
        // constant rate and exploration: the iteration budget does not enter the first 20 iterations
        TrainConfig base = small(method, ChannelKind.AWGN, 12);
        TrainConfig c = TrainConfig.builder(base.channel()).snrDb(base.snrDb()).method(method).messages(16)
                .symbols(2).hidden(16).iterations(20).batch(64).rxSteps(2).txSteps(1).lrRx(1e-2).lrTx(1e-2)
                .lrFinalFactor(1.0).sigma2(0.05).sigma2Final(0.05).baseline(Baseline.MEAN).fineTuneSteps(0).seed(12)
                .evalEvery(0).evalMessages(1_000).patience(0).build();
        Trainer straight = trained(c, 20);

        Trainer first = trained(c.withIterations(10), 10);
        byte[] file = org.grmodelfree.store.ModelFileAccess.encode(first, 0, new LearningCurve());
        org.grmodelfree.store.ModelFile.Loaded loaded = org.grmodelfree.store.ModelFileAccess.decode(file);
        assertEquals(10, loaded.config().iterations());
        Trainer resumed = org.grmodelfree.store.ModelFile.restore(loaded, loaded.config().withIterations(20));
        assertEquals(20, resumed.config().iterations());
        for (int i = 0; i < 10; i++) {
            resumed.iterate();
        }
        assertSameState(straight, resumed);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Method.class)
    void fineTuningTrainsOnlyTheReceiver(Method method) {
        Trainer t = trained(small(method, ChannelKind.AWGN, 13), 5);
        float[] code = t.transmitter().codebook().data.clone();
        List<float[]> tx = t.transmitter().params().stream().map(p -> p.value().data.clone()).toList();
        List<float[]> rx = t.receiver().params().stream().map(p -> p.value().data.clone()).toList();
        double loss = t.fineTuneReceiver(5);
        assertTrue(Double.isFinite(loss));
        assertArrayEquals(code, t.transmitter().codebook().data);
        for (int i = 0; i < tx.size(); i++) {
            assertArrayEquals(tx.get(i), t.transmitter().params().get(i).value().data);
        }
        boolean changed = false;
        for (int i = 0; i < rx.size(); i++) {
            changed |= !Arrays.equals(rx.get(i), t.receiver().params().get(i).value().data);
        }
        assertTrue(changed, "fine-tuning did not move the receiver");
        assertEquals(5, t.iteration());
    }

    // ------------------------------------------------------------ (c) convergence

    /** M = 16, N = 2 trained at 6 dB: 1000 iterations of batch 512, well under a second each here. */
    static TrainConfig convergence(Method method, ChannelKind channel) {
        double snr = channel == ChannelKind.AWGN ? 6 : 20;
        return TrainConfig.builder(channel).snrDb(snr).method(method).messages(16).symbols(2).txHidden(16)
                .rxHidden(32).iterations(1_000).batch(512).rxSteps(1).txSteps(1).lrRx(1e-2).lrTx(1e-2)
                .lrFinalFactor(0.1).sigma2(0.1).sigma2Final(0.02).baseline(Baseline.MEAN).fineTuneSteps(0).seed(1)
                .evalEvery(0).evalMessages(1_000).patience(0).build();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Method.class)
    void learnsABetterThanUncodedQpskSystemOnAwgn(Method method) {
        TrainConfig c = convergence(method, ChannelKind.AWGN);
        Evaluator ev = new Evaluator(99, 1_000, 200_000, 2_000);
        Trainer t = Trainer.create(c);
        BlerPoint untrained = ev.bler(t.transmitter().codebook(), t.receiver(), ChannelKind.AWGN, 6);
        for (int i = 0; i < c.iterations(); i++) {
            t.iterate();
        }
        BlerPoint trained = ev.bler(t.transmitter().codebook(), t.receiver(), ChannelKind.AWGN, 6);
        BlerPoint ml = ev.blerMinDistance(t.transmitter().codebook(), ChannelKind.AWGN, 6);
        double qpsk = Codebooks.qpskBler(2, 6); // 0.089; trained systems here reach about 0.075
        assertTrue(untrained.bler() > 0.8, "untrained " + untrained);
        assertTrue(trained.ciHigh() < qpsk, "trained " + trained + " does not beat uncoded QPSK " + qpsk);
        // the learned receiver is close to the best decision on the learned codebook
        assertTrue(trained.bler() < 1.1 * ml.bler(), "receiver " + trained + ", min-distance " + ml);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Method.class)
    void learnsToCommunicateOverRayleighBlockFading(Method method) {
        TrainConfig c = convergence(method, ChannelKind.RBF);
        Evaluator ev = new Evaluator(99, 1_000, 200_000, 2_000);
        Trainer t = Trainer.create(c);
        BlerPoint untrained = ev.bler(t.transmitter().codebook(), t.receiver(), ChannelKind.RBF, 20);
        for (int i = 0; i < c.iterations(); i++) {
            t.iterate();
        }
        BlerPoint trained = ev.bler(t.transmitter().codebook(), t.receiver(), ChannelKind.RBF, 20);
        // coherent QPSK (perfect channel knowledge) gives 0.015; the learned ones reach about 0.08 to 0.11 here
        assertTrue(untrained.bler() > 0.8, "untrained " + untrained);
        assertTrue(trained.ciHigh() < 0.2, "trained " + trained);
        assertTrue(trained.bler() > Codebooks.qpskBlerRayleigh(2, 20), "better than coherent detection?");
    }

    // ------------------------------------------------------------ (d) configuration

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                bad("messages", "messages", c -> with(c, 3, 1)),
                bad("symbols", "symbols", c -> with(c, 4, 0)),
                bad("txHidden", "hidden", c -> with(c, 5, 0)),
                bad("rxHidden", "hidden", c -> with(c, 6, -4)),
                bad("iterations", "iterations", c -> with(c, 7, -1)),
                bad("batchRx", "batch", c -> with(c, 8, 0)),
                bad("batchTx", "batch", c -> with(c, 9, 0)),
                bad("rxSteps", "receiver step", c -> with(c, 10, 0)),
                bad("txSteps", "transmitter step", c -> with(c, 11, -1)),
                bad("lrRx", "learning rate", c -> with(c, 12, 0.0)),
                bad("lrTx", "learning rate", c -> with(c, 13, Double.POSITIVE_INFINITY)),
                bad("lrFinalFactor = 0", "final learning-rate factor", c -> with(c, 14, 0.0)),
                bad("lrFinalFactor > 1", "final learning-rate factor", c -> with(c, 14, 1.5)),
                bad("sigma2 = 0", "s^2", c -> with(c, 15, 0.0)),
                bad("sigma2 = 1", "s^2", c -> with(c, 15, 1.0)),
                bad("sigma2 < 0", "s^2", c -> with(c, 15, -0.02)),
                bad("sigma2 NaN", "s^2", c -> with(c, 15, Double.NaN)),
                bad("sigma2Final", "final exploration variance", c -> with(c, 16, 1.2)),
                bad("snrDb", "SNR", c -> with(c, 1, Double.NaN)),
                bad("fineTuneSteps", "fine-tune", c -> with(c, 18, -1)),
                bad("evalEvery", "evaluation interval", c -> with(c, 20, -1)),
                bad("evalMessages", "evaluation messages", c -> with(c, 21, 0)),
                bad("patience", "patience", c -> with(c, 22, -1)));
    }

    private static Arguments bad(String field, String named, UnaryOperator<Object[]> mutate) {
        return Arguments.of(field, named, mutate);
    }

    /** The constructor arguments with argument {@code index} (record component order) replaced. */
    private static Object[] with(Object[] args, int index, Object value) {
        Object[] copy = args.clone();
        copy[index] = value;
        return copy;
    }

    private static Object[] validArgs() {
        return new Object[] {ChannelKind.AWGN, 10.0, Method.ALTERNATING, 16, 2, 16, 16, 20, 64, 64, 1, 1,
            1e-3, 1e-3, 0.5, 0.1, 0.02, Baseline.MEAN, 0, 1L, 0, 1_000, 0};
    }

    private static TrainConfig build(Object[] a) {
        return TrainConfig.builder((ChannelKind) a[0]).snrDb((Double) a[1]).method((Method) a[2])
                .messages((Integer) a[3]).symbols((Integer) a[4]).txHidden((Integer) a[5]).rxHidden((Integer) a[6])
                .iterations((Integer) a[7]).batchRx((Integer) a[8]).batchTx((Integer) a[9]).rxSteps((Integer) a[10])
                .txSteps((Integer) a[11]).lrRx((Double) a[12]).lrTx((Double) a[13]).lrFinalFactor((Double) a[14])
                .sigma2((Double) a[15]).sigma2Final((Double) a[16]).baseline((Baseline) a[17])
                .fineTuneSteps((Integer) a[18]).seed((Long) a[19]).evalEvery((Integer) a[20])
                .evalMessages((Integer) a[21]).patience((Integer) a[22]).build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void badValuesAreRejectedWithAMessageNamingTheField(String field, String named, UnaryOperator<Object[]> mutate) {
        assertNotNull(build(validArgs()));
        Object[] args = mutate.apply(validArgs());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> build(args));
        assertTrue(e.getMessage().contains(named), field + ": message '" + e.getMessage() + "' should name '" + named + "'");
    }

    @Test
    void missingEnumsAreRejected() {
        Object[] args = validArgs();
        args[0] = null;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> build(args));
        assertTrue(e.getMessage().contains("channel"), e.getMessage());
    }

    @Test
    void schedulesRunFromTheirInitialToTheirFinalValues() {
        TrainConfig c = small(Method.ALTERNATING, ChannelKind.AWGN, 1).withIterations(101);
        assertEquals(1.0, c.lrScale(0), 1e-12);
        assertEquals(0.1, c.lrScale(100), 1e-12);
        assertEquals(0.55, c.lrScale(50), 1e-12); // half-way down the cosine
        assertEquals(0.1, c.lrScale(500), 1e-12); // held after the end
        assertEquals(0.1, c.sigma2At(0), 1e-15);
        assertEquals(0.02, c.sigma2At(100), 1e-15);
        assertEquals(Math.sqrt(0.1 * 0.02), c.sigma2At(50), 1e-12); // geometric
        for (int i = 1; i <= 100; i++) {
            assertTrue(c.lrScale(i) <= c.lrScale(i - 1));
            assertTrue(c.sigma2At(i) < c.sigma2At(i - 1));
        }
    }

    /** With a restart, the receiver's rate runs down the cosine twice: before the last fraction, and over it. */
    @Test
    void theReceiversRateRestartsForTheLastFraction() {
        TrainConfig c = small(Method.ALTERNATING, ChannelKind.AWGN, 1).withIterations(100).toBuilder().rxRestart(0.2)
                .build();
        assertEquals(1.0, c.rxLrScale(0), 1e-12);
        assertEquals(0.1, c.rxLrScale(79), 1e-12); // end of the first cosine (iterations 0..79)
        assertEquals(1.0, c.rxLrScale(80), 1e-12); // restarted
        assertEquals(0.1, c.rxLrScale(99), 1e-12);
        assertEquals(c.lrScale(99), c.rxLrScale(99), 1e-12);
        assertTrue(c.rxLrScale(50) < c.lrScale(50), "the first cosine is shorter, so further down");
        TrainConfig none = c.toBuilder().rxRestart(0).build();
        for (int i = 0; i < 100; i++) {
            assertEquals(none.lrScale(i), none.rxLrScale(i), 0, "no restart: the transmitter's schedule");
        }
        assertThrows(IllegalArgumentException.class, () -> c.toBuilder().rxRestart(1).build());
    }

    /** Fine-tuning restarts the receiver's rate and decays it again over its own steps. */
    @Test
    void fineTuningRestartsTheReceiversRate() {
        TrainConfig c = small(Method.ALTERNATING, ChannelKind.AWGN, 1).withIterations(101);
        assertEquals(c.lrRx(), c.fineTuneLr(0, 11), 1e-15);
        assertEquals(c.lrRx() * 0.55, c.fineTuneLr(5, 11), 1e-15);
        assertEquals(c.lrRx() * c.lrFinalFactor(), c.fineTuneLr(10, 11), 1e-15);
        TrainConfig constant = c.toBuilder().lrFinalFactor(1).build();
        assertEquals(c.lrRx(), constant.fineTuneLr(7, 11), 1e-15); // the paper's fixed rate
    }

    @Test
    void presetsAndCopies() {
        TrainConfig paper = TrainConfig.paper(ChannelKind.RBF, Method.SUPERVISED, 500, 3);
        assertEquals(20, paper.snrDb());
        assertEquals(256, paper.messages());
        assertEquals(4, paper.symbols());
        assertEquals(1000, paper.batchRx());
        assertEquals(1000, paper.batchTx());
        assertEquals(1e-3, paper.lrRx());
        assertEquals(1.0, paper.lrScale(400), "the paper's rate is fixed");
        assertEquals(0.02, paper.sigma2At(400));
        assertEquals(Baseline.NONE, paper.baseline());
        TrainConfig d = TrainConfig.defaults(ChannelKind.AWGN);
        assertEquals(10, d.snrDb());
        assertEquals(Method.ALTERNATING, d.method());
        TrainConfig longer = d.withIterations(77);
        assertEquals(77, longer.iterations());
        assertEquals(d, d.toBuilder().build());
        assertEquals(d, TrainConfig.builder(ChannelKind.AWGN).build());
        assertEquals(8000, d.iterations(), "the default run: about two minutes here");
        assertEquals(2000, d.batchTx());
        assertEquals(1000, d.batchRx());
        assertEquals(TrainConfig.paper(ChannelKind.AWGN, Method.ALTERNATING, 4000, 1),
                d.toBuilder().iterations(4000).batch(1000).lrFinalFactor(1.0).baseline(Baseline.NONE).evalEvery(10)
                        .evalMessages(10_000).build());
        assertEquals(d, longer.withIterations(d.iterations()));
        assertEquals(99, d.withSeed(99).seed());
        assertEquals(d, d.withSeed(99).withSeed(d.seed()));
    }
}
