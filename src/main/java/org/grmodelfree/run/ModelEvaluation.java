package org.grmodelfree.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.grmodelfree.comm.ChannelKind;
import org.grmodelfree.report.Json;
import org.grmodelfree.store.ModelFile;
import org.grmodelfree.train.Trainer;

/** What {@code modelfree evaluate} does: the BLER curve of a trained model and the files it writes. */
public final class ModelEvaluation {
    private ModelEvaluation() {
    }

    /**
     * Evaluates the restored model on a channel at each SNR and writes evaluation.json,
     * evaluation.csv and evaluation.png into dir (created if needed).
     *
     * @param model the model file (named in the results and the plot)
     * @return the results written to evaluation.json
     */
    public static Map<String, Object> run(Path model, ModelFile.Loaded loaded, Trainer t, ChannelKind ch,
                                          double[] snrs, long seed, long maxMessages, Path dir) throws IOException {
        Outputs.Evaluation ev = Outputs.evaluate(t.transmitter().codebook(), t.receiver(), ch, loaded.config().snrDb(),
                snrs, seed, Outputs.CURVE_MIN_MESSAGES, maxMessages);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("model", model.toString());
        result.put("method", loaded.config().method().id());
        result.put("channel", ch.id());
        result.put("snr_db", loaded.config().snrDb());
        ev.putInto(result);
        Files.createDirectories(dir);
        Json.write(dir.resolve("evaluation.json"), result);
        Outputs.writeBlerCurve(dir.resolve("evaluation.csv"), ev.curve(), ch);
        Outputs.plotBler(dir.resolve("evaluation.png"), "BLER of " + model.getFileName() + " on " + ch.id().toUpperCase(Locale.ROOT),
                ev.curve(), ch, "learned (" + loaded.config().method().id() + ")");
        return result;
    }
}
