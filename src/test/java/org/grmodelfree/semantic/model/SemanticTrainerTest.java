package org.grmodelfree.semantic.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.comm.Rng;
import org.grmodelfree.semantic.data.Dataset;
import org.grmodelfree.semantic.data.Mnist;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Short trainings of the semantic system on a slice of the real MNIST digits, with thresholds, and
 * its refusal of bad input.
 */
class SemanticTrainerTest {
    private static Dataset train;
    private static Dataset test;

    @BeforeAll
    static void load() throws Exception {
        Dataset.Split s = Mnist.load().split(0.2, 2024);
        train = s.train().first(2000);
        test = s.test().first(500);
    }

    private static SemanticConfig config(SemanticMethod m, int epochs, boolean baseline) {
        SemanticConfig d = SemanticConfig.defaults("mnist", m, true);
        return new SemanticConfig("mnist", m, true, 0, 0, d.channelUses(), d.rxWidth(), 50, d.lr(), d.weightDecay(),
                d.snrLowDb(), d.snrHighDb(), d.sigma2(), false, baseline, false, d.rxSteps(), d.txSteps(), epochs, 0, 1);
    }

    @Test
    void modelAwareLearnsTheDigits() {
        SemanticTrainer t = new SemanticTrainer(config(SemanticMethod.MODEL_AWARE, 5, false), train);
        double before = t.evaluate(test, 10, 7).accuracy();
        for (int e = 0; e < 5; e++) {
            t.trainEpoch();
        }
        SemanticTrainer.Accuracy a = t.evaluate(test, 10, 7);
        assertTrue(before < 0.3, "untrained accuracy " + before);
        assertTrue(a.accuracy() > 0.6, "model-aware accuracy at 10 dB after 5 epochs of 2000 digits: " + a.accuracy());
        // Noise hurts: at -10 dB the same system is clearly worse than at 10 dB.
        assertTrue(t.evaluate(test, -10, 7).accuracy() < a.accuracy() - 0.05, "no SNR dependence");
    }

    @ParameterizedTest(name = "mirrored={0}")
    @ValueSource(booleans = {false, true})
    void reinforcementLearningLearnsWithoutAChannelModel(boolean mirrored) {
        SemanticConfig d = config(SemanticMethod.RL, 6, true);
        SemanticConfig c = new SemanticConfig("mnist", SemanticMethod.RL, true, 0, 0, d.channelUses(), d.rxWidth(),
                d.batch(), d.lr(), d.weightDecay(), d.snrLowDb(), d.snrHighDb(), d.sigma2(), false, true, mirrored,
                d.rxSteps(), d.txSteps(), 6, 0, 1);
        SemanticTrainer t = new SemanticTrainer(c, train);
        SemanticTrainer.EpochStats first = t.trainEpoch();
        SemanticTrainer.EpochStats last = first;
        for (int e = 1; e < 6; e++) {
            last = t.trainEpoch();
        }
        SemanticTrainer.Accuracy a = t.evaluate(test, 10, 7);
        String what = "RL (mirrored " + mirrored + ") after 6 epochs of 2000 digits: transmitter-step loss " + first.txLoss() + " -> "
                + last.txLoss() + ", accuracy at 10 dB " + a.accuracy();
        assertTrue(last.txLoss() < first.txLoss() - 0.05, what);
        assertTrue(a.accuracy() > 0.2, what);
    }

    @Test
    void learnedExplorationVarianceMovesAndStaysInRange() {
        SemanticConfig d = config(SemanticMethod.RL, 1, true);
        SemanticConfig c = new SemanticConfig("mnist", SemanticMethod.RL, true, 0, 0, d.channelUses(), d.rxWidth(), 100,
                1e-2, d.weightDecay(), d.snrLowDb(), d.snrHighDb(), 0.15, true, true, false, 1, 1, 1, 0, 1);
        SemanticTrainer t = new SemanticTrainer(c, train.first(500));
        t.trainEpoch();
        double s2 = t.sigma2();
        assertTrue(s2 != 0.15 && s2 >= org.grmodelfree.comm.LearnedSigma2.MIN && s2 <= org.grmodelfree.comm.LearnedSigma2.MAX, "s^2 = " + s2);
    }

    @Test
    void perfectCommunicationIgnoresTheSnr() {
        SemanticTrainer t = new SemanticTrainer(config(SemanticMethod.PERFECT, 2, false), train.first(300));
        SemanticTrainer.EpochStats first = t.trainEpoch();
        SemanticTrainer.EpochStats second = t.trainEpoch();
        assertTrue(second.rxLoss() < first.rxLoss(), first + " -> " + second);
        // Without noise the evaluation draws nothing: any seed gives the same accuracy.
        double clean = t.evaluate(test, Double.POSITIVE_INFINITY, 7).accuracy();
        assertEquals(clean, t.evaluate(test, Double.POSITIVE_INFINITY, 8).accuracy(), 0.0);
    }

    @Test
    void imagesOfTheWrongShapeAreRefusedWithTheShapeNeeded() {
        Dataset small = Dataset.of("twenty", 20, 20, new byte[200 * 400], new int[200], Mnist.CLASS_NAMES);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SemanticTrainer(config(SemanticMethod.MODEL_AWARE, 1, false), small));
        assertTrue(e.getMessage().contains("20 x 20") && e.getMessage().contains("28 x 28"), e.getMessage());
        SemanticTrainer t = new SemanticTrainer(config(SemanticMethod.MODEL_AWARE, 1, false), train.first(200));
        e = assertThrows(IllegalArgumentException.class, () -> t.evaluate(small, 10, 1));
        assertTrue(e.getMessage().contains("28 x 28"), e.getMessage());
        Agent a = new Agent("agent0", true, 14, new Rng(1));
        e = assertThrows(IllegalArgumentException.class, () -> a.forward(new FMatrixRMaj(3, 100), true));
        assertTrue(e.getMessage().contains("100 pixels") && e.getMessage().contains("196"), e.getMessage());
    }

    @Test
    void nonFinitePixelsAreRefusedNamingTheImage() {
        Agent a = new Agent("agent2", true, 14, new Rng(1));
        FMatrixRMaj x = new FMatrixRMaj(3, 196);
        x.data[196 + 5] = Float.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.forward(x, true));
        assertTrue(e.getMessage().contains("agent2") && e.getMessage().contains("image 1")
                && e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    void badSettingsAreRefusedWithTheReason() {
        SemanticConfig d = SemanticConfig.defaults("mnist", SemanticMethod.RL, true);
        List<Runnable> bad = List.of(
                () -> SemanticConfig.defaults("cifar", SemanticMethod.RL, true),
                () -> new SemanticConfig("mnist", SemanticMethod.RL, true, 0, 0, 13, 56, 100, 1e-3, 0, -4, 6, 0.15,
                        false, false, false, 10, 10, 1, 0, 1),
                () -> new SemanticConfig("mnist", SemanticMethod.RL, true, 0, 0, 14, 56, 100, 1e-3, 0, 6, -4, 0.15,
                        false, false, false, 10, 10, 1, 0, 1),
                () -> new SemanticConfig("mnist", SemanticMethod.RL, true, 0, 0, 14, 56, 100, 1e-3, 0, -4, 6, 1.5,
                        false, false, false, 10, 10, 1, 0, 1),
                () -> SemanticMethod.parse("supervised"));
        for (Runnable r : bad) {
            assertThrows(IllegalArgumentException.class, r::run);
        }
        assertEquals(14, d.channelUses());
        assertThrows(IllegalArgumentException.class,
                () -> new SemanticTrainer(config(SemanticMethod.RL, 1, false), train.first(40)));
    }
}
