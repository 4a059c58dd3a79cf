package org.grmodelfree.semantic.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The two recipes: the defaults train rl with the mean baseline and mirrored exploration (the
 * recipe that reaches model-aware's accuracy), the paper's recipe with neither; nothing else differs.
 */
class SemanticConfigTest {
    @Test
    void rlDefaultsToBaselineAndMirroredThePaperToNeither() {
        for (boolean reduced : new boolean[] {true, false}) {
            for (String data : new String[] {"mnist", "fashion"}) {
                SemanticConfig d = SemanticConfig.defaults(data, SemanticMethod.RL, reduced);
                assertTrue(d.baseline() && d.mirrored(), "defaults " + d);
                assertEquals(2, d.sendsPerImage());
                SemanticConfig p = SemanticConfig.paper(data, SemanticMethod.RL, reduced);
                assertFalse(p.baseline() || p.mirrored(), "paper " + p);
                assertFalse(p.learnSigma2() || d.learnSigma2());
                assertEquals(p, new SemanticConfig(d.dataset(), d.method(), d.reduced(), d.trainImages(),
                        d.testImages(), d.channelUses(), d.rxWidth(), d.batch(), d.lr(), d.weightDecay(), d.snrLowDb(),
                        d.snrHighDb(), d.sigma2(), d.learnSigma2(), false, false, d.rxSteps(), d.txSteps(), d.epochs(),
                        d.fineTuneEpochs(), d.seed()), "only the baseline and the mirroring differ");
            }
        }
        SemanticConfig r = SemanticConfig.defaults("mnist", SemanticMethod.RL, true);
        assertEquals(150, r.epochs(), "docs/results.md: 150 + 1 epochs bring rl within 2 points of model-aware");
        assertEquals(1, r.fineTuneEpochs());
        assertEquals(100, r.batch());
        assertEquals(0.15, r.sigma2());
    }

    @Test
    void methodsWithoutAPolicyHaveNeither() {
        for (SemanticMethod m : new SemanticMethod[] {SemanticMethod.MODEL_AWARE, SemanticMethod.PERFECT}) {
            SemanticConfig d = SemanticConfig.defaults("mnist", m, true);
            assertFalse(d.baseline() || d.mirrored(), m + " " + d);
            assertEquals(SemanticConfig.paper("mnist", m, true), d);
        }
    }
}
