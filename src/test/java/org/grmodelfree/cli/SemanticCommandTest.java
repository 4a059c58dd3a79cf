package org.grmodelfree.cli;

import static org.grmodelfree.cli.CliTest.assertOneLineError;
import static org.grmodelfree.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.grmodelfree.report.Json;
import org.grmodelfree.semantic.run.SemanticSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modelfree semantic}: a tiny run end to end, its resume and comparison, and one-line errors. */
class SemanticCommandTest {

    @Test
    void aTinyRunWritesEverythingResumesAndCompares(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("ma");
        String[] tiny = {"semantic", "train", "--method", "model-aware", "--reduced", "--epochs", "1",
            "--train-images", "200", "--test-images", "100", "--batch", "50", "--curve-snr-db", "0,10", "--quiet",
            "--out", out.toString()};
        CliTest.Run r = run(tiny);
        assertEquals(0, r.status(), r.err());
        for (String f : new String[] {SemanticSession.MODEL, "summary.json", "learning_curve.csv",
            "accuracy_curve.csv", "error_rate.png", "learning_curve.png"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        JsonNode s = Json.mapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(1, s.get("epochs").asInt());
        assertEquals(2, s.get("accuracy_curve").size());
        assertEquals(32.0 / 14, s.get("spectral_efficiency").asDouble(), 1e-9);
        assertEquals(2, Files.readAllLines(out.resolve("learning_curve.csv")).size());

        r = run("semantic", "train", "--resume", "--epochs", "2", "--quiet", "--curve-snr-db", "0,10", "--out",
                out.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(3, Files.readAllLines(out.resolve("learning_curve.csv")).size());

        Path cmp = dir.resolve("cmp");
        r = run("semantic", "compare", out.toString(), out.toString(), "--out", cmp.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.size(cmp.resolve("error_rate_vs_snr.png")) > 0);
        assertTrue(Files.size(cmp.resolve("learning_curves.png")) > 0);
        assertTrue(r.out().contains("model-aware"), r.out());
    }

    @Test
    void badArgumentsGiveOneLineErrors(@TempDir Path dir) {
        assertOneLineError(run("semantic", "train", "--method", "supervised"), 2, "method must be one of");
        assertOneLineError(run("semantic", "train", "--dataset", "cifar"), 2, "dataset must be mnist or fashion");
        assertOneLineError(run("semantic", "train", "--snr-range", "6"), 2, "--snr-range must be low:high");
        assertOneLineError(run("semantic", "train", "--sigma2", "1.5"), 2, "s^2 must lie in (0, 1)");
        // nothing to resume is bad usage, refused before the run makes any folder
        assertOneLineError(run("semantic", "train", "--resume", "--out", dir.toString()), 2,
                "--resume: there is no " + dir.resolve("semantic-model.msgpack"));
        assertOneLineError(run("semantic", "compare", dir.toString()), 1, "not a finished semantic run");
    }
}
