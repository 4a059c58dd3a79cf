package org.grmodelfree.semantic.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.grmodelfree.nn.Param;
import org.grmodelfree.semantic.data.Dataset;
import org.grmodelfree.semantic.model.SemanticConfig;
import org.grmodelfree.semantic.model.SemanticCurve;
import org.grmodelfree.semantic.model.SemanticMethod;
import org.grmodelfree.semantic.model.SemanticTrainer;
import org.grmodelfree.store.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The semantic model file: a restored run continues exactly as the uninterrupted one; damage is named. */
class SemanticModelFileTest {
    @TempDir
    Path dir;

    private static Dataset images() {
        Random r = new Random(345);
        int n = 120;
        byte[] px = new byte[n * 28 * 28];
        r.nextBytes(px);
        int[] labels = new int[n];
        Arrays.setAll(labels, i -> i % 10);
        return Dataset.of("noise", 28, 28, px, labels, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
    }

    private static SemanticConfig config() {
        return new SemanticConfig("mnist", SemanticMethod.RL, true, 0, 0, 14, 16, 40, 1e-3, 2e-4, -4, 6, 0.15, true,
                true, true, 1, 2, 3, 1, 5);
    }

    @Test
    void aRestoredRunContinuesExactly() throws Exception {
        Dataset d = images();
        SemanticTrainer a = new SemanticTrainer(config(), d);
        a.trainEpoch();
        SemanticCurve curve = new SemanticCurve();
        curve.add(new SemanticCurve.Point(1, 2.5, 2.0, 2.3, 2.4, a.sigma2(), 2.2, 0.1));
        Path file = dir.resolve("semantic-model.msgpack");
        SemanticModelFile.save(file, a, 2.5, 2.0, curve);

        SemanticModelFile.Loaded loaded = SemanticModelFile.load(file);
        assertEquals(config(), loaded.config());
        assertEquals(1, loaded.epoch());
        assertEquals(a.step(), loaded.step());
        assertArrayEquals(curve.points().get(0).toArray(), loaded.history().points().get(0).toArray());
        SemanticTrainer b = new SemanticTrainer(loaded.config(), d);
        SemanticModelFile.restore(loaded, b);
        assertEquals(a.sigma2(), b.sigma2(), 0.0);

        a.trainEpoch();
        b.trainEpoch();
        List<Param> pa = a.params();
        List<Param> pb = b.params();
        for (int i = 0; i < pa.size(); i++) {
            assertArrayEquals(pa.get(i).value().data, pb.get(i).value().data, pa.get(i).name());
        }
        for (int i = 0; i < a.buffers().size(); i++) {
            assertArrayEquals(a.buffers().get(i).value().data, b.buffers().get(i).value().data);
        }
    }

    @Test
    void damagedOrForeignFilesAreRefusedByName() throws Exception {
        Dataset d = images();
        SemanticTrainer a = new SemanticTrainer(config(), d);
        Path file = dir.resolve("m.msgpack");
        SemanticModelFile.save(file, a, 0, 0, new SemanticCurve());
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SemanticModelFile.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());

        Path missing = dir.resolve("none.msgpack");
        e = assertThrows(ModelFormatException.class, () -> SemanticModelFile.load(missing));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());

        SemanticConfig other = new SemanticConfig("mnist", SemanticMethod.MODEL_AWARE, true, 0, 0, 14, 16, 40, 1e-3,
                2e-4, -4, 6, 0.15, false, false, false, 1, 2, 3, 1, 5);
        SemanticModelFile.save(file, a, 0, 0, new SemanticCurve());
        SemanticModelFile.Loaded loaded = SemanticModelFile.load(file);
        SemanticTrainer wrong = new SemanticTrainer(other, d);
        assertThrows(ModelFormatException.class, () -> SemanticModelFile.restore(loaded, wrong));
    }

    /**
     * A file written before the tuned defaults (and before mirrored exploration existed: no
     * {@code mirrored} key) was trained with the paper's recipe; it loads with that recipe, not with
     * today's defaults, so {@code --resume} continues it as it was trained.
     */
    @Test
    void aFileFromBeforeTheTunedDefaultsLoadsWithItsOwnRecipe() throws Exception {
        SemanticConfig paper = new SemanticConfig("mnist", SemanticMethod.RL, true, 0, 0, 14, 16, 40, 1e-3, 2e-4, -4,
                6, 0.15, false, false, false, 1, 2, 3, 1, 5);
        SemanticTrainer a = new SemanticTrainer(paper, images());
        Path file = dir.resolve("old.msgpack");
        SemanticModelFile.save(file, a, 0, 0, new SemanticCurve());
        Files.write(file, OlderFiles.withoutConfigKey(Files.readAllBytes(file), "mirrored"));
        assertFalse(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains("mirrored"), "the file has no mirrored key");

        SemanticConfig loaded = SemanticModelFile.load(file).config();
        assertEquals(paper, loaded);
        assertFalse(loaded.baseline() || loaded.mirrored());
        assertTrue(SemanticConfig.defaults("mnist", SemanticMethod.RL, true).mirrored(), "today's default differs");
    }
}
