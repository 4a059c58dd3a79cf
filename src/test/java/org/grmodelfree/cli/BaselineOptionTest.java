package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.grmodelfree.train.Baseline;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * --baseline is none, mean or (train only) message; alone it means mean. Semantic training takes none
 * or mean, and refuses message by name.
 */
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
        assertEquals(Baseline.MESSAGE, train("--baseline", "message").config().baseline());
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                () -> train("--baseline", "median").config());
        assertEquals("--baseline: unknown baseline 'median', expected none, mean or message", e.getMessage());
        CommandLine.ParameterException m = assertThrows(CommandLine.ParameterException.class,
                () -> train("--baseline", "message", "--mirrored").config());
        assertTrue(m.getMessage().startsWith("--baseline, --mirrored: the per-message loss baseline"), m.getMessage());
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
        assertEquals("--baseline: unknown baseline 'median', expected none, mean or message", e.getMessage()); // names the flag
        CommandLine.ParameterException m = assertThrows(CommandLine.ParameterException.class,
                () -> semantic("--baseline", "message").config());
        assertEquals("--baseline: unknown baseline 'message' for semantic training (each image is sent once),"
                + " expected none or mean", m.getMessage());
    }
}
