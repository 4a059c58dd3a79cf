package org.grmodelfree.sweep;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.grmodelfree.store.ModelFile;
import org.grmodelfree.train.TrainConfig;

/**
 * One cell of a sweep: a training run with its measurements. {@code axes} names the cell (each grid
 * axis and its value here, in the grid's order); {@code key} identifies what the cell computes (the
 * whole configuration and the measurements), so a rerun of the same grid, or of another grid with
 * the same cell, finds its result.
 *
 * @param key what the cell computes, as 24 hex digits (its result file's name)
 * @param axes the cell's value of each grid axis, in the grid's order
 * @param config the training run
 * @param measure what is measured after (and during) training
 */
public record Cell(String key, LinkedHashMap<String, String> axes, TrainConfig config, Measure measure)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Version of what a key covers: changes when a cell's computation does for the same inputs. */
    static final String KEY_VERSION = "cell-v1";
    /** Version of fine-tuning, in the keys of the cells that fine-tune. */
    static final String FINE_TUNE_VERSION = "fine-tune-v2";

    /**
     * The settings added to the configuration after cell-v1, each with its value when unset (as
     * {@link ModelFile#configMap} writes it): a key leaves them out at that value.
     */
    static final Map<String, Object> SINCE_V1_UNSET = Map.of("rx_restart", 0.0, "learn_sigma2", false);

    public Cell {
        axes = new LinkedHashMap<>(axes);
    }

    /** A cell whose key is derived from its configuration and measurements. */
    public static Cell of(Map<String, String> axes, TrainConfig config, Measure measure) {
        return new Cell(keyOf(config, measure), new LinkedHashMap<>(axes), config, measure);
    }

    @Override
    public LinkedHashMap<String, String> axes() {
        return new LinkedHashMap<>(axes);
    }

    /** The axes as {@code name=value, ...}, for messages. */
    public String label() {
        return label(axes, key);
    }

    /** Axes as {@code name=value, ...}, or the key when there are none. */
    static String label(Map<String, String> axes, String key) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : axes.entrySet()) {
            b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(e.getValue());
        }
        return b.length() == 0 ? key : b.toString();
    }

    static String keyOf(TrainConfig config, Measure measure) {
        java.util.Map<String, Object> settings = ModelFile.configMap(config);
        // settings added after cell-v1 enter the key only when set, so the results of the cells that
        // leave them unset keep their keys
        SINCE_V1_UNSET.forEach((name, unset) -> settings.remove(name, unset));
        // fine-tuning restarts the receiver's rate since fine-tune-v2 (it ran at the final rate before):
        // only the cells that fine-tune compute something new
        String text = KEY_VERSION + "|" + settings + "|" + measure
                + (config.fineTuneSteps() > 0 ? "|" + FINE_TUNE_VERSION : "");
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
