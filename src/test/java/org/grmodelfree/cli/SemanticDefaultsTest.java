package org.grmodelfree.cli;

import static org.grmodelfree.cli.CliTest.assertOneLineError;
import static org.grmodelfree.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.grmodelfree.report.Json;
import org.grmodelfree.semantic.model.SemanticConfig;
import org.grmodelfree.semantic.model.SemanticMethod;
import org.grmodelfree.semantic.run.SemanticSession;
import org.grmodelfree.semantic.store.OlderFiles;
import org.grmodelfree.semantic.store.SemanticModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code semantic train}'s recipes: rl defaults to the mean baseline and mirrored exploration, {@code --paper}
 * to neither, each one flag away from the other; a file from before resumes with the recipe it was trained with.
 */
class SemanticDefaultsTest {

    private static SemanticConfig config(String... args) {
        SemanticCommand.Train c = new SemanticCommand.Train();
        new CommandLine(c).parseArgs(args);
        return c.config();
    }

    @Test
    void rlDefaultsToBaselineAndMirroredThePaperToNeither() {
        SemanticConfig d = config("--method", "rl", "--reduced");
        assertTrue(d.baseline() && d.mirrored(), "defaults: " + d);
        assertEquals(SemanticConfig.defaults("mnist", SemanticMethod.RL, true), d);
        assertEquals(d, config("--reduced"), "rl is the default method");
        SemanticConfig p = config("--method", "rl", "--reduced", "--paper");
        assertFalse(p.baseline() || p.mirrored(), "paper: " + p);
        assertEquals(SemanticConfig.paper("mnist", SemanticMethod.RL, true), p);
        assertEquals(p, config("--reduced", "--baseline", "none", "--no-mirrored"), "the paper's recipe, spelt out");
    }

    @Test
    void eachPartOfTheRecipeIsOneFlagAway() {
        SemanticConfig noMirror = config("--no-mirrored");
        assertTrue(noMirror.baseline() && !noMirror.mirrored());
        assertFalse(config("--mirrored=false").mirrored());
        assertTrue(config("--mirrored").mirrored());
        SemanticConfig noBaseline = config("--baseline", "none");
        assertTrue(!noBaseline.baseline() && noBaseline.mirrored());
        SemanticConfig paperMirrored = config("--paper", "--mirrored");
        assertTrue(!paperMirrored.baseline() && paperMirrored.mirrored());
        SemanticConfig paperBoth = config("--paper", "--baseline", "--mirrored");
        assertEquals(config(), paperBoth, "the paper's recipe with both is the default");
    }

    @Test
    void modelAwareAndPerfectHaveNoPolicyToMirror() {
        for (String m : new String[] {"model-aware", "perfect"}) {
            SemanticConfig c = config("--method", m, "--reduced");
            assertFalse(c.baseline() || c.mirrored(), m + ": " + c);
            assertEquals(c, config("--method", m, "--reduced", "--paper"));
        }
    }

    /**
     * A run from before the tuned defaults (paper's recipe, no mirrored key in its file) resumes with
     * its own recipe; flags that would change the recipe are refused.
     */
    @Test
    void anOldRunResumesWithTheRecipeItWasTrainedWith(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("old");
        String[] tiny = {"semantic", "train", "--paper", "--reduced", "--epochs", "1", "--fine-tune-epochs", "0",
            "--train-images", "200", "--test-images", "100", "--batch", "50", "--rx-steps", "1", "--tx-steps", "1",
            "--curve-snr-db", "10", "--quiet", "--out", out.toString()};
        CliTest.Run r = run(tiny);
        assertEquals(0, r.status(), r.err());
        Path model = out.resolve(SemanticSession.MODEL);
        Files.write(model, OlderFiles.withoutConfigKey(Files.readAllBytes(model), "mirrored"));

        assertOneLineError(run("semantic", "train", "--resume", "--mirrored", "--quiet", "--out", out.toString()), 2,
                "--mirrored would change it");
        assertOneLineError(run("semantic", "train", "--resume", "--paper", "--quiet", "--out", out.toString()), 2,
                "--paper would change it");
        assertOneLineError(run("semantic", "train", "--resume", "--baseline", "--quiet", "--out", out.toString()), 2,
                "--baseline would change it");
        // restating what the file holds is no change
        r = run("semantic", "train", "--resume", "--epochs", "2", "--no-mirrored", "--baseline", "none", "--quiet",
                "--curve-snr-db", "10", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        SemanticConfig c = SemanticModelFile.load(model).config();
        assertFalse(c.baseline() || c.mirrored(), "resumed with the file's recipe: " + c);
        assertEquals(2, c.epochs());
        JsonNode s = Json.mapper().readTree(out.resolve("summary.json").toFile());
        assertFalse(s.get("config").get("mirrored").asBoolean());
        assertFalse(s.get("config").get("baseline").asBoolean());
        assertEquals(2, s.get("epochs").asInt());

        // and a new run with no flags is the tuned recipe
        Path fresh = dir.resolve("fresh");
        r = run("semantic", "train", "--reduced", "--epochs", "1", "--fine-tune-epochs", "0", "--train-images", "200",
                "--test-images", "100", "--batch", "50", "--rx-steps", "1", "--tx-steps", "1", "--curve-snr-db", "10",
                "--quiet", "--out", fresh.toString());
        assertEquals(0, r.status(), r.err());
        SemanticConfig f = SemanticModelFile.load(fresh.resolve(SemanticSession.MODEL)).config();
        assertTrue(f.baseline() && f.mirrored(), "fresh: " + f);
        assertOneLineError(run("semantic", "train", "--resume", "--no-mirrored", "--quiet", "--out", fresh.toString()),
                2, "--mirrored would change it");
        r = run("semantic", "train", "--resume", "--epochs", "2", "--quiet", "--curve-snr-db", "10", "--out",
                fresh.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(SemanticModelFile.load(fresh.resolve(SemanticSession.MODEL)).config().mirrored());
    }
}
