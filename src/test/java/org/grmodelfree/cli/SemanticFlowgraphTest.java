package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.grmodelfree.report.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RL-SINFONY through real GNU Radio: {@code ./modelfree flowgraph semantic_mnist} with the
 * flowgraph's small default schedule (1000 MNIST images, batch 50, 4 + 1 epochs) trains the four
 * agents and the receiver with each agent's channel inputs crossing a stock Noise Source and Add at
 * 6 dB, stops by itself, and writes the files of {@code ./modelfree semantic train}. Accuracies must
 * be far above chance (0.1): 0.18 on the receiver's 1000 last-epoch images is 8 standard deviations
 * above it, 0.15 on 2000 test images 7; neither is reached if a batch is paired with another
 * batch's images or labels, or if the streams lose or shift samples.
 */
class SemanticFlowgraphTest {
    /** What {@code ./modelfree semantic train} writes into summary.json (SemanticSession.finish). */
    private static final List<String> SEMANTIC_TRAIN_KEYS = List.of("dataset", "method", "reduced", "epochs",
            "train_images", "test_images", "train_seconds", "cpu_seconds", "seconds_per_epoch", "load_average_start",
            "load_average_end", "features_per_agent", "channel_uses_per_agent", "spectral_efficiency", "high_snr_db",
            "accuracy_high_snr", "accuracy_no_noise", "sigma2_final", "accuracy_curve", "config");

    @BeforeAll
    static void gnuRadio(@TempDir Path tmp) throws Exception {
        FlowgraphTest.gnuRadio(tmp);
    }

    @Test
    @SuppressWarnings("unchecked")
    void semantic_mnist_trains_through_stock_awgn_and_writes_the_semantic_summary(@TempDir Path out)
            throws Exception {
        CliTest.Run r = CliTest.run("flowgraph", "semantic_mnist", "--out", out.toString(), "--quiet",
                "--snr-db", "6");
        assertEquals(0, r.status(), r.err() + r.out());
        for (String f : List.of("summary.json", "accuracy_curve.csv", "learning_curve.csv", "error_rate.png",
                "learning_curve.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, "missing " + f);
        }
        Map<String, Object> s = Json.mapper().readValue(out.resolve("summary.json").toFile(), Map.class);
        assertTrue(s.keySet().containsAll(SEMANTIC_TRAIN_KEYS), "summary keys " + s.keySet());
        assertEquals("gnuradio", s.get("transport"));
        assertEquals("rl", s.get("method"));
        assertEquals(5, ((Number) s.get("epochs")).intValue());
        Map<String, Object> rx = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) s.get("blocks"))
                .get("semantic-receiver")).get("stats");
        assertEquals(100, ((Number) rx.get("batches")).intValue(), rx.toString());
        assertEquals(40, ((Number) rx.get("losses_fed_back")).intValue(), rx.toString());
        assertEquals(1000, ((Number) s.get("flowgraph_images")).intValue());
        double through = ((Number) s.get("flowgraph_accuracy")).doubleValue();
        double test = ((Number) s.get("accuracy_at_training_snr")).doubleValue();
        assertTrue(through > 0.18, "last-epoch accuracy through GNU Radio " + through);
        assertTrue(test > 0.15, "test accuracy at 6 dB of the joined checkpoints " + test);
        FlowgraphTest.assertNoBlockProcess("MODELFREE_RUN_DIR=" + out.toAbsolutePath());
    }
}
