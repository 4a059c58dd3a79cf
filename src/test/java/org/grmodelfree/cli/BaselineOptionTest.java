package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.grmodelfree.train.Baseline;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** --baseline is the same choice, none or mean, in train and in semantic train; alone it means mean. */
class BaselineOptionTest {

    private static TrainCommand train(String... args) {
        TrainCommand c = new TrainCommand();
        new CommandLine(c).parseArgs(args);
        return c;
    }

    private static SemanticCommand.Train semantic(String... args) {
        SemanticCommand.Train c = new SemanticCommand.Train();
        new CommandLine(c).parseArgs(args);
        return c;
    }

    @Test
    void trainTakesNoneMeanOrNothing() {
        assertEquals(Baseline.MEAN, train().config().baseline());
        assertEquals(Baseline.NONE, train("--paper").config().baseline());
        assertEquals(Baseline.NONE, train("--baseline", "none").config().baseline());
        assertEquals(Baseline.MEAN, train("--paper", "--baseline", "mean").config().baseline());
        assertEquals(Baseline.MEAN, train("--paper", "--baseline").config().baseline());
        assertEquals(Baseline.MEAN, train("--paper", "--baseline", "--seed", "2").config().baseline());
    }

    @Test
    void semanticTrainTakesTheSameChoice() {
        assertTrue(semantic().config().baseline(), "rl's default is the recipe that works: mean");
        assertFalse(semantic("--paper").config().baseline(), "the paper's recipe: none");
        assertTrue(semantic("--paper", "--baseline").config().baseline(), "the old flag spelling still means mean");
        assertTrue(semantic("--baseline", "--mirrored").config().baseline());
        assertTrue(semantic("--baseline", "mean").config().baseline());
        assertTrue(semantic("--baseline=MEAN").config().baseline());
        assertFalse(semantic("--baseline", "none").config().baseline());
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                () -> semantic("--baseline", "median").config());
        assertEquals("--baseline: unknown baseline 'median', expected none or mean", e.getMessage()); // names the flag
    }
}
