package org.grmodelfree.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.grmodelfree.store.ModelFile;
import org.grmodelfree.train.Evaluator;
import org.grmodelfree.train.LearningCurve;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.train.Trainer;

/**
 * One embedded training run: iterate with progress and BLER estimates, stop on the iteration count
 * or on patience, checkpoint atomically (so {@code --resume} continues exactly), fine-tune the
 * receiver, then evaluate and write every output file.
 */
public final class TrainingSession {
    /** Seed offset of the fixed validation set used for the learning-curve BLER estimates. */
    public static final long VALIDATION_SEED = 0x5EEDL;

    /** How a run evaluates and checkpoints. */
    public record Settings(double[] curveSnrs, long testMessages, long maxMessages, double checkpointSeconds) {
    }

    private TrainingSession() {
    }

    public static Path modelPath(Path out) {
        return out.resolve("model.msgpack");
    }

    /**
     * Trains (fresh, or resumed from out/model.msgpack) and writes the outputs into out.
     *
     * @param iterationsOverride on resume, a new iteration count (null keeps the file's)
     * @return the summary written to summary.json
     */
    public static Map<String, Object> run(TrainConfig requested, Path out, boolean resume, Integer iterationsOverride,
                                   Settings s, Progress progress) throws IOException {
        Trainer trainer;
        LearningCurve curve;
        double previousSeconds;
        if (resume) {
            ModelFile.Loaded loaded = ModelFile.load(modelPath(out));
            TrainConfig c = iterationsOverride == null ? loaded.config()
                    : loaded.config().withIterations(iterationsOverride);
            trainer = ModelFile.restore(loaded, c);
            curve = loaded.history();
            previousSeconds = loaded.trainSeconds();
            progress.message(String.format(java.util.Locale.ROOT, "resuming %s from iteration %d of %d",
                    modelPath(out), trainer.iteration(), c.iterations()));
        } else {
            trainer = Trainer.create(requested);
            curve = new LearningCurve();
            previousSeconds = 0;
        }
        Files.createDirectories(out); // only once the run can start: a refused one leaves no folder
        TrainConfig c = trainer.config();
        Evaluator validation = new Evaluator(c.seed() + VALIDATION_SEED, Long.MAX_VALUE, c.evalMessages(),
                c.evalMessages(), 10_000);
        long t0 = System.nanoTime();
        long lastCheckpoint = t0;
        int startedAt = trainer.iteration();
        double best = curve.bestBler();
        int sinceBest = 0;
        String stoppedBy = "iterations";
        double lastBler = Double.NaN;
        while (trainer.iteration() < c.iterations()) {
            Trainer.IterationStats st = trainer.iterate();
            int done = trainer.iteration();
            double bler = Double.NaN;
            if (c.evalEvery() > 0 && (done % c.evalEvery() == 0 || done == c.iterations())) {
                bler = validation.bler(trainer.transmitter().codebook(), trainer.receiver(), c.channel(), c.snrDb()).bler();
                lastBler = bler;
                if (Double.isNaN(best) || bler < best) {
                    best = bler;
                    sinceBest = 0;
                } else {
                    sinceBest++;
                }
            }
            double seconds = previousSeconds + (System.nanoTime() - t0) / 1e9;
            curve.add(new LearningCurve.Point(done, seconds, st.rxLoss(), st.txLoss(), bler));
            progress.update(done, c.iterations(), startedAt, st.rxLoss(), st.txLoss(), lastBler, false);
            if (System.nanoTime() - lastCheckpoint > s.checkpointSeconds() * 1e9) {
                ModelFile.save(modelPath(out), trainer, seconds, curve);
                lastCheckpoint = System.nanoTime();
            }
            if (c.patience() > 0 && sinceBest >= c.patience()) {
                stoppedBy = "patience";
                progress.message("stopping: no BLER improvement over " + c.patience() + " estimates");
                break;
            }
        }
        progress.end();
        if (trainer.iteration() > startedAt && c.fineTuneSteps() > 0) {
            trainer.fineTuneReceiver(c.fineTuneSteps());
        }
        double trainSeconds = previousSeconds + (System.nanoTime() - t0) / 1e9;
        return finish(trainer, curve, trainSeconds, stoppedBy, out, s, progress, Map.of());
    }

    /**
     * Saves the trained model, evaluates it and writes every output file; extra entries go into
     * summary.json after the standard ones. Returns the summary.
     */
    public static Map<String, Object> finish(Trainer trainer, LearningCurve curve, double trainSeconds, String stoppedBy,
                                      Path out, Settings s, Progress progress, Map<String, Object> extra)
            throws IOException {
        TrainConfig c = trainer.config();
        ModelFile.save(modelPath(out), trainer, trainSeconds, curve);

        progress.message("evaluating BLER (at least " + s.testMessages() + " messages at " + c.snrDb() + " dB)");
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("method", c.method().id());
        summary.put("channel", c.channel().id());
        summary.put("snr_db", c.snrDb());
        summary.put("iterations", trainer.iteration());
        summary.put("stopped_by", stoppedBy);
        summary.put("train_seconds", trainSeconds);
        if (c.learnSigma2()) {
            summary.put("sigma2_learned", trainer.sigma2()); // where the learned exploration variance ended
        }
        Outputs.Evaluation ev = Outputs.evaluate(trainer.transmitter().codebook(), trainer.receiver(), c.channel(),
                c.snrDb(), s.curveSnrs(), c.seed(), s.testMessages(), s.maxMessages());
        ev.putInto(summary);
        summary.put("config", ModelFile.configMap(c));
        summary.putAll(extra);
        Outputs.writeRun(out, summary, ev, trainer.transmitter(), curve);
        return summary;
    }
}
